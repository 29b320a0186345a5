package org.jsgx.cpu;

/**
 * SECS.ATTRIBUTES: FLAGS (u64) and XFRM (u64), 16 bytes. Bits named as in the SDM.
 */
public record Attributes(long flags, long xfrm) {
    public static final long INIT = 1L;
    public static final long DEBUG = 1L << 1;
    public static final long MODE64BIT = 1L << 2;
    public static final long PROVISIONKEY = 1L << 4;
    public static final long EINITTOKENKEY = 1L << 5;
    public static final long CET = 1L << 6;
    public static final long KSS = 1L << 7;
    public static final long AEXNOTIFY = 1L << 10;
    /** Attributes only a launch enclave (MRSIGNER == LE pubkey hash) may set. */
    public static final long CONTROLLED = EINITTOKENKEY;
    /** XFRM[1:0]: x87 and SSE, always required. */
    public static final long XFRM_LEGACY = 0x3L;

    public static final Attributes ZERO = new Attributes(0, 0);

    public Attributes and(Attributes o) {
        return new Attributes(flags & o.flags, xfrm & o.xfrm);
    }

    public Attributes or(Attributes o) {
        return new Attributes(flags | o.flags, xfrm | o.xfrm);
    }

    public Attributes not() {
        return new Attributes(~flags, ~xfrm);
    }

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    public Attributes withFlags(long f) {
        return new Attributes(f, xfrm);
    }

    public byte[] toBytes() {
        return Bytes.concat(Bytes.le64(flags), Bytes.le64(xfrm));
    }

    @Override
    public String toString() {
        return String.format("flags=0x%x xfrm=0x%x", flags, xfrm);
    }
}
