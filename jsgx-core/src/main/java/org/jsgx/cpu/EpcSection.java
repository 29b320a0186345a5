package org.jsgx.cpu;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A contiguous EPC section (CPUID.(12H, n≥2)). Page frames are created on first use in chunks
 * of 1024 descriptors, so a 64 GiB section costs a few kilobytes until pages are touched.
 */
public final class EpcSection {
    private static final int CHUNK_SHIFT = 10;
    private static final int CHUNK = 1 << CHUNK_SHIFT;

    private final long base;
    private final long size;
    private final long pages;
    private final AtomicReferenceArray<EpcPage[]> chunks;

    public EpcSection(long base, long size) {
        if ((base & 0xFFF) != 0 || size <= 0 || (size & 0xFFF) != 0) {
            throw new IllegalArgumentException(String.format(
                    "EPC section base 0x%x size 0x%x: both must be non-zero multiples of 4096", base, size));
        }
        this.base = base;
        this.size = size;
        this.pages = size >>> 12;
        long nChunks = (pages + CHUNK - 1) >>> CHUNK_SHIFT;
        if (nChunks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("EPC section too large: " + size);
        }
        this.chunks = new AtomicReferenceArray<>((int) nChunks);
    }

    public long base() {
        return base;
    }

    public long size() {
        return size;
    }

    public long pageCount() {
        return pages;
    }

    public boolean contains(long pa) {
        return Long.compareUnsigned(pa - base, size) < 0;
    }

    /** The frame holding {@code pa}, which must be inside this section. */
    public EpcPage page(long pa) {
        long idx = (pa - base) >>> 12;
        int c = (int) (idx >>> CHUNK_SHIFT);
        EpcPage[] chunk = chunks.get(c);
        if (chunk == null) {
            chunks.compareAndSet(c, null, new EpcPage[CHUNK]);
            chunk = chunks.get(c);
        }
        int i = (int) (idx & (CHUNK - 1));
        EpcPage p = chunk[i];
        if (p == null) {
            synchronized (chunk) {
                p = chunk[i];
                if (p == null) {
                    p = new EpcPage(base + (idx << 12));
                    chunk[i] = p;
                }
            }
        }
        return p;
    }

    /** The frame at {@code index} in this section. */
    public EpcPage pageAt(long index) {
        return page(base + (index << 12));
    }

    /** Visits every frame that was ever touched, in address order, allocating nothing. */
    public void forEachTouched(java.util.function.Consumer<EpcPage> action) {
        for (int c = 0; c < chunks.length(); c++) {
            EpcPage[] chunk = chunks.get(c);
            if (chunk == null) {
                continue;
            }
            for (EpcPage p : chunk) {
                if (p != null) {
                    action.accept(p);
                }
            }
        }
    }
}
