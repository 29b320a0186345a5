package org.jsgx.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;

/** Ordinary (non-EPC) physical memory: sparse 4 KiB frames, zeroed when first touched. */
public final class Ram {
    private final ConcurrentHashMap<Long, MemorySegment> frames = new ConcurrentHashMap<>();

    /** The frame holding physical address {@code pa}. */
    public MemorySegment frame(long pa) {
        return frames.computeIfAbsent(pa >>> 12, k -> Arena.ofAuto().allocate(4096, 4096));
    }

    public long touchedFrames() {
        return frames.size();
    }
}
