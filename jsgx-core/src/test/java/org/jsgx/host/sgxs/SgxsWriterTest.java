package org.jsgx.host.sgxs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.HexFormat;
import org.jsgx.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SgxsWriterTest {
    private static final byte[] CHUNK = new byte[256];

    @ParameterizedTest
    @ValueSource(strings = {"fortanix-test_enclave.sgxs", "fortanix-report.sgxs"})
    void readerToWriterRoundTripIsByteIdentical(String name) throws Exception {
        byte[] original = Files.readAllBytes(Fixtures.require(name));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SgxsWriter w = SgxsWriter.of(out);
        try (SgxsReader r = SgxsReader.of(original, 0, original.length, SgxsMode.STRICT)) {
            for (SgxsRecord rec = r.read(); rec != null; rec = r.read()) {
                w.write(rec);
            }
        }
        assertThat(out.toByteArray()).isEqualTo(original);
        assertThat(w.bytesWritten()).isEqualTo(original.length);
        // no UNMEASRD in these files: the stream is the measurement, so sha256(file) = MRENCLAVE
        assertThat(w.mrenclave()).isEqualTo(SgxsMeasure.measure(original, SgxsMode.STRICT).mrenclave());
    }

    @Test
    void fixtureMrenclaveFromWriter() throws Exception {
        byte[] original = Files.readAllBytes(Fixtures.require("fortanix-report.sgxs"));
        SgxsWriter w = SgxsWriter.of(java.io.OutputStream.nullOutputStream());
        try (SgxsReader r = SgxsReader.of(original, 0, original.length, SgxsMode.STRICT)) {
            for (SgxsRecord rec = r.read(); rec != null; rec = r.read()) {
                w.write(rec);
            }
        }
        assertThat(HexFormat.of().formatHex(w.mrenclave()))
                .isEqualTo("a06a560b26f5e397b2d7872fac66fe4b43bf4f507296ee048f110be6fb1a2290");
    }

    @Test
    void pageWritesMeasuredChunksAndOnlyNonZeroUnmeasuredOnes() throws Exception {
        byte[] page = new byte[4096];
        page[0x300] = 7;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SgxsWriter w = SgxsWriter.of(out).ecreate(1, 0x4000);
        w.page(0x1000, 0x203, page, 0, 0x0003); // chunks 0 and 1 measured, chunk 3 carried unmeasured
        byte[] s = out.toByteArray();
        assertThat(s).hasSize(64 + 64 + 2 * 320 + 320);
        SgxsInspection in = SgxsInspector.inspect(s, SgxsMode.STRICT);
        assertThat(in.partialPages()).isEqualTo(1);
        assertThat(SgxsMeasure.measure(s, SgxsMode.STRICT).unmeasured()).isEqualTo(1);
        assertThat(SgxsMeasure.measure(s, SgxsMode.STRICT).mrenclave()).isEqualTo(w.mrenclave());
    }

    @Test
    void everyCanonicalRuleIsEnforcedBeforeWriting() throws Exception {
        assertRule(w -> w.eadd(0, 0x203), "EADD before ECREATE");
        assertRule(w -> w.ecreate(1, 0x4000).ecreate(1, 0x4000), "second ECREATE");
        assertRule(w -> w.ecreate(1, 0x4000).eadd(0x1800, 0x203), "not page-aligned");
        assertRule(w -> w.ecreate(1, 0x4000).eadd(0x2000, 0x203).eadd(0x1000, 0x203), "not above the previous");
        assertRule(w -> w.ecreate(1, 0x4000).eadd(0x1000, 0x203).eadd(0x1000, 0x203), "not above the previous");
        assertRule(w -> w.ecreate(1, 0x4000).eadd(0x4000, 0x203), "outside the enclave SIZE");
        assertRule(w -> w.ecreate(1, 0x4000).eadd(0, 0x303), "page type PT_VA");
        assertRule(w -> w.ecreate(1, 0x4000).eadd(0, 0x101), "PT_TCS page with R/W/X");
        assertRule(w -> w.ecreate(1, 0x4000).eadd(0, 0x10203), "bits other than R/W/X");
        assertRule(w -> w.ecreate(1, 0x4000).eadd(0, 0x208), "bits other than R/W/X");
        assertRule(w -> w.ecreate(1, 0x4000).eextend(0, CHUNK, 0), "before any EADD");
        assertRule(w -> w.ecreate(1, 0x4000).eadd(0, 0x203).eextend(0x80, CHUNK, 0), "not 256-aligned");
        assertRule(w -> w.ecreate(1, 0x4000).eadd(0, 0x203).eextend(0x1000, CHUNK, 0), "outside the page");
        // every chunk index, not only chunk 0 (the Fortanix reader's precedence slip)
        for (int i = 0; i < 16; i++) {
            long at = i * 256L;
            assertRule(w -> w.ecreate(1, 0x4000).eadd(0, 0x203).eextend(at, CHUNK, 0).unmeasured(at, CHUNK, 0),
                    "chunk already supplied");
        }
    }

    @Test
    void aRejectedRecordWritesNothing() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SgxsWriter w = SgxsWriter.of(out).ecreate(1, 0x4000).eadd(0x1000, 0x203);
        assertThatThrownBy(() -> w.eadd(0x1000, 0x203)).isInstanceOf(SgxsFormatException.class)
                .hasMessageStartingWith("offset 0x80:");
        assertThat(out.size()).isEqualTo(128);
    }

    @Test
    void unsizedStreamsCannotBeMeasured() throws Exception {
        SgxsWriter w = SgxsWriter.of(new ByteArrayOutputStream()).unsized(1, 0x10);
        assertThatThrownBy(w::mrenclave).hasMessageContaining("UNSIZED");
    }

    interface Steps {
        void run(SgxsWriter w) throws Exception;
    }

    private static void assertRule(Steps steps, String rule) {
        assertThatThrownBy(() -> steps.run(SgxsWriter.of(new ByteArrayOutputStream())))
                .isInstanceOf(SgxsFormatException.class).hasMessageContaining(rule);
    }
}
