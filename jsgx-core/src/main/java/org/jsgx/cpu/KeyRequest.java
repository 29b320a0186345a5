package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/** KEYREQUEST: 512 bytes, 512-aligned. Input of EGETKEY. */
public final class KeyRequest extends Struct {
    public static final int SIZE = 512;
    public static final int ALIGN = 512;
    public static final int KEYNAME = 0;
    public static final int KEYPOLICY = 2;
    public static final int ISVSVN = 4;
    public static final int CPUSVN = 8;
    public static final int ATTRIBUTEMASK = 24;
    public static final int KEYID = 40;
    public static final int MISCMASK = 72;
    public static final int CONFIGSVN = 76;
    public static final int RESERVED = 78;

    public static final int EINITTOKEN_KEY = 0;
    public static final int PROVISION_KEY = 1;
    public static final int PROVISION_SEAL_KEY = 2;
    public static final int REPORT_KEY = 3;
    public static final int SEAL_KEY = 4;

    public static final int POLICY_MRENCLAVE = 1;
    public static final int POLICY_MRSIGNER = 1 << 1;
    public static final int POLICY_NOISVPRODID = 1 << 2;
    public static final int POLICY_CONFIGID = 1 << 3;
    public static final int POLICY_ISVFAMILYID = 1 << 4;
    public static final int POLICY_ISVEXTPRODID = 1 << 5;
    /** Policy bits that need SECS.ATTRIBUTES.KSS. */
    public static final int POLICY_KSS_BITS = 0x3C;
    public static final int POLICY_RESERVED = 0xFFC0;

    public KeyRequest(MemorySegment seg) {
        super(seg, SIZE);
    }

    public static KeyRequest allocate() {
        return new KeyRequest(MemorySegment.ofArray(new byte[SIZE]));
    }

    public int keyName() {
        return u16(KEYNAME);
    }

    public KeyRequest keyName(int v) {
        u16(KEYNAME, v);
        return this;
    }

    public int keyPolicy() {
        return u16(KEYPOLICY);
    }

    public KeyRequest keyPolicy(int v) {
        u16(KEYPOLICY, v);
        return this;
    }

    public int isvSvn() {
        return u16(ISVSVN);
    }

    public KeyRequest isvSvn(int v) {
        u16(ISVSVN, v);
        return this;
    }

    public byte[] cpuSvn() {
        return bytes(CPUSVN, 16);
    }

    public KeyRequest cpuSvn(byte[] v) {
        bytes(CPUSVN, 16, v);
        return this;
    }

    public Attributes attributeMask() {
        return attributes(ATTRIBUTEMASK);
    }

    public KeyRequest attributeMask(Attributes a) {
        attributes(ATTRIBUTEMASK, a);
        return this;
    }

    public byte[] keyId() {
        return bytes(KEYID, 32);
    }

    public KeyRequest keyId(byte[] v) {
        bytes(KEYID, 32, v);
        return this;
    }

    public int miscMask() {
        return u32(MISCMASK);
    }

    public KeyRequest miscMask(int v) {
        u32(MISCMASK, v);
        return this;
    }

    public int configSvn() {
        return u16(CONFIGSVN);
    }
}
