package org.jsgx.host.sgxs;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.Measurement;

/**
 * Writes an SGXS stream record by record, enforcing every canonical-stream rule (format §5.8)
 * before a byte of the offending record is written: exactly one ECREATE (or UNSIZED) and first;
 * page-aligned EADD offsets, strictly increasing and inside SIZE; only PT_REG and PT_TCS pages
 * (TCS without R/W/X); each EEXTEND/UNMEASRD chunk 256-aligned, in the page of the latest EADD
 * and supplied at most once. Unlike the Fortanix reader, the duplicate test covers all 16
 * chunks. The measured records are hashed as they go out, so {@link #mrenclave()} is the
 * MRENCLAVE of exactly the bytes written. Constant memory; the stream is buffered by the caller.
 */
public final class SgxsWriter implements Closeable {
    private static final VarHandle U64 =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int RECORD = Measurement.RECORD;
    private static final int CHUNK = Measurement.CHUNK;
    private static final long PAGE_MASK = 0xFFF;

    private final OutputStream out;
    private final MessageDigest md = Crypto.sha256();
    private final byte[] header = new byte[RECORD];
    private long written;
    private boolean created;
    private boolean sized;
    private long enclaveSize = -1;
    private long lastEadd = -1;
    private int chunksSeen;

    private SgxsWriter(OutputStream out) {
        this.out = out;
    }

    /** A writer onto {@code out}; wrap files in a BufferedOutputStream. */
    public static SgxsWriter of(OutputStream out) {
        return new SgxsWriter(out);
    }

    /** ECREATE: SSAFRAMESIZE in pages and SIZE in bytes (must be the first record). */
    public SgxsWriter ecreate(int ssaFrameSize, long size) throws IOException {
        // SIZE and SSAFRAMESIZE are checked by ECREATE, not by the format: writing them as given
        // keeps reader -> writer round trips byte-identical
        checkFirst(SgxsTag.ECREATE);
        created = true;
        sized = true;
        enclaveSize = size;
        emit(SgxsTag.ECREATE, ecreateBody(SgxsTag.ECREATE, ssaFrameSize, size), null, 0);
        return this;
    }

    /** UNSIZED (ESGXS): an ECREATE whose SIZE will be stored at {@code sizeOffset} later. */
    public SgxsWriter unsized(int ssaFrameSize, long sizeOffset) throws IOException {
        checkFirst(SgxsTag.UNSIZED);
        created = true;
        emit(SgxsTag.UNSIZED, ecreateBody(SgxsTag.UNSIZED, ssaFrameSize, sizeOffset), null, 0);
        return this;
    }

    /** EADD of the page at {@code offset} with SECINFO.FLAGS {@code secinfoFlags}. */
    public SgxsWriter eadd(long offset, long secinfoFlags) throws IOException {
        requireCreated(SgxsTag.EADD);
        if ((offset & PAGE_MASK) != 0) {
            fail(String.format("EADD offset 0x%x is not page-aligned", offset));
        }
        if (lastEadd != -1 && Long.compareUnsigned(offset, lastEadd) <= 0) {
            fail(String.format("EADD offset 0x%x is not above the previous EADD offset 0x%x", offset, lastEadd));
        }
        if (sized && Long.compareUnsigned(offset, enclaveSize) >= 0) {
            fail(String.format("EADD offset 0x%x is outside the enclave SIZE 0x%x", offset, enclaveSize));
        }
        checkSecinfo(secinfoFlags);
        lastEadd = offset;
        chunksSeen = 0;
        Arrays.fill(header, (byte) 0);
        U64.set(header, 0, SgxsTag.EADD.value());
        U64.set(header, 8, offset);
        U64.set(header, 16, secinfoFlags);
        emit(SgxsTag.EADD, header, null, 0);
        return this;
    }

    /** EEXTEND of the 256 bytes {@code data[off..off+256)} at enclave offset {@code offset}. */
    public SgxsWriter eextend(long offset, byte[] data, int off) throws IOException {
        return chunk(SgxsTag.EEXTEND, offset, data, off);
    }

    /** UNMEASRD (ESGXS): chunk contents that are loaded but not measured. */
    public SgxsWriter unmeasured(long offset, byte[] data, int off) throws IOException {
        return chunk(SgxsTag.UNMEASRD, offset, data, off);
    }

