package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/** PCMD: 128 bytes, 128-aligned. Metadata written by EWB, checked by ELDB/ELDU. */
public final class Pcmd extends Struct {
    public static final int SIZE = 128;
    public static final int ALIGN = 128;
    public static final int SECINFO = 0;
    public static final int ENCLAVEID = 64;
    public static final int RESERVED = 72;
    public static final int RESERVED_LEN = 40;
    public static final int MAC = 112;

    public Pcmd(MemorySegment seg) {
        super(seg, SIZE);
    }

    public SecInfo secInfo() {
        return new SecInfo(seg.asSlice(SECINFO, SecInfo.SIZE));
    }

    public long enclaveId() {
        return u64(ENCLAVEID);
    }

    public void enclaveId(long v) {
        u64(ENCLAVEID, v);
    }

    public byte[] mac() {
        return bytes(MAC, 16);
    }

    public void mac(byte[] v) {
        bytes(MAC, 16, v);
    }
}
