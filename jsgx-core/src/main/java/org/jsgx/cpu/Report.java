package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/**
 * REPORT: 432 bytes; the first 384 are the REPORTBODY (also the layout of a quote's report
 * body), then KEYID and the CMAC over the body.
 */
public final class Report extends Struct {
    public static final int SIZE = 432;
    public static final int ALIGN = 512;
    public static final int BODY_SIZE = 384;
    public static final int CPUSVN = 0;
    public static final int MISCSELECT = 16;
    public static final int CET_ATTRIBUTES = 20;
    public static final int ISVEXTPRODID = 32;
    public static final int ATTRIBUTES = 48;
    public static final int MRENCLAVE = 64;
    public static final int MRSIGNER = 128;
    public static final int CONFIGID = 192;
    public static final int ISVPRODID = 256;
    public static final int ISVSVN = 258;
    public static final int CONFIGSVN = 260;
    public static final int ISVFAMILYID = 304;
    public static final int REPORTDATA = 320;
    public static final int KEYID = 384;
    public static final int MAC = 416;

    /** A whole REPORT (432 bytes). */
    public Report(MemorySegment seg) {
        super(seg, SIZE);
    }

    private Report(MemorySegment seg, long size) {
        super(seg, size);
    }

    /** A view of only the 384-byte body (e.g. inside a quote); KEYID and MAC are not present. */
    public static Report bodyOnly(MemorySegment seg) {
        return new Report(seg, BODY_SIZE);
    }

    public static Report allocate() {
        return new Report(MemorySegment.ofArray(new byte[SIZE]));
    }

    public byte[] cpuSvn() {
        return bytes(CPUSVN, 16);
    }

    public int miscSelect() {
        return u32(MISCSELECT);
    }

    public Attributes attributes() {
        return attributes(ATTRIBUTES);
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

    public int isvProdId() {
        return u16(ISVPRODID);
    }

    public int isvSvn() {
        return u16(ISVSVN);
    }

    public int configSvn() {
        return u16(CONFIGSVN);
    }

    public byte[] isvFamilyId() {
        return bytes(ISVFAMILYID, 16);
    }

    public byte[] isvExtProdId() {
        return bytes(ISVEXTPRODID, 16);
    }

    public byte[] reportData() {
        return bytes(REPORTDATA, 64);
    }

    public byte[] body() {
        return bytes(0, BODY_SIZE);
    }

    public byte[] keyId() {
        return bytes(KEYID, 32);
    }

    public byte[] mac() {
        return bytes(MAC, 16);
    }
}
