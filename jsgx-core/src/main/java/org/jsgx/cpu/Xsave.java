package org.jsgx.cpu;

/**
 * XSAVE area geometry (non-compacted format, CPUID.(0DH, i) offsets and sizes of the common
 * Intel layout) and XCR0 validity rules, as ECREATE needs them for the SSA frame size check.
 */
public final class Xsave {
    /** Legacy region (512) plus XSAVE header (64). */
    public static final int LEGACY_SIZE = 576;
    private static final int[][] COMPONENTS = {
            // {bit, offset, size}
            {2, 576, 256},     // AVX YMM_Hi128
            {3, 960, 64},      // MPX BNDREGS
            {4, 1024, 64},     // MPX BNDCSR
            {5, 1088, 64},     // AVX-512 opmask
            {6, 1152, 512},    // AVX-512 ZMM_Hi256
            {7, 1664, 1024},   // AVX-512 Hi16_ZMM
            {9, 2688, 8},      // PKRU
            {17, 2752, 64},    // AMX TILECFG
            {18, 2816, 8192},  // AMX TILEDATA
    };

    private Xsave() {
    }

    /** Size of the XSAVE area for the features in {@code xfrm}. */
    public static int size(long xfrm) {
        int size = LEGACY_SIZE;
        for (int[] c : COMPONENTS) {
            if ((xfrm & (1L << c[0])) != 0) {
                size = Math.max(size, c[1] + c[2]);
            }
        }
        return size;
    }

    /** The XCR0 consistency rules the SDM lists for ECREATE's XFRM check. */
    public static boolean validXcr0(long xfrm) {
        if ((xfrm & 0x3) != 0x3) {
            return false;
        }
        boolean avx = (xfrm & 0x4) != 0;
        long mpx = xfrm & 0x18;
        if (mpx != 0 && mpx != 0x18) {
            return false;
        }
        long avx512 = xfrm & 0xE0;
        if (avx512 != 0 && (avx512 != 0xE0 || !avx)) {
            return false;
        }
        long amx = xfrm & (3L << 17);
        return amx == 0 || amx == (3L << 17);
    }

    /** Offsets in the XSAVE image: FCW, MXCSR, and the header's XSTATE_BV and XCOMP_BV. */
    public static final int FCW = 0, MXCSR = 24, XSTATE_BV = 512, XCOMP_BV = 520, HEADER = 512;
    /** x87 control word and MXCSR of the INIT state. */
    public static final int FCW_INIT = 0x037F, MXCSR_INIT = 0x1F80;

    /**
     * [MODEL] AEX's XSAVE. The model keeps no x87/SSE/AVX registers: enclave code always has
     * its extended state in the INIT configuration, so AEX stores the image XSAVE produces for
     * that state — legacy region zero except FCW = 0x037F and MXCSR = 0x1F80, header zero
     * (XSTATE_BV = 0: every component INIT). Components beyond the legacy region and header are
     * not written (XSAVE skips components whose XSTATE_BV bit is 0).
     */
    static void saveInit(java.lang.foreign.MemorySegment area) {
        area.asSlice(0, LEGACY_SIZE).fill((byte) 0);
        area.set(Struct.U16, FCW, (short) FCW_INIT);
        area.set(Struct.U32, MXCSR, MXCSR_INIT);
    }

    /**
     * The XRSTOR header checks ERESUME applies to the frame it restores (non-compacted form):
     * XSTATE_BV within XFRM, XCOMP_BV zero, header bytes 16..63 zero; MXCSR reserved bits zero.
     */
    static boolean restorable(java.lang.foreign.MemorySegment area, long xfrm) {
        long xstateBv = area.get(Struct.U64, XSTATE_BV);
        return (xstateBv & ~xfrm) == 0 && area.get(Struct.U64, XCOMP_BV) == 0
                && Bytes.isZero(area, HEADER + 16, 48) && (area.get(Struct.U32, MXCSR) & ~0xFFFF) == 0;
    }
}
