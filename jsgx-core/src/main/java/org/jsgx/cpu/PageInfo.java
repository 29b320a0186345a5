package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/** PAGEINFO: 32 bytes, 32-aligned. Operand of ECREATE, EADD, EAUG, EWB, ELDB/ELDU. */
public final class PageInfo extends Struct {
    public static final int SIZE = 32;
    public static final int ALIGN = 32;
    public static final int LINADDR = 0;
    public static final int SRCPGE = 8;
    /** SECINFO for ECREATE/EADD/EAUG, PCMD for EWB/ELDB/ELDU. */
    public static final int SECINFO = 16;
    public static final int PCMD = 16;
    public static final int SECS = 24;

    public PageInfo(MemorySegment seg) {
        super(seg, SIZE);
    }

    public static PageInfo of(long linaddr, long srcpge, long secinfoOrPcmd, long secs) {
        PageInfo p = new PageInfo(MemorySegment.ofArray(new byte[SIZE]));
        p.u64(LINADDR, linaddr);
        p.u64(SRCPGE, srcpge);
        p.u64(SECINFO, secinfoOrPcmd);
        p.u64(SECS, secs);
        return p;
    }

    public long linaddr() {
        return u64(LINADDR);
    }

    public void linaddr(long v) {
        u64(LINADDR, v);
    }

    public long srcpge() {
        return u64(SRCPGE);
    }

    public long secinfo() {
        return u64(SECINFO);
    }

    public long pcmd() {
        return u64(PCMD);
    }

    public long secs() {
        return u64(SECS);
    }
}
