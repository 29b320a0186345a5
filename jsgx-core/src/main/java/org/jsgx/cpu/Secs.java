package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/**
 * SECS: 4096 bytes, lives only in the EPC as a PT_SECS page. Offsets from the SDM (with the KSS
 * and CET fields of later revisions). Hidden fields (EID, PADDING, the running measurement,
 * tracking state) are not in these bytes: the model keeps them in {@link SecsState}.
 */
public final class Secs extends Struct {
    public static final int SIZE = 4096;
    public static final int SIZE_OFF = 0;
    public static final int BASEADDR = 8;
    public static final int SSAFRAMESIZE = 16;
    public static final int MISCSELECT = 20;
    public static final int CET_LEG_BITMAP_OFFSET = 24;
    public static final int CET_ATTRIBUTES = 32;
    public static final int ATTRIBUTES = 48;
    public static final int MRENCLAVE = 64;
    public static final int MRSIGNER = 128;
    public static final int CONFIGID = 192;
    public static final int ISVPRODID = 256;
    public static final int ISVSVN = 258;
    public static final int CONFIGSVN = 260;
    public static final int RESERVED_TAIL = 262;

    public Secs(MemorySegment seg) {
        super(seg, SIZE);
    }

    public static Secs allocate() {
        return new Secs(MemorySegment.ofArray(new byte[SIZE]));
    }

    public long size() {
        return u64(SIZE_OFF);
    }

    public Secs size(long v) {
        u64(SIZE_OFF, v);
        return this;
    }

    public long baseAddr() {
        return u64(BASEADDR);
    }

    public Secs baseAddr(long v) {
        u64(BASEADDR, v);
        return this;
    }

    public int ssaFrameSize() {
        return u32(SSAFRAMESIZE);
    }

    public Secs ssaFrameSize(int v) {
        u32(SSAFRAMESIZE, v);
        return this;
    }

    public int miscSelect() {
        return u32(MISCSELECT);
    }

    public Secs miscSelect(int v) {
        u32(MISCSELECT, v);
        return this;
    }

    public Attributes attributes() {
        return attributes(ATTRIBUTES);
    }

    public Secs attributes(Attributes a) {
        attributes(ATTRIBUTES, a);
        return this;
    }

    public byte[] mrEnclave() {
        return bytes(MRENCLAVE, 32);
    }

    public byte[] mrSigner() {
        return bytes(MRSIGNER, 32);
    }

    public byte[] configId() {
        return bytes(CONFIGID, 64);
    }

    public Secs configId(byte[] v) {
        bytes(CONFIGID, 64, v);
        return this;
    }

    public int isvProdId() {
        return u16(ISVPRODID);
    }

    public int isvSvn() {
        return u16(ISVSVN);
    }

    public int configSvn() {
        return u16(CONFIGSVN);
    }

    public Secs configSvn(int v) {
        u16(CONFIGSVN, v);
        return this;
    }

    /** ATTRIBUTES.INIT, read alone: EADD and each EEXTEND ask, and XFRM is not needed for it. */
    public boolean initialized() {
        return (u64(ATTRIBUTES) & Attributes.INIT) != 0;
    }
}
