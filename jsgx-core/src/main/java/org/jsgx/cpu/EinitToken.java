package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/** EINITTOKEN: 304 bytes, 512-aligned. Bytes [0,192) are covered by the CMAC at 288. */
public final class EinitToken extends Struct {
    public static final int SIZE = 304;
    public static final int ALIGN = 512;
    public static final int VALID = 0;
    public static final int ATTRIBUTES = 48;
    public static final int MRENCLAVE = 64;
    public static final int MRSIGNER = 128;
    public static final int CPUSVNLE = 192;
    public static final int ISVPRODIDLE = 208;
    public static final int ISVSVNLE = 210;
    public static final int MASKEDMISCSELECTLE = 236;
    public static final int MASKEDATTRIBUTESLE = 240;
    public static final int KEYID = 256;
    public static final int MAC = 288;
    public static final int MACED_LEN = 192;

    public EinitToken(MemorySegment seg) {
        super(seg, SIZE);
    }

    public static EinitToken allocate() {
        return new EinitToken(MemorySegment.ofArray(new byte[SIZE]));
    }

    public static EinitToken of(byte[] b) {
        if (b.length != SIZE) {
            throw new IllegalArgumentException("EINITTOKEN must be " + SIZE + " bytes, got " + b.length);
        }
        return new EinitToken(MemorySegment.ofArray(b.clone()));
    }

    public int valid() {
        return u32(VALID);
    }

    public void valid(int v) {
        u32(VALID, v);
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

    public byte[] cpuSvnLe() {
        return bytes(CPUSVNLE, 16);
    }

    public int isvProdIdLe() {
        return u16(ISVPRODIDLE);
    }

    public int isvSvnLe() {
        return u16(ISVSVNLE);
    }

    public int maskedMiscSelectLe() {
        return u32(MASKEDMISCSELECTLE);
    }

    public Attributes maskedAttributesLe() {
        return attributes(MASKEDATTRIBUTESLE);
    }

    public byte[] keyId() {
        return bytes(KEYID, 32);
    }

    public byte[] mac() {
        return bytes(MAC, 16);
    }

    public byte[] macedBytes() {
        return bytes(0, MACED_LEN);
    }
}
