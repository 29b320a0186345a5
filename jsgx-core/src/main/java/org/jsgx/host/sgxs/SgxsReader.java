package org.jsgx.host.sgxs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import org.jsgx.cpu.Measurement;

/**
 * Reads an SGXS stream record by record in constant memory. {@link #next()} validates the next
 * record in place in a reusable buffer and returns its tag; the decoded fields and the raw record
 * bytes ({@link #buffer()} at {@link #recordPosition()}) stay valid until the following call, so
 * a caller can hash records without copying them and without per-record allocation.
 *
 * <p>In {@link SgxsMode#STRICT} mode the canonical-stream rules are enforced as well; any
 * violation throws {@link SgxsFormatException} naming the record's file offset.
 */
public final class SgxsReader implements Closeable {
    /** Buffer size for stream sources: large reads keep the per-read cost negligible. */
    public static final int DEFAULT_BUFFER = 1 << 20;

    private static final VarHandle U64 =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U32 =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int RECORD = Measurement.RECORD;
    private static final int PAGE = 4096;
    private static final long PAGE_MASK = PAGE - 1;
    /** SECINFO.FLAGS bits EADD accepts: R, W, X and the page type. */

    /** Where bytes come from; null for an in-memory stream that is entirely in the buffer. */
    @FunctionalInterface
    private interface Source {
        int read(byte[] b, int off, int len) throws IOException;
    }

    private final Source source;
    private final Closeable closeable;
    private final SgxsMode mode;
    private final byte[] buf;
    /** Buffer index of the first unconsumed byte, and end of valid bytes. */
    private int pos;
    private int limit;
    /** File offset of buf[0]. */
    private long base;
    private boolean eof;

    // the current record
    private SgxsTag tag;
    private int recordPos;
    private long recordOffset;
    private int ssaFrameSize;
    private long sizeField;
    private long offset;
    private long secinfoFlags;

    // canonical-stream state
    private long records;
    private boolean created;
    private long enclaveSize = -1;
    private long lastEadd = -1;
    private int chunksSeen;

    private SgxsReader(Source source, Closeable closeable, SgxsMode mode, byte[] buf, int pos, int limit) {
        this.source = source;
        this.closeable = closeable;
        this.mode = mode;
        this.buf = buf;
        this.pos = pos;
        this.limit = limit;
        this.base = -pos;
        this.eof = source == null;
    }

    public static SgxsReader of(InputStream in, SgxsMode mode) {
        return of(in, mode, DEFAULT_BUFFER);
    }

    /** A reader over a stream with the given buffer size (at least one EEXTEND record). */
    public static SgxsReader of(InputStream in, SgxsMode mode, int bufferSize) {
        return new SgxsReader(in::read, in, mode, newBuffer(bufferSize), 0, 0);
    }

    /** A reader over a blocking channel (a read must return at least one byte or -1). */
    public static SgxsReader of(ReadableByteChannel ch, SgxsMode mode) {
        return of(ch, mode, DEFAULT_BUFFER);
    }

    public static SgxsReader of(ReadableByteChannel ch, SgxsMode mode, int bufferSize) {
        return new SgxsReader((b, off, len) -> ch.read(ByteBuffer.wrap(b, off, len)), ch, mode,
                newBuffer(bufferSize), 0, 0);
    }

    /** A reader over a stream already in memory: records are validated and hashed in place. */
    public static SgxsReader of(byte[] data, int off, int len, SgxsMode mode) {
        Objects.checkFromIndexSize(off, len, data.length);
        return new SgxsReader(null, null, mode, data, off, off + len);
    }

    public static SgxsReader open(Path file, SgxsMode mode) throws IOException {
        return of(FileChannel.open(file, StandardOpenOption.READ), mode);
    }

    private static byte[] newBuffer(int size) {
        if (size < SgxsTag.MAX_RECORD) {
            throw new IllegalArgumentException("buffer must hold one EEXTEND record (" + SgxsTag.MAX_RECORD + " bytes)");
        }
        return new byte[size];
    }

