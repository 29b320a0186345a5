package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;

/**
 * The running MRENCLAVE computation: SHA-256 over 64-byte records, started by ECREATE, updated
 * by EADD and EEXTEND (header + 256 data bytes), finalised by EINIT. The record layouts are
 * exactly the SDM's, so hashing an SGXS stream gives the same value.
 */
public final class Measurement {
    public static final long TAG_ECREATE = 0x0045544145524345L;
    public static final long TAG_EADD = 0x0000000044444145L;
    public static final long TAG_EEXTEND = 0x00444E4554584545L;
    public static final int RECORD = 64;
    public static final int CHUNK = 256;

    private final MessageDigest md = Crypto.sha256();
    /** Reused records: an EADD waiting to be hashed (bytes 0..63) and/or an EEXTEND after it. */
    private final byte[] block = new byte[2 * RECORD + CHUNK];
    private boolean pending;
    /** Number of 64-byte blocks hashed (the SDM's update counter). */
    private long blocks;

    /** Starts a measurement with the ECREATE record. */
    public Measurement(int ssaFrameSize, long size) {
        md.update(ecreateRecord(ssaFrameSize, size));
        blocks = 1;
    }

    public static byte[] ecreateRecord(int ssaFrameSize, long size) {
        byte[] r = new byte[RECORD];
        put64(r, 0, TAG_ECREATE);
        put32(r, 8, ssaFrameSize);
        put64(r, 12, size);
        return r;
    }

    /** EADD record: enclave offset and the first 48 bytes of the (TCS-adjusted) SECINFO. */
    public static byte[] eaddRecord(long offset, long secinfoFlags) {
        byte[] r = new byte[RECORD];
        put64(r, 0, TAG_EADD);
        put64(r, 8, offset);
        put64(r, 16, secinfoFlags);
        return r;
    }

    public static byte[] eextendHeader(long offset) {
        byte[] r = new byte[RECORD];
        put64(r, 0, TAG_EEXTEND);
        put64(r, 8, offset);
        return r;
    }

    public void eadd(long offset, long secinfoFlags) {
        flushPending();
        // the record waits in front of the EEXTEND buffer and is hashed with the next record:
        // one larger digest update per page instead of a separate 64-byte one, which the JIT
        // served without its SHA-256 intrinsic inside the EADD leaf (measured ~5 us per page)
        byte[] b = block;
        put64(b, 0, TAG_EADD);
        put64(b, 8, offset);
        put64(b, 16, secinfoFlags);
        java.util.Arrays.fill(b, 24, RECORD, (byte) 0);
        pending = true;
        blocks++;
    }

    public void eextend(long offset, byte[] chunk, int off) {
        eextend(offset, MemorySegment.ofArray(chunk).asSlice(off, CHUNK));
    }

    /** EEXTEND of the 256 bytes in {@code chunk}: header and data hashed in one update. */
    public void eextend(long offset, MemorySegment chunk) {
        byte[] b = block;
        int at = pending ? RECORD : 0;
        put64(b, at, TAG_EEXTEND);
        put64(b, at + 8, offset);
        java.util.Arrays.fill(b, at + 16, at + RECORD, (byte) 0);
        MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, 0, b, at + RECORD, CHUNK);
        md.update(b, 0, at + RECORD + CHUNK);
        pending = false;
        blocks += 5;
    }

    private void flushPending() {
        if (pending) {
            md.update(block, 0, RECORD);
            pending = false;
        }
    }

    public long blocks() {
        return blocks;
    }

    /** SHA-256 finalisation without ending this measurement (EINIT may fail and be retried). */
    public byte[] peekFinal() {
        try {
            MessageDigest copy = (MessageDigest) md.clone();
            if (pending) {
                copy.update(block, 0, RECORD);
            }
            return copy.digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void put64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static void put32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
