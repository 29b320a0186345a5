package org.jsgx.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jsgx.cpu.Crypto;
import org.jsgx.host.sgxs.SgxsMeasure;
import org.jsgx.host.sgxs.SgxsMode;
import org.jsgx.host.sgxs.SgxsRecord;
import org.jsgx.host.sgxs.SgxsSummary;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MRENCLAVE throughput of {@link SgxsMeasure} against raw SHA-256. Every measured page costs
 * 17 records: one EADD (64 B) and sixteen EEXTENDs (64 B header + 256 B data), so hashing
 * 320 bytes per 256 content bytes makes {@code sha256 x 256/320} the ideal content rate.
 * One operation processes {@link #CONTENT_BYTES} of enclave content (or raw bytes for the
 * baseline).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class MeasureBenchmark {
    /** Enclave content per operation: 64 MiB of fully measured pages. */
    public static final int CONTENT_BYTES = 64 << 20;
    /** Bytes hashed per operation by the raw SHA-256 baseline. */
    public static final int SHA256_BYTES = CONTENT_BYTES;
    public static final int PAGES = CONTENT_BYTES / 4096;
    private static final int UPDATE = 64 << 10;
    private static final int CACHED = 1 << 20;

    private byte[] raw;
    private byte[] sgxs;

    @Setup
    public void setup() throws IOException {
        Random rnd = new Random(1);
        raw = new byte[SHA256_BYTES];
        rnd.nextBytes(raw);
        sgxs = syntheticStream(raw);
        // guard: a benchmark of a stream that does not measure fully would be meaningless
        SgxsSummary s = SgxsMeasure.measure(sgxs, SgxsMode.STRICT);
        if (s.contentBytes() != CONTENT_BYTES || s.eadds() != PAGES) {
            throw new IllegalStateException("synthetic stream is wrong: " + s);
        }
    }

    /** ECREATE, then for each page of {@code content} one EADD (REG RW) and 16 EEXTENDs. */
    static byte[] syntheticStream(byte[] content) {
        int pages = content.length / 4096;
        ByteBuffer b = ByteBuffer.allocate(64 + pages * (64 + 16 * 320)).order(ByteOrder.LITTLE_ENDIAN);
        // SIZE: the smallest power of two holding the pages
        b.put(new SgxsRecord.Ecreate(1, Long.highestOneBit(content.length - 1L) << 1).bytes());
        for (int p = 0; p < pages; p++) {
            long page = p * 4096L;
            b.put(org.jsgx.cpu.Measurement.eaddRecord(page, 0x203));
            for (int c = 0; c < 16; c++) {
                b.put(org.jsgx.cpu.Measurement.eextendHeader(page + c * 256L));
                b.put(content, p * 4096 + c * 256, 256);
            }
        }
        return b.array();
    }

    /**
     * The baseline, fed in 64 KiB updates like {@link SgxsMeasure} does: a single 64 MiB update
     * per operation would leave SHA-256's multi-block loop uncompiled for most of the run.
     */
    @Benchmark
    public byte[] sha256() {
        MessageDigest md = Crypto.sha256();
        for (int off = 0; off < raw.length; off += UPDATE) {
            md.update(raw, off, Math.min(UPDATE, raw.length - off));
        }
        return md.digest();
    }

    /**
     * SHA-256 compute bound: the same number of bytes hashed from a 1 MiB buffer that stays in
     * the L2 cache. The gap to {@link #sha256} is the cost of streaming a large buffer from
     * memory, which the baseline includes as a measurement of a real stream must.
     */
    @Benchmark
    public byte[] sha256Cached() {
        MessageDigest md = Crypto.sha256();
        for (int off = 0; off < SHA256_BYTES; off += CACHED) {
            md.update(raw, 0, CACHED);
        }
        return md.digest();
    }

    /** The stream held in memory, validated (strict) and hashed in place. */
    @Benchmark
    public byte[] measure() throws IOException {
        return SgxsMeasure.measure(sgxs, SgxsMode.STRICT).mrenclave();
    }

    /** The same stream read through an InputStream into the reader's 1 MiB buffer. */
    @Benchmark
    public byte[] measureStream() throws IOException {
        return SgxsMeasure.measure(new ByteArrayInputStream(sgxs), SgxsMode.STRICT).mrenclave();
    }
}