    public SgxsMode mode() {
        return mode;
    }

    /**
     * Reads and validates the next record. Returns its tag, or null at the end of the stream
     * (which must fall on a record boundary).
     */
    public SgxsTag next() throws IOException {
        long at = base + pos;
        tag = null;
        if (!ensure(RECORD)) {
            int got = limit - pos;
            if (got != 0) {
                throw new SgxsFormatException(at, "record header truncated (got " + got + " of " + RECORD + " bytes)");
            }
            if (mode == SgxsMode.STRICT && !created) {
                throw new SgxsFormatException(at, "no ECREATE record (a canonical stream starts with one)");
            }
            return null;
        }
        long tagValue = (long) U64.get(buf, pos);
        SgxsTag t = SgxsTag.of(tagValue);
        if (t == null) {
            throw new SgxsFormatException(at, "unknown record tag " + describeTag(tagValue));
        }
        if (t.hasData() && !ensure(t.length())) {
            int got = limit - pos - RECORD;
            throw new SgxsFormatException(at, t + " record truncated (got " + got + " of "
                    + Measurement.CHUNK + " data bytes)");
        }
        int p = pos;
        int nonZero = firstNonZero(p + t.reservedFrom(), p + RECORD);
        if (nonZero >= 0) {
            throw new SgxsFormatException(at, t + " header byte " + (nonZero - p)
                    + " is reserved and must be zero");
        }
        recordOffset = at;
        recordPos = p;
        switch (t) {
            case ECREATE, UNSIZED -> {
                ssaFrameSize = (int) U32.get(buf, p + 8);
                sizeField = (long) U64.get(buf, p + 12);
            }
            case EADD -> {
                offset = (long) U64.get(buf, p + 8);
                secinfoFlags = (long) U64.get(buf, p + 16);
            }
            case EEXTEND, UNMEASRD -> offset = (long) U64.get(buf, p + 8);
        }
        if (mode == SgxsMode.STRICT) {
            checkCanonical(t);
        }
        records++;
        pos = p + t.length();
        tag = t;
        return t;
    }

    /** The canonical-stream rules of the SGXS format (one ECREATE first, ordered pages...). */
    private void checkCanonical(SgxsTag t) throws SgxsFormatException {
        switch (t) {
            case ECREATE, UNSIZED -> {
                if (created) {
                    fail("second " + t + " record (a canonical stream has exactly one)");
                }
                if (records != 0) {
                    fail(t + " is not the first record");
                }
                created = true;
                enclaveSize = t == SgxsTag.ECREATE ? sizeField : -1;
            }
            case EADD -> {
                requireCreated(t);
                if ((offset & PAGE_MASK) != 0) {
                    fail(String.format("EADD offset 0x%x is not page-aligned", offset));
                }
                if (lastEadd != -1 && Long.compareUnsigned(offset, lastEadd) <= 0) {
                    fail(String.format("EADD offset 0x%x is not above the previous EADD offset 0x%x",
                            offset, lastEadd));
                }
                if (enclaveSize != -1 && Long.compareUnsigned(offset, enclaveSize) >= 0) {
                    fail(String.format("EADD offset 0x%x is outside the enclave SIZE 0x%x", offset, enclaveSize));
                }
                checkSecinfo();
                lastEadd = offset;
                chunksSeen = 0;
            }
            case EEXTEND, UNMEASRD -> {
                requireCreated(t);
                String problem = SgxsRules.chunkProblem(t, offset, lastEadd, chunksSeen);
                if (problem != null) {
                    fail(problem);
                }
                chunksSeen |= SgxsRules.chunkBit(offset);
            }
        }
    }

    private void checkSecinfo() throws SgxsFormatException {
        long flags = secinfoFlags;
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
        throw new SgxsFormatException(recordOffset, problem);
    }

