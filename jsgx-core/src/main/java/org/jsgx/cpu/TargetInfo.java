package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/** TARGETINFO: 512 bytes, 512-aligned. Names the enclave a REPORT is MACed for. */
public final class TargetInfo extends Struct {
    public static final int SIZE = 512;
    public static final int ALIGN = 512;
    public static final int MEASUREMENT = 0;
    public static final int ATTRIBUTES = 32;
    public static final int CET_ATTRIBUTES = 48;
    public static final int CONFIGSVN = 50;
    public static final int MISCSELECT = 52;
    public static final int CONFIGID = 64;

    public TargetInfo(MemorySegment seg) {
        super(seg, SIZE);
    }

    public static TargetInfo allocate() {
        return new TargetInfo(MemorySegment.ofArray(new byte[SIZE]));
    }

    public byte[] measurement() {
        return bytes(MEASUREMENT, 32);
    }

    public TargetInfo measurement(byte[] v) {
        bytes(MEASUREMENT, 32, v);
        return this;
    }

    public Attributes attributes() {
        return attributes(ATTRIBUTES);
    }

    public TargetInfo attributes(Attributes a) {
        attributes(ATTRIBUTES, a);
        return this;
    }

    public int configSvn() {
        return u16(CONFIGSVN);
    }

    public int miscSelect() {
        return u32(MISCSELECT);
    }

    public TargetInfo miscSelect(int v) {
        u32(MISCSELECT, v);
        return this;
    }

    public byte[] configId() {
        return bytes(CONFIGID, 64);
    }
}
