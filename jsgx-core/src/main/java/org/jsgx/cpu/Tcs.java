package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/** TCS: 4096 bytes, page type PT_TCS. */
public final class Tcs extends Struct {
    public static final int SIZE = 4096;
    public static final int STATE = 0;
    public static final int FLAGS = 8;
    public static final int OSSA = 16;
    public static final int CSSA = 24;
    public static final int NSSA = 28;
    public static final int OENTRY = 32;
    public static final int AEP = 40;
    public static final int OFSBASGX = 48;
    public static final int OGSBASGX = 56;
    public static final int FSLIMIT = 64;
    public static final int GSLIMIT = 68;
    public static final int RESERVED = 72;
    public static final int RESERVED_LEN = SIZE - RESERVED;

    public static final long FLAG_DBGOPTIN = 1L;
    public static final long FLAG_AEXNOTIFY = 1L << 1;
    /** Bytes of a TCS that EDBGRD may read (SGX_TCS_LIMIT is implementation specific). */
    public static final int SGX_TCS_LIMIT = 72;

    public Tcs(MemorySegment seg) {
        super(seg, SIZE);
    }

    public static Tcs allocate() {
        return new Tcs(MemorySegment.ofArray(new byte[SIZE]));
    }

    public long state() {
        return u64(STATE);
    }

    public void state(long v) {
        u64(STATE, v);
    }

    public long flags() {
        return u64(FLAGS);
    }

    public Tcs flags(long v) {
        u64(FLAGS, v);
        return this;
    }

    public long ossa() {
        return u64(OSSA);
    }

    public Tcs ossa(long v) {
        u64(OSSA, v);
        return this;
    }

    public int cssa() {
        return u32(CSSA);
    }

    public Tcs cssa(int v) {
        u32(CSSA, v);
        return this;
    }

    public int nssa() {
        return u32(NSSA);
    }

    public Tcs nssa(int v) {
        u32(NSSA, v);
        return this;
    }

    public long oentry() {
        return u64(OENTRY);
    }

    public Tcs oentry(long v) {
        u64(OENTRY, v);
        return this;
    }

    public long aep() {
        return u64(AEP);
    }

    public void aep(long v) {
        u64(AEP, v);
    }

    public long ofsbasgx() {
        return u64(OFSBASGX);
    }

    public Tcs ofsbasgx(long v) {
        u64(OFSBASGX, v);
        return this;
    }

    public long ogsbasgx() {
        return u64(OGSBASGX);
    }

    public Tcs ogsbasgx(long v) {
        u64(OGSBASGX, v);
        return this;
    }

    public int fslimit() {
        return u32(FSLIMIT);
    }

    public Tcs fslimit(int v) {
        u32(FSLIMIT, v);
        return this;
    }

    public int gslimit() {
        return u32(GSLIMIT);
    }

    public Tcs gslimit(int v) {
        u32(GSLIMIT, v);
        return this;
    }

    public boolean reservedZero() {
        return isZero(RESERVED, RESERVED_LEN);
    }
}
