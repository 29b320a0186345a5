package org.jsgx.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** Ordinary (non-EPC) physical memory: sparse 4 KiB frames, zeroed when first touched. */
public final class Ram {
    private static final int CACHE_SLOTS = 4096;

    private final ConcurrentHashMap<Long, MemorySegment> frames = new ConcurrentHashMap<>();
    /**
     * A direct-mapped cache in front of the map: every leaf operand access looks a frame up,
     * and frames are never removed, so a cached entry never goes stale.
     */
    private final AtomicReferenceArray<Cached> cache = new AtomicReferenceArray<>(CACHE_SLOTS);

    private record Cached(long frameNumber, MemorySegment frame) {
    }

    /** The frame holding physical address {@code pa}. */
    public MemorySegment frame(long pa) {
        long n = pa >>> 12;
        int slot = (int) (n ^ (n >>> 12)) & (CACHE_SLOTS - 1);
        Cached c = cache.get(slot);
        if (c != null && c.frameNumber == n) {
            return c.frame;
        }
        MemorySegment f = frames.computeIfAbsent(n, k -> Arena.ofAuto().allocate(4096, 4096));
        cache.setRelease(slot, new Cached(n, f)); // an immutable record: release order suffices, no fence
        return f;
    }

    public long touchedFrames() {
        return frames.size();
    }
}
