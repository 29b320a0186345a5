package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Small byte helpers shared by the structures and leaves. */
public final class Bytes {
    private static final VarHandle BE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    /** The big-endian 64-bit value at {@code b[off..off+8)} (GCM's block order). */
    public static long be64(byte[] b, int off) {
        return (long) BE64.get(b, off);
    }

    public static void putBe64(byte[] b, int off, long v) {
        BE64.set(b, off, v);
    }

    public static boolean isZero(MemorySegment seg, long off, long len) {
        long i = 0;
        for (; i + 8 <= len; i += 8) {
            if (seg.get(Struct.U64, off + i) != 0) {
                return false;
            }
        }
        for (; i < len; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, off + i) != 0) {
                return false;
            }
        }
        return true;
    }

    public static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    /** Constant-time comparison, as MAC checks should be. */
    public static boolean equal(byte[] a, byte[] b) {
        return java.security.MessageDigest.isEqual(a, b);
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] r = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, o, p.length);
            o += p.length;
        }
        return r;
    }

    public static byte[] le64(long v) {
        byte[] r = new byte[8];
        for (int i = 0; i < 8; i++) {
            r[i] = (byte) (v >>> (8 * i));
        }
        return r;
    }

    public static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    public static byte[] zeros(int n) {
        return new byte[n];
    }

    public static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    public static byte[] copy(byte[] b) {
        return Arrays.copyOf(b, b.length);
    }
}
