package org.jsgx.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.Measurement;
import org.jsgx.host.sgxs.SgxsMeasure;
import org.jsgx.host.sgxs.SgxsMode;
import org.jsgx.host.sgxs.SgxsSummary;

/**
 * `jsgx bench measure --file`: MRENCLAVE of a 1 GiB SGXS file measured from disk (through the
 * page cache, as a real `jsgx measure` run after the file was written) with
 * {@link SgxsMeasure}, against raw SHA-256 x 256/320 measured in the same JVM in the same run.
 * Constant memory is shown by the bytes the measuring thread allocates, which do not grow with
 * the file. Not a JMH benchmark: one operation is a whole gigabyte, so the best of a few
 * rounds after a warm-up is reported for both sides. The temporary file is always deleted.
 */
final class MeasureFileBench {
    static final long FILE_BYTES = 1L << 30;
    private static final int PAGE_RECORDS = 64 + 16 * 320;
    private static final int CONTENT = 64 << 20;
    private static final int ROUNDS = 3;
    private static final double MB = 1e6;
    private static final double TARGET = 0.8;

    private MeasureFileBench() {
    }

    static int run(PrintWriter out, boolean json) {
        byte[] content = new byte[CONTENT];
        new Random(1).nextBytes(content);
        long pages = (FILE_BYTES - 64 + PAGE_RECORDS - 1) / PAGE_RECORDS;
        Path file = null;
        try {
            file = Files.createTempFile("jsgx-bench-", ".sgxs");
            System.err.println("bench: writing " + pages + " pages to " + file);
            long fileBytes = write(file, content, pages);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long self = Thread.currentThread().threadId();
            // warm-up: JIT both paths on a smaller share of the work
            sha256(content, 1);
            SgxsMeasure.measure(file, SgxsMode.STRICT);
            double bestSha = 0;
            double bestMeasure = 0;
            long allocated = Long.MAX_VALUE;
            SgxsSummary s = null;
            for (int r = 0; r < ROUNDS; r++) {
                long t0 = System.nanoTime();
                sha256(content, (int) (FILE_BYTES / CONTENT));
                bestSha = Math.max(bestSha, FILE_BYTES / ((System.nanoTime() - t0) / 1e9) / MB);
                long a0 = threads.getThreadAllocatedBytes(self);
                t0 = System.nanoTime();
                s = SgxsMeasure.measure(file, SgxsMode.STRICT);
                double secs = (System.nanoTime() - t0) / 1e9;
                allocated = Math.min(allocated, threads.getThreadAllocatedBytes(self) - a0);
                bestMeasure = Math.max(bestMeasure, pages * 4096.0 / secs / MB);
                System.err.printf("bench: round %d: sha256 %.1f MB/s, measure %.1f content MB/s%n", r + 1, bestSha,
                        pages * 4096.0 / secs / MB);
            }
            if (s.eadds() != pages || s.eextends() != pages * 16 || s.bytesRead() != fileBytes) {
                throw CliException.failed("synthetic SGXS file did not measure completely: " + s);
            }
            double ideal = bestSha * 256 / 320;
            double ratio = bestMeasure / ideal;
            if (json) {
                out.println(Json.object()
                        .put("metric", "measure_file_throughput")
                        .put("value", round(bestMeasure, 1))
                        .put("unit", "MB/s")
                        .put("baseline", round(ideal, 1))
                        .put("ratio", round(ratio, 3))
                        .put("target", TARGET)
                        .put("bench", "measure --file")
                        .put("sha256_mbps", round(bestSha, 1))
                        .put("ideal_fraction", 0.8)
                        .put("file_bytes", fileBytes)
                        .put("pages", pages)
                        .put("allocated_bytes", allocated)
                        .put("rounds", (long) ROUNDS)
                        .put("mrenclave", s.mrenclaveHex())
                        .put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
                        .put("cpus", (long) Runtime.getRuntime().availableProcessors()));
            } else {
                out.printf("measure --file: MRENCLAVE of a %d-byte SGXS file from disk vs. raw SHA-256%n", fileBytes);
                out.printf("  %-20s %14.1f MB/s (enclave content)%n", "measure_file", bestMeasure);
                out.printf("  %-20s %14.1f MB/s%n", "sha256", bestSha);
                out.printf("  %-20s %14.1f MB/s (sha256 x 256/320)%n", "baseline", ideal);
                out.printf("  %-20s %14d bytes allocated while measuring 1 GiB%n", "memory", allocated);
                out.printf("  %-20s %14.3f (target %.2f: %s)%n", "ratio", ratio, TARGET,
                        ratio >= TARGET ? "met" : "NOT met");
            }
            return Main.EXIT_OK;
        } catch (IOException e) {
            throw CliException.failed("bench: " + e.getMessage());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    System.err.println("bench: could not delete " + file + ": " + e.getMessage());
                }
            }
        }
    }

    /** ECREATE, then per page one EADD (REG RW) and 16 EEXTENDs with bytes from {@code content}. */
    private static long write(Path file, byte[] content, long pages) throws IOException {
        long size = Long.highestOneBit(pages * 4096 - 1) << 1;
        long n = 0;
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            byte[] e = Measurement.ecreateRecord(1, size);
            o.write(e);
            n += e.length;
            for (long p = 0; p < pages; p++) {
                long page = p * 4096;
                o.write(Measurement.eaddRecord(page, 0x203));
                int from = (int) ((p * 4096) % CONTENT);
                for (int c = 0; c < 16; c++) {
                    o.write(Measurement.eextendHeader(page + c * 256L));
                    o.write(content, from + c * 256, 256);
                }
                n += PAGE_RECORDS;
            }
        }
        return n;
    }

    private static byte[] sha256(byte[] content, int times) {
        MessageDigest md = Crypto.sha256();
        for (int i = 0; i < times; i++) {
            md.update(content);
        }
        return md.digest();
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
