package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/**
 * GPRSGX region of an SSA frame: the last 184 bytes of the frame (the old SDM table's "176" is
 * a defect; the fields total 184).
 */
public final class GprSgx extends Struct {
    public static final int SIZE = 184;
    public static final int RAX = 0, RCX = 8, RDX = 16, RBX = 24, RSP = 32, RBP = 40, RSI = 48,
            RDI = 56, R8 = 64, R9 = 72, R10 = 80, R11 = 88, R12 = 96, R13 = 104, R14 = 112,
            R15 = 120, RFLAGS = 128, RIP = 136, URSP = 144, URBP = 152, EXITINFO = 160,
            AEXNOTIFY = 167, FSBASE = 168, GSBASE = 176;

    /** EXITINFO.EXIT_TYPE values. */
    public static final int EXIT_TYPE_HARDWARE = 3;
    public static final int EXIT_TYPE_SOFTWARE = 6;
    public static final int EXITINFO_VALID = 1 << 31;

    public GprSgx(MemorySegment seg) {
        super(seg, SIZE);
    }

    /** The GPRSGX of a whole SSA frame ({@code frameSize} bytes). */
    public static GprSgx ofFrame(MemorySegment frame) {
        return new GprSgx(frame.asSlice(frame.byteSize() - SIZE, SIZE));
    }

    public long reg(int off) {
        return u64(off);
    }

    public void reg(int off, long v) {
        u64(off, v);
    }

    /**
     * RAX..R15 (offsets 0..120, {@link Registers#gprs()} order) in one copy: ERESUME and AEX move
     * all sixteen on every fault, and one bounds/alignment check beats sixteen.
     */
    public long[] gprs() {
        long[] g = new long[16];
        MemorySegment.copy(seg, U64, RAX, g, 0, g.length);
        return g;
    }

    public void gprs(long[] g) {
        MemorySegment.copy(g, 0, seg, U64, RAX, 16);
    }

    public int exitInfo() {
        return u32(EXITINFO);
    }

    public void exitInfo(int v) {
        u32(EXITINFO, v);
    }

    public static int exitInfo(int vector, int exitType) {
        return EXITINFO_VALID | (exitType << 8) | (vector & 0xff);
    }
}
