package org.jsgx.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The Enclave Page Cache: one or more sections in the physical address space. */
public final class Epc {
    private final List<EpcSection> sections;
    /** The first section, tried before the list: most platforms have only one. */
    private final EpcSection first;

    public Epc(List<EpcSection> sections) {
        this.sections = List.copyOf(sections);
        this.first = this.sections.isEmpty() ? null : this.sections.getFirst();
        for (int i = 0; i < this.sections.size(); i++) {
            for (int j = i + 1; j < this.sections.size(); j++) {
                EpcSection a = this.sections.get(i);
                EpcSection b = this.sections.get(j);
                if (a.contains(b.base()) || b.contains(a.base())) {
                    throw new IllegalArgumentException("EPC sections overlap");
                }
            }
        }
    }

    public List<EpcSection> sections() {
        return sections;
    }

    public boolean contains(long pa) {
        return section(pa) != null;
    }

    public EpcSection section(long pa) {
        EpcSection f = first;
        if (f != null && f.contains(pa)) {
            return f;
        }
        return otherSection(pa);
    }

    private EpcSection otherSection(long pa) {
        // indexed: this runs on every user-memory access and enclave translation
        for (int i = 0; i < sections.size(); i++) {
            EpcSection s = sections.get(i);
            if (s.contains(pa)) {
                return s;
            }
        }
        return null;
    }

    /** The EPC frame holding {@code pa}, or null when pa is not EPC. */
    public EpcPage page(long pa) {
        EpcSection s = section(pa);
        return s == null ? null : s.page(pa & ~0xFFFL);
    }

    public long totalPages() {
        long n = 0;
        for (EpcSection s : sections) {
            n += s.pageCount();
        }
        return n;
    }

    /** Visits every frame that has ever been touched (the others are all invalid and zero). */
    public void forEachTouched(Consumer<EpcPage> action) {
        for (EpcSection s : sections) {
            s.forEachTouched(action);
        }
    }

    /** True when a valid page is owned by {@code secs}: a full scan, for invariant checks. */
    public boolean hasChildren(EpcPage secs) {
        boolean[] found = {false};
        forEachTouched(p -> {
            if (p.epcm().valid && p.epcm().enclaveSecs == secs) {
                found[0] = true;
            }
        });
        return found[0];
    }

    public List<EpcPage> touchedPages() {
        List<EpcPage> l = new ArrayList<>();
        forEachTouched(l::add);
        return l;
    }
}
