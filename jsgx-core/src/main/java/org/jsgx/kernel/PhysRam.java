package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import org.jsgx.cpu.PhysicalMemory;

/**
 * The kernel's page allocator for ordinary RAM: frames for anonymous memory, the per-CPU
 * scratch the driver stages ENCLS operands in, and the enclave backing store. Frames come from
 * a region below the EPC, are zeroed on allocation and reused after being freed.
 */
public final class PhysRam {
    /** First frame handed out (4 GiB): away from the small addresses tests use for identity maps. */
    static final long BASE = 0x1_0000_0000L;

    private final PhysicalMemory memory;
    private final ArrayDeque<Long> free = new ArrayDeque<>();
    private long next = BASE;
    private long inUse;

    PhysRam(PhysicalMemory memory) {
        this.memory = memory;
    }

    /** A zeroed frame's physical address. */
    public synchronized long alloc() {
        Long pa = free.pollFirst();
        long p;
        if (pa != null) {
            p = pa;
            memory.frame(p).fill((byte) 0);
        } else {
            p = next;
            next += 4096;
        }
        inUse++;
        return p;
    }

    /**
     * A frame whose old contents the caller overwrites in full before anything can read it: a
     * reused frame is not zeroed (see {@link SgxBacking#getForEwb}). New frames are zero anyway.
     */
    public synchronized long allocForOverwrite() {
        Long pa = free.pollFirst();
        long p;
        if (pa != null) {
            p = pa;
        } else {
            p = next;
            next += 4096;
        }
        inUse++;
        return p;
    }

    /** Back to the head of the free list: the next allocation reuses it while it is cache-hot. */
    public synchronized void free(long pa) {
        free.addFirst(pa);
        inUse--;
    }

    public synchronized long framesInUse() {
        return inUse;
    }

    /** The frame's memory (the kernel's direct map). */
    public MemorySegment frame(long pa) {
        return memory.frame(pa);
    }

    void write(long pa, byte[] data) {
        MemorySegment.copy(data, 0, memory.frame(pa), ValueLayout.JAVA_BYTE, pa & 0xFFF, data.length);
    }

    byte[] read(long pa, int len) {
        byte[] out = new byte[len];
        MemorySegment.copy(memory.frame(pa), ValueLayout.JAVA_BYTE, pa & 0xFFF, out, 0, len);
        return out;
    }
}
