package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    /**
     * Reused records at fixed places: an EADD record waiting to be hashed (bytes 0..63), the
     * EEXTEND header (64..127) and its 256 data bytes (128..383). Only the tags, offsets and
     * flags are ever written, so the records' zero bytes stay zero without refilling them.
     */
    private final byte[] block = new byte[2 * RECORD + CHUNK];
    private boolean pending;
    /** Number of 64-byte blocks hashed (the SDM's update counter). */
    private long blocks;

    private static final int EADD_AT = 0, EEXTEND_AT = RECORD, DATA_AT = 2 * RECORD;
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Starts a measurement with the ECREATE record. */
    public Measurement(int ssaFrameSize, long size) {
        md.update(ecreateRecord(ssaFrameSize, size));
        blocks = 1;
        put64(block, EEXTEND_AT, TAG_EEXTEND);
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
        // the record waits in front of the EEXTEND record and is hashed with it: one larger
        // digest update per page instead of a separate 64-byte one, which the JIT served
        // without its SHA-256 intrinsic inside the EADD leaf (measured ~5 us per page)
        byte[] b = block;
        put64(b, EADD_AT, TAG_EADD);
        put64(b, EADD_AT + 8, offset);
        put64(b, EADD_AT + 16, secinfoFlags);
        pending = true;
        blocks++;
    }

    /** EEXTEND of the 256 bytes at {@code chunk[off..]}. */
    public void eextend(long offset, byte[] chunk, int off) {
        System.arraycopy(chunk, off, block, DATA_AT, CHUNK);
        extend(offset);
    }

    /** EEXTEND of the 256 bytes in {@code chunk}. */
    public void eextend(long offset, MemorySegment chunk) {
        eextend(offset, chunk, 0);
    }

    /** EEXTEND of the 256 bytes at {@code page[off..]} (e.g. an EPC frame). */
    public void eextend(long offset, MemorySegment page, long off) {
        MemorySegment.copy(page, ValueLayout.JAVA_BYTE, off, block, DATA_AT, CHUNK);
        extend(offset);
    }

    /** Hashes the EEXTEND record now in the buffer (and a waiting EADD record) in one update. */
    private void extend(long offset) {
        byte[] b = block;
        put64(b, EEXTEND_AT + 8, offset);
        if (pending) {
            md.update(b, EADD_AT, 2 * RECORD + CHUNK);
            pending = false;
        } else {
            md.update(b, EEXTEND_AT, RECORD + CHUNK);
        }
        blocks += 5;
    }

    private void flushPending() {
        if (pending) {
            md.update(block, EADD_AT, RECORD);
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
                copy.update(block, EADD_AT, RECORD);
            }
            return copy.digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void put64(byte[] b, int off, long v) {
        LE64.set(b, off, v);
    }

    static void put32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