    /** Writes a record value (e.g. one read by {@link SgxsReader}). */
    public SgxsWriter write(SgxsRecord r) throws IOException {
        return switch (r) {
            case SgxsRecord.Ecreate e -> ecreate(e.ssaFrameSize(), e.size());
            case SgxsRecord.Unsized u -> unsized(u.ssaFrameSize(), u.sizeOffset());
            case SgxsRecord.Eadd a -> eadd(a.offset(), a.secinfoFlags());
            case SgxsRecord.Eextend x -> eextend(x.offset(), x.data(), 0);
            case SgxsRecord.Unmeasured u -> unmeasured(u.offset(), u.data(), 0);
        };
    }

    /**
     * One page: EADD, then for each chunk i in ascending order an EEXTEND if bit i of
     * {@code measuredMask} is set, else an UNMEASRD if the chunk is not all zero (zero chunks
     * need no record: missing chunks load as zero).
     *
     * @param content 4096 bytes at {@code contentOffset}
     */
    public SgxsWriter page(long offset, long secinfoFlags, byte[] content, int contentOffset, int measuredMask)
            throws IOException {
        java.util.Objects.checkFromIndexSize(contentOffset, 4096, content.length);
        eadd(offset, secinfoFlags);
        for (int i = 0; i < 16; i++) {
            int at = contentOffset + i * CHUNK;
            if ((measuredMask & (1 << i)) != 0) {
                eextend(offset + (long) i * CHUNK, content, at);
            } else if (!isZero(content, at)) {
                unmeasured(offset + (long) i * CHUNK, content, at);
            }
        }
        return this;
    }

    private SgxsWriter chunk(SgxsTag t, long offset, byte[] data, int off) throws IOException {
        java.util.Objects.checkFromIndexSize(off, CHUNK, data.length);
        requireCreated(t);
        String problem = SgxsRules.chunkProblem(t, offset, lastEadd, chunksSeen);
        if (problem != null) {
            fail(problem);
        }
        chunksSeen |= SgxsRules.chunkBit(offset);
        Arrays.fill(header, (byte) 0);
        U64.set(header, 0, t.value());
        U64.set(header, 8, offset);
        emit(t, header, data, off);
        return this;
    }

    private byte[] ecreateBody(SgxsTag t, int ssaFrameSize, long value) {
        byte[] r = Measurement.ecreateRecord(ssaFrameSize, value);
        U64.set(r, 0, t.value());
        return r;
    }

    private void emit(SgxsTag t, byte[] head, byte[] data, int off) throws IOException {
        out.write(head, 0, RECORD);
        if (data != null) {
            out.write(data, off, CHUNK);
        }
        if (t.measured()) {
            md.update(head, 0, RECORD);
            if (data != null) {
                md.update(data, off, CHUNK);
            }
        }
        written += t.length();
    }

    private void checkFirst(SgxsTag t) throws SgxsFormatException {
        if (created) {
            fail("second " + t + " record (a canonical stream has exactly one)");
        }
        if (written != 0) {
            fail(t + " is not the first record");
        }
    }

    private void checkSecinfo(long flags) throws SgxsFormatException {
        String problem = SgxsRules.eaddFlagsProblem(flags);
        if (problem != null) {
            fail(problem);
        }
    }

    private void requireCreated(SgxsTag t) throws SgxsFormatException {
        if (!created) {
            fail(t + " before ECREATE (a canonical stream starts with ECREATE)");
        }
    }

    private void fail(String problem) throws SgxsFormatException {
        throw new SgxsFormatException(written, problem);
    }

    private static boolean isZero(byte[] b, int from) {
        long or = 0;
        for (int i = from; i < from + CHUNK; i += 8) {
            or |= (long) U64.get(b, i);
        }
        return or == 0;
    }

    /** Bytes written so far (the file offset of the next record). */
    public long bytesWritten() {
        return written;
    }

    /**
     * MRENCLAVE of the records written so far (SHA-256 finalised on a copy, so writing may
     * continue); fails if the stream starts with UNSIZED, which cannot be measured.
     */
    public byte[] mrenclave() throws SgxsFormatException {
        if (!created) {
            throw new SgxsFormatException(written, "no ECREATE record: nothing to measure");
        }
        if (!sized) {
            throw new SgxsFormatException(0, "UNSIZED record: the enclave size is not final, the stream cannot be measured");
        }
        try {
            return ((MessageDigest) md.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Flushes the underlying stream; does not close it. */
    public void flush() throws IOException {
        out.flush();
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        out.close();
    }
}
