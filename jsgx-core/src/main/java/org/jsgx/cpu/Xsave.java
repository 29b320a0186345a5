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
}
