package org.jsgx.x86;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.jsgx.cpu.Access;
import org.jsgx.cpu.AddressSpace;
import org.jsgx.cpu.ArchFault;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.EpcmEntry;
import org.jsgx.cpu.LogicalProcessor;

/**
 * What one Unicorn engine has mapped: its TLB. A linear page is mapped, on first use, onto the
 * very frame the cpu layer resolves it to ({@link LogicalProcessor#enclaveTranslate}: paging,
 * ELRANGE and EPCM rules), with the host memory of that frame ({@code uc_mem_map_ptr}, no
 * copy) and exactly the accesses the model allows (EPCM ∧ page tables,
 * {@link LogicalProcessor#enclavePermissions}). An access the mapping does not allow comes back to the model, which either raises
 * the architectural fault or (permissions grew, e.g. after EACCEPT or EMODPE) widens the mapping.
 *
 * <p>Like a TLB, mappings are re-validated at every enclave entry ({@link #resync}), because
 * EPCM and page-table changes made while the thread was outside (EMODPR, EAUG, eviction,
 * mprotect) take effect then, as the SDM's TLB-flush-on-exit rule guarantees on hardware. The
 * re-validation is skipped when nothing it depends on can have changed since the last one:
 * the same enclave and address space, and neither the EPCM change count
 * ({@link EpcmEntry#changes()}) nor the address space's PTE generation has moved.
 * Unicorn keeps one memory region per page and aborts the process past a few thousand regions,
 * so the map is flushed once it holds {@link #MAX_PAGES} pages.
 *
 * <p>With Unicorn 2.1's virtual TLB ({@link X86Core}) the regions stay as they are and the
 * engine's fill hook answers from {@link #perms}; every change that narrows or moves a mapping
 * also flushes Unicorn's TLB, which would otherwise keep the old entry.
 */
final class EnclaveMemoryMap {
    static final long PAGE = 4096;
    /** Well below the ~4,096 regions at which Unicorn 2.0.1 aborts (qemu phys_section_add). */
    static final int MAX_PAGES = 2048;

    private record Mapping(long pa, int perms) {
    }

    private final Unicorn uc;
    private final boolean virtualTlb;
    private final Map<Long, Mapping> pages = new HashMap<>();
    /** What the mappings were last validated against (see {@link #resync}). */
    private EpcPage validSecs;
    private AddressSpace validSpace;
    private long validEpcm = -1, validPtes = -1;

    EnclaveMemoryMap(Unicorn uc, boolean virtualTlb) {
        this.uc = uc;
        this.virtualTlb = virtualTlb;
    }

    int size() {
        return pages.size();
    }

    /** Unicorn permissions of the mapped page at {@code la}, or -1 when unmapped. */
    int perms(long la) {
        Mapping m = pages.get(la & -PAGE);
        return m == null ? -1 : m.perms;
    }

    /**
     * Maps (or re-protects) the page of {@code la} for {@code access} as the model allows.
     *
     * @return the architectural fault the access raises, or null once the page is mapped
     */
    ArchFault fill(LogicalProcessor lp, long la, Access access) {
        long page = la & -PAGE;
        long pa;
        try {
            pa = lp.enclaveTranslate(la, access);
        } catch (ArchFault f) {
            return f;
        }
        if (pa < 0) {
            throw new IllegalStateException("abort page in enclave mode at 0x" + Long.toHexString(la));
        }
        Mapping want = new Mapping(pa & -PAGE, allowed(lp, page));
        Mapping have = pages.get(page);
        if (have != null && have.pa == want.pa) {
            if (have.perms != want.perms) {
                uc.memProtect(page, PAGE, want.perms);
                uc.removeTranslations(page, page + PAGE); // permissions changed: no code of the old view survives
                pages.put(page, want);
                flushTlb();
            }
            return null;
        }
        if (have != null) {
            unmap(page);
        } else if (pages.size() >= MAX_PAGES) {
            clear();
        }
        map(lp, page, want);
        return null;
    }

    /**
     * Re-validates every mapping against the model (frame and permissions), as an enclave
     * entry flushes the TLB.
     *
     * @return true when a page now maps another frame or was dropped (cached code may be stale)
     */
    boolean resync(LogicalProcessor lp) {
        // read the counts before the checks: a change racing with them moves them again
        long epcm = EpcmEntry.changes();
        AddressSpace space = lp.addressSpace();
        long ptes = space.generation();
        if (ptes >= 0 && ptes == validPtes && epcm == validEpcm && space == validSpace
                && lp.activeSecs() == validSecs) {
            return false;
        }
        validSecs = lp.activeSecs();
        validSpace = space;
        validEpcm = epcm;
        validPtes = ptes;
        boolean moved = false, changed = false;
        for (Iterator<Map.Entry<Long, Mapping>> it = pages.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, Mapping> e = it.next();
            long page = e.getKey();
            Mapping have = e.getValue();
            int bits = lp.enclavePermissions(page);
            long pa = frameOf(lp, page, bits);
            int perms = pa < 0 ? 0 : toUc(bits);
            if (pa != have.pa || perms == 0) {
                uc.memUnmap(page, PAGE);
                it.remove();
                moved = true;
                changed = true;
                if (pa >= 0 && perms != 0) {
                    // re-mapped lazily on next use
                    continue;
                }
            } else if (perms != have.perms) {
                uc.memProtect(page, PAGE, perms);
                uc.removeTranslations(page, page + PAGE);
                e.setValue(new Mapping(pa, perms));
                changed = true;
            }
        }
        if (changed) {
            flushTlb();
        }
        return moved;
    }

    /** Drops every mapping. */
    void clear() {
        for (long page : pages.keySet()) {
            uc.memUnmap(page, PAGE);
        }
        pages.clear();
        flushTlb();
    }

    /** Unicorn 2.1's virtual TLB must not keep entries of a mapping that changed. */
    private void flushTlb() {
        if (virtualTlb) {
            uc.flushTlb();
        }
    }

    private void map(LogicalProcessor lp, long page, Mapping m) {
        MemorySegment frame = lp.platform().memory().frame(m.pa);
        uc.memMapPtr(page, PAGE, m.perms, frame);
        pages.put(page, m);
    }

    private void unmap(long page) {
        uc.memUnmap(page, PAGE);
        uc.removeTranslations(page, page + PAGE);
        pages.remove(page);
        flushTlb();
    }

    /** The frame any access to {@code page} reaches, or -1 when none is allowed. */
    private static long frameOf(LogicalProcessor lp, long page, int perms) {
        for (Access a : Access.values()) {
            if ((perms & (1 << a.ordinal())) != 0) {
                long pa = lp.enclaveTranslate(page, a);
                return pa < 0 ? -1 : pa & -PAGE;
            }
        }
        return -1;
    }

    /** The Unicorn permissions the model grants on {@code page} (EPCM ∧ page tables). */
    private static int allowed(LogicalProcessor lp, long page) {
        return toUc(lp.enclavePermissions(page));
    }

    private static int toUc(int accessBits) {
        int perms = 0;
        if ((accessBits & (1 << Access.READ.ordinal())) != 0) {
            perms |= UcConst.UC_PROT_READ;
        }
        if ((accessBits & (1 << Access.WRITE.ordinal())) != 0) {
            perms |= UcConst.UC_PROT_WRITE;
        }
        if ((accessBits & (1 << Access.EXECUTE.ordinal())) != 0) {
            perms |= UcConst.UC_PROT_EXEC;
        }
        return perms;
    }
}