    /** Makes at least n unconsumed bytes available; false when the stream ends first. */
    private boolean ensure(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (eof) {
            return false;
        }
        // move the partial record to the front, then fill the rest of the buffer
        int left = limit - pos;
        System.arraycopy(buf, pos, buf, 0, left);
        base += pos;
        pos = 0;
        limit = left;
        while (limit < n) {
            int k = source.read(buf, limit, buf.length - limit);
            if (k < 0) {
                eof = true;
                return false;
            }
            limit += k;
        }
        return true;
    }

    /** Buffer index of the first non-zero byte in [from, to), or -1. */
    private int firstNonZero(int from, int to) {
        int i = from;
        long or = 0;
        for (; i + 8 <= to; i += 8) {
            or |= (long) U64.get(buf, i);
        }
        for (; i < to; i++) {
            or |= buf[i];
        }
        if (or == 0) {
            return -1;
        }
        for (i = from; i < to; i++) {
            if (buf[i] != 0) {
                return i;
            }
        }
        return -1;
    }

    private static String describeTag(long v) {
        StringBuilder s = new StringBuilder(String.format("0x%016x", v));
        byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
        boolean printable = true;
        for (byte x : b) {
            printable &= x == 0 || (x >= 0x20 && x < 0x7f);
        }
        if (printable) {
            s.append(" (\"").append(new String(b, StandardCharsets.US_ASCII).replace("\0", ""))
                    .append("\")");
        }
        return s.toString();
    }

    // ---- the current record ----

    /** Tag of the current record (null before the first record and at the end). */
    public SgxsTag tag() {
        return tag;
    }

    /** File offset of the current record. */
    public long recordOffset() {
        return recordOffset;
    }

    /** The buffer holding the current record's raw bytes; valid until the next call to next(). */
    public byte[] buffer() {
        return buf;
    }

    /** Index of the current record's first byte in {@link #buffer()}. */
    public int recordPosition() {
        return recordPos;
    }

    /** ECREATE / UNSIZED: SSAFRAMESIZE. */
    public int ssaFrameSize() {
        return ssaFrameSize;
    }

    /** ECREATE: SIZE; UNSIZED: the enclave offset where SIZE will be written. */
    public long sizeField() {
        return sizeField;
    }

    /** EADD / EEXTEND / UNMEASRD: the enclave offset. */
    public long offset() {
        return offset;
    }

    /** EADD: SECINFO.FLAGS. */
    public long secinfoFlags() {
        return secinfoFlags;
    }

    /**
     * Whether the next call to {@link #next()} may move the buffer contents: a caller keeping a
     * range of the buffer (e.g. to hash several records at once) must use it before then.
     */
    public boolean nextMayMoveBuffer() {
        return !eof && limit - pos < SgxsTag.MAX_RECORD;
    }

    /** Bytes consumed so far (the file offset just after the current record). */
    public long bytesRead() {
        return base + pos;
    }

    /** The current record as a value (allocates; for callers that are not on a hot path). */
    public SgxsRecord record() {
        if (tag == null) {
            throw new IllegalStateException("no current record");
        }
        return switch (tag) {
            case ECREATE -> new SgxsRecord.Ecreate(recordOffset, ssaFrameSize, sizeField);
            case UNSIZED -> new SgxsRecord.Unsized(recordOffset, ssaFrameSize, sizeField);
            case EADD -> new SgxsRecord.Eadd(recordOffset, offset, secinfoFlags);
            case EEXTEND -> new SgxsRecord.Eextend(recordOffset, offset, chunk());
            case UNMEASRD -> new SgxsRecord.Unmeasured(recordOffset, offset, chunk());
        };
    }

    private byte[] chunk() {
        return Arrays.copyOfRange(buf, recordPos + RECORD, recordPos + RECORD + Measurement.CHUNK);
    }

    /** Reads the next record as a value, or null at the end of the stream. */
    public SgxsRecord read() throws IOException {
        return next() == null ? null : record();
    }

    @Override
    public void close() throws IOException {
        if (closeable != null) {
            closeable.close();
        }
    }
}
