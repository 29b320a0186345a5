package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/** SECINFO: 64 bytes, 64-aligned. FLAGS u64 at 0, 56 reserved bytes. */
public final class SecInfo extends Struct {
    public static final int SIZE = 64;
    public static final int ALIGN = 64;

    public static final long R = 1L;
    public static final long W = 1L << 1;
    public static final long X = 1L << 2;
    public static final long PENDING = 1L << 3;
    public static final long MODIFIED = 1L << 4;
    public static final long PR = 1L << 5;
    public static final long RWX = R | W | X;
    /** Bits 7:6 and 63:16: reserved in every use. */
    public static final long RESERVED_BITS = 0xC0L | 0xFFFF_FFFF_FFFF_0000L;

    public SecInfo(MemorySegment seg) {
        super(seg, SIZE);
    }

    public static SecInfo allocate() {
        return new SecInfo(MemorySegment.ofArray(new byte[SIZE]));
    }

    /** A SECINFO with the given FLAGS (page type in bits 15:8). */
    public static SecInfo of(long flags) {
        SecInfo s = allocate();
        s.flags(flags);
        return s;
    }

    public static long flags(PageType pt, long perms) {
        return ((long) pt.value() << 8) | perms;
    }

    public long flags() {
        return u64(0);
    }

    public void flags(long v) {
        u64(0, v);
    }

    /** The raw page-type field (may be a reserved value). */
    public int pageTypeValue() {
        return (int) ((flags() >>> 8) & 0xff);
    }

    public PageType pageType() {
        return PageType.ofValue(pageTypeValue());
    }

    public long perms() {
        return flags() & RWX;
    }

    public boolean reservedBytesZero() {
        return isZero(8, 56);
    }
}
