package org.jsgx.host.sgxs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jsgx.host.sgxs.SgxsStreams.stream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.Measurement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SgxsMeasureTest {
    private static final HexFormat HEX = HexFormat.of();

    // test vectors of sgx-architecture.md §3.1

    @Test
    void vectorEcreateOnly() throws IOException {
        SgxsSummary s = SgxsMeasure.measure(new ByteArrayInputStream(stream().ecreate(1, 0x2000).bytes()));
        assertThat(s.mrenclaveHex()).isEqualTo("9e197c8837c6d65632dbdd59cd7df4f1a25b68d8e4e5eb6ca3b20b05311fecb8");
        assertThat(s.ssaFrameSize()).isEqualTo(1);
        assertThat(s.size()).isEqualTo(0x2000);
    }

    @Test
    void vectorEcreateAndTcsEadd() throws IOException {
        byte[] b = stream().ecreate(1, 0x2000).eadd(0x1000, 0x100).bytes();
        assertThat(SgxsMeasure.measure(b, SgxsMode.STRICT).mrenclaveHex())
                .isEqualTo("11ef7ff1c56f61a6859722b16d806d7e42f745c26e21f1ad760f7e1f03bdf221");
    }

    @Test
    void vectorOneMeasuredZeroPage() throws IOException {
        byte[] b = stream().ecreate(1, 0x2000).page(0, 0x203, new byte[4096]).bytes();
        SgxsSummary s = SgxsMeasure.measure(new ByteArrayInputStream(b));
        assertThat(s.mrenclaveHex()).isEqualTo("1f2cf80bd03ffd8bfac33f7cba128aff511c3af666b93bb66e7ef718418bdade");
        assertThat(s.eadds()).isEqualTo(1);
        assertThat(s.eextends()).isEqualTo(16);
        // 34 records / 82 blocks
        assertThat(s.measuredBytes()).isEqualTo(82 * 64);
        assertThat(s.bytesRead()).isEqualTo(b.length);
    }

    /** A random canonical stream with partial pages, empty pages and UNMEASRD chunks. */
    private static byte[] randomStream(Random rnd, Measurement expected, int pages) {
        SgxsStreams s = stream().ecreate(1, 1L << 24);
        long page = 0;
        for (int p = 0; p < pages; p++) {
            page += 0x1000L * (1 + rnd.nextInt(3));
            boolean tcs = rnd.nextInt(8) == 0;
            long flags = tcs ? 0x100 : 0x200 | (1 + rnd.nextInt(7));
            s.eadd(page, flags);
            if (expected != null) {
                expected.eadd(page, flags);
            }
            int mask = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(1 << 16);
            for (int c = 0; c < 16; c++) {
                if ((mask & (1 << c)) == 0) {
                    continue;
                }
                byte[] data = new byte[256];
                rnd.nextBytes(data);
                long off = page + c * 256L;
                if (rnd.nextInt(5) == 0) {
                    s.add(new SgxsRecord.Unmeasured(off, data));
                } else {
                    s.eextend(off, data);
                    if (expected != null) {
                        expected.eextend(off, data, 0);
                    }
                }
            }
        }
        return s.bytes();
    }

    @ParameterizedTest
    @ValueSource(ints = {320, 337, 4096, SgxsReader.DEFAULT_BUFFER})
    void agreesWithTheCpuMeasurementForAnyBufferSize(int bufferSize) throws IOException {
        for (long seed = 1; seed <= 5; seed++) {
            Measurement cpu = new Measurement(1, 1L << 24);
            byte[] b = randomStream(new Random(seed), cpu, 40);
            SgxsSummary s = SgxsMeasure.measure(
                    SgxsReader.of(new ByteArrayInputStream(b), SgxsMode.STRICT, bufferSize));
            assertThat(s.mrenclave()).as("seed %d", seed).isEqualTo(cpu.peekFinal());
            assertThat(s.measuredBytes()).isEqualTo(cpu.blocks() * 64);
            assertThat(s.bytesRead()).isEqualTo(b.length);
            assertThat(s.contentBytes()).isEqualTo((s.eextends() + s.unmeasured()) * 256);
            assertThat(SgxsMeasure.measure(b, SgxsMode.LENIENT).mrenclave()).isEqualTo(cpu.peekFinal());
        }
    }

    @Test
    void unmeasuredRecordsAreSkippedEntirely() throws IOException {
        byte[] data = new byte[256];
        new Random(3).nextBytes(data);
        byte[] with = stream().ecreate(1, 0x2000).eadd(0, 0x203).eextend(0, data)
                .add(new SgxsRecord.Unmeasured(0x100, data)).eextend(0x200, data).bytes();
        byte[] without = stream().ecreate(1, 0x2000).eadd(0, 0x203).eextend(0, data).eextend(0x200, data).bytes();
        SgxsSummary s = SgxsMeasure.measure(with, SgxsMode.STRICT);
        assertThat(s.mrenclave()).isEqualTo(Crypto.sha256(without));
        assertThat(s.unmeasured()).isEqualTo(1);
        assertThat(s.eextends()).isEqualTo(2);
        // without UNMEASRD records the stream is its own measurement
        assertThat(SgxsMeasure.measure(without, SgxsMode.STRICT).mrenclave()).isEqualTo(Crypto.sha256(without));
    }

    @ParameterizedTest
    @EnumSource(SgxsMode.class)
    void unsizedCannotBeMeasured(SgxsMode mode) {
        byte[] b = stream().add(new SgxsRecord.Unsized(1, 0x1000)).eadd(0, 0x203).bytes();
        assertThatThrownBy(() -> SgxsMeasure.measure(new ByteArrayInputStream(b), mode))
                .isInstanceOfSatisfying(SgxsFormatException.class, e -> {
                    assertThat(e.fileOffset()).isZero();
                    assertThat(e.problem()).contains("UNSIZED record").contains("cannot be measured");
                });
    }

    @Test
    void lenientStreamWithoutEcreateHasNothingToMeasure() {
        byte[] b = stream().eadd(0, 0x203).bytes();
        assertThatThrownBy(() -> SgxsMeasure.measure(b, SgxsMode.LENIENT))
                .isInstanceOfSatisfying(SgxsFormatException.class, e -> {
                    assertThat(e.fileOffset()).isEqualTo(64);
                    assertThat(e.problem()).contains("no ECREATE record");
                });
    }

    @Test
    void lenientMeasuresNonCanonicalStreamsInStreamOrder() throws IOException {
        // descending pages and a repeated chunk: not canonical, but still a hash of the records
        byte[] b = stream().ecreate(1, 0x4000).eadd(0x2000, 0x203).eextend(0x2000, new byte[256])
                .eadd(0x1000, 0x201).eextend(0x1000, new byte[256]).eextend(0x1000, new byte[256]).bytes();
        Measurement cpu = new Measurement(1, 0x4000);
        cpu.eadd(0x2000, 0x203);
        cpu.eextend(0x2000, new byte[256], 0);
        cpu.eadd(0x1000, 0x201);
        cpu.eextend(0x1000, new byte[256], 0);
        cpu.eextend(0x1000, new byte[256], 0);
        assertThat(SgxsMeasure.measure(b, SgxsMode.LENIENT).mrenclave()).isEqualTo(cpu.peekFinal());
        assertThatThrownBy(() -> SgxsMeasure.measure(b, SgxsMode.STRICT)).isInstanceOf(SgxsFormatException.class);
    }

    @Test
    void measuresAFileByPath(@TempDir Path dir) throws IOException {
        Measurement cpu = new Measurement(1, 1L << 24);
        byte[] b = randomStream(new Random(42), cpu, 300);
        Path f = dir.resolve("e.sgxs");
        Files.write(f, b);
        SgxsSummary s = SgxsMeasure.measure(f);
        assertThat(HEX.formatHex(s.mrenclave())).isEqualTo(HEX.formatHex(cpu.peekFinal()));
        assertThat(s.mode()).isEqualTo(SgxsMode.STRICT);
        assertThat(s.bytesRead()).isEqualTo(Files.size(f));
    }

    @Test
    void summaryDoesNotExposeItsDigestArray() throws IOException {
        SgxsSummary s = SgxsMeasure.measure(stream().ecreate(1, 0x2000).bytes(), SgxsMode.STRICT);
        byte[] d = s.mrenclave();
        d[0] ^= 1;
        assertThat(s.mrenclave()).isNotEqualTo(d);
    }
}
