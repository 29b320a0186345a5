package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/** The physical address space: EPC sections plus ordinary RAM everywhere else. */
public final class PhysicalMemory {
    private final Epc epc;
    private final Ram ram = new Ram();

    public PhysicalMemory(Epc epc) {
        this.epc = epc;
    }

    public Epc epc() {
        return epc;
    }

    public Ram ram() {
        return ram;
    }

    /** The 4 KiB frame holding {@code pa}: an EPC page's memory or a RAM frame. */
    public MemorySegment frame(long pa) {
        EpcPage p = epc.page(pa);
        return p != null ? p.data() : ram.frame(pa);
    }
}
