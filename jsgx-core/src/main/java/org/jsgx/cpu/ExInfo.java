package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/** MISC.EXINFO: 16 bytes immediately below GPRSGX when MISCSELECT.EXINFO is set. */
public final class ExInfo extends Struct {
    public static final int SIZE = 16;
    public static final int MADDR = 0;
    public static final int ERRCD = 8;
    /** MISCSELECT bit selecting EXINFO. */
    public static final int MISCSELECT_EXINFO = 1;

    public ExInfo(MemorySegment seg) {
        super(seg, SIZE);
    }

    public static ExInfo ofFrame(MemorySegment frame) {
        return new ExInfo(frame.asSlice(frame.byteSize() - GprSgx.SIZE - SIZE, SIZE));
    }

    public long maddr() {
        return u64(MADDR);
    }

    public int errcd() {
        return u32(ERRCD);
    }

    public void set(long maddr, int errcd) {
        u64(MADDR, maddr);
        u32(ERRCD, errcd);
        u32(12, 0);
    }
}
