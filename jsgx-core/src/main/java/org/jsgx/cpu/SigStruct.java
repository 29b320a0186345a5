package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * SIGSTRUCT: 1808 bytes (4096-aligned as an EINIT operand). The signed message is bytes
 * [0,128) followed by [900,1028). MODULUS, SIGNATURE, Q1 and Q2 are little-endian integers.
 */
public final class SigStruct extends Struct {
    public static final int SIZE = 1808;
    public static final int HEADER = 0;
    public static final int TYPE = 12;
    public static final int VENDOR = 16;
    public static final int DATE = 20;
    public static final int HEADER2 = 24;
    public static final int SWDEFINED = 40;
    public static final int MODULUS = 128;
    public static final int EXPONENT = 512;
    public static final int SIGNATURE = 516;
    public static final int MISCSELECT = 900;
    public static final int MISCMASK = 904;
    public static final int CET_ATTRIBUTES = 908;
    public static final int CET_ATTRIBUTES_MASK = 909;
    public static final int ISVFAMILYID = 912;
    public static final int ATTRIBUTES = 928;
    public static final int ATTRIBUTEMASK = 944;
    public static final int ENCLAVEHASH = 960;
    public static final int ISVEXTPRODID = 1008;
    public static final int ISVPRODID = 1024;
    public static final int ISVSVN = 1026;
    public static final int Q1 = 1040;
    public static final int Q2 = 1424;
    public static final int KEY_BYTES = 384;

    /** HEADER as EINIT compares it (16 bytes; the SDK calls bytes 12..15 "type"). */
    public static final byte[] HEADER_CONST = {6, 0, 0, 0, (byte) 0xE1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0};
    public static final byte[] HEADER2_CONST = {1, 1, 0, 0, 0x60, 0, 0, 0, 0x60, 0, 0, 0, 1, 0, 0, 0};
    public static final int VENDOR_INTEL = 0x8086;
    /** TYPE bit 31: signed with a debug key (SDK convention; not checked by EINIT). */
    public static final int TYPE_DEBUG = 1 << 31;

    public SigStruct(MemorySegment seg) {
        super(seg, SIZE);
    }

    public static SigStruct allocate() {
        return new SigStruct(MemorySegment.ofArray(new byte[SIZE]));
    }

    /** Wraps a copy of exactly 1808 bytes. */
    public static SigStruct of(byte[] b) {
        if (b.length != SIZE) {
            throw new IllegalArgumentException("SIGSTRUCT must be " + SIZE + " bytes, got " + b.length);
        }
        return new SigStruct(MemorySegment.ofArray(b.clone()));
    }

    /** A SIGSTRUCT with both constant headers in place, everything else zero, EXPONENT 3. */
    public static SigStruct template() {
        SigStruct s = allocate();
        s.bytes(HEADER, HEADER_CONST);
        s.bytes(HEADER2, HEADER2_CONST);
        s.u32(EXPONENT, 3);
        return s;
    }

    /** The 256 bytes that are signed: [0,128) ‖ [900,1028). */
    public byte[] signedData() {
        byte[] m = new byte[256];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 0, m, 0, 128);
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 900, m, 128, 128);
        return m;
    }

    public int type() {
        return u32(TYPE);
    }

    public int vendor() {
        return u32(VENDOR);
    }

    public int date() {
        return u32(DATE);
    }

    public int swDefined() {
        return u32(SWDEFINED);
    }

    public byte[] modulusLe() {
        return bytes(MODULUS, KEY_BYTES);
    }

    public int exponent() {
        return u32(EXPONENT);
    }

    public byte[] signatureLe() {
        return bytes(SIGNATURE, KEY_BYTES);
    }

    public byte[] q1Le() {
        return bytes(Q1, KEY_BYTES);
    }

    public byte[] q2Le() {
        return bytes(Q2, KEY_BYTES);
    }

    public int miscSelect() {
        return u32(MISCSELECT);
    }

    public int miscMask() {
        return u32(MISCMASK);
    }

    public byte[] isvFamilyId() {
        return bytes(ISVFAMILYID, 16);
    }

    public Attributes attributes() {
        return attributes(ATTRIBUTES);
    }

    public Attributes attributeMask() {
        return attributes(ATTRIBUTEMASK);
    }

    public byte[] enclaveHash() {
        return bytes(ENCLAVEHASH, 32);
    }

    public byte[] isvExtProdId() {
        return bytes(ISVEXTPRODID, 16);
    }

    public int isvProdId() {
        return u16(ISVPRODID);
    }

    public int isvSvn() {
        return u16(ISVSVN);
    }

    /** MRSIGNER: SHA-256 over the 384 modulus bytes as stored (little-endian). */
    public byte[] mrSigner() {
        return Crypto.sha256(modulusLe());
    }
}
