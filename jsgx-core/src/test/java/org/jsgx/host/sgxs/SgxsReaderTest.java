package org.jsgx.host.sgxs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jsgx.host.sgxs.SgxsStreams.stream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SgxsReaderTest {
    private static final byte[] ZERO = new byte[256];
    private static final long REG_RW = 0x203;
    private static final long TCS = 0x100;

    private static byte[] chunk(int fill) {
        byte[] b = new byte[256];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    private static List<SgxsRecord> readAll(byte[] stream, SgxsMode mode, int bufferSize) throws IOException {
        List<SgxsRecord> out = new ArrayList<>();
        try (SgxsReader r = SgxsReader.of(new ByteArrayInputStream(stream), mode, bufferSize)) {
            for (SgxsRecord rec; (rec = r.read()) != null; ) {
                out.add(rec);
            }
        }
        return out;
    }

    @Test
    void readsEveryRecordKindWithItsFieldsAndFileOffset() throws IOException {
        byte[] s = stream().ecreate(2, 0x8000).eadd(0, REG_RW).eextend(0x100, chunk(7))
                .add(new SgxsRecord.Unmeasured(0x200, chunk(9))).eadd(0x1000, TCS).bytes();
        List<SgxsRecord> recs = readAll(s, SgxsMode.STRICT, SgxsReader.DEFAULT_BUFFER);
        assertThat(recs).hasSize(5);
        assertThat(recs.get(0)).isEqualTo(new SgxsRecord.Ecreate(0, 2, 0x8000));
        assertThat(recs.get(1)).isEqualTo(new SgxsRecord.Eadd(0x40, 0, REG_RW));
        SgxsRecord.Eextend e = (SgxsRecord.Eextend) recs.get(2);
        assertThat(e.fileOffset()).isEqualTo(0x80);
        assertThat(e.offset()).isEqualTo(0x100);
        assertThat(e.data()).isEqualTo(chunk(7));
        SgxsRecord.Unmeasured u = (SgxsRecord.Unmeasured) recs.get(3);
        assertThat(u.fileOffset()).isEqualTo(0x80 + 320);
        assertThat(u.offset()).isEqualTo(0x200);
        assertThat(u.data()).isEqualTo(chunk(9));
        assertThat(recs.get(4)).isEqualTo(new SgxsRecord.Eadd(0x80 + 640, 0x1000, TCS));
        // records re-encode to the bytes they were read from
        byte[] again = recs.stream().map(SgxsRecord::bytes)
                .reduce(new byte[0], (a, b) -> org.jsgx.cpu.Bytes.concat(a, b));
        assertThat(again).isEqualTo(s);
    }

    @Test
    void readsUnsizedInBothModes() throws IOException {
        byte[] s = stream().add(new SgxsRecord.Unsized(1, 0x3000)).eadd(0x1000, REG_RW).bytes();
        for (SgxsMode m : SgxsMode.values()) {
            assertThat(readAll(s, m, 4096).getFirst()).isEqualTo(new SgxsRecord.Unsized(0, 1, 0x3000));
        }
    }

    /** Small buffers force records to straddle refills; every size must give the same records. */
    @ParameterizedTest
    @ValueSource(ints = {320, 321, 333, 640, 1000, 4096})
    void recordsAreTheSameForAnyBufferSize(int bufferSize) throws IOException {
        SgxsStreams b = stream().ecreate(1, 0x10000);
        for (int p = 0; p < 5; p++) {
            b.eadd(p * 0x1000L, REG_RW);
            for (int c = 0; c < 16; c += 1 + p) {
                b.eextend(p * 0x1000L + c * 256L, chunk(p * 16 + c));
            }
        }
        byte[] s = b.bytes();
        List<SgxsRecord> big = readAll(s, SgxsMode.STRICT, SgxsReader.DEFAULT_BUFFER);
        List<SgxsRecord> small = readAll(s, SgxsMode.STRICT, bufferSize);
        assertThat(small).hasSameSizeAs(big);
        for (int i = 0; i < big.size(); i++) {
            assertThat(small.get(i).fileOffset()).isEqualTo(big.get(i).fileOffset());
            assertThat(small.get(i).bytes()).isEqualTo(big.get(i).bytes());
        }
        // a channel source reads the same records
        try (SgxsReader r = SgxsReader.of(Channels.newChannel(new ByteArrayInputStream(s)), SgxsMode.STRICT,
                bufferSize)) {
            int n = 0;
            while (r.next() != null) {
                n++;
            }
            assertThat(n).isEqualTo(big.size());
            assertThat(r.bytesRead()).isEqualTo(s.length);
        }
    }

    @Test
    void bufferSmallerThanARecordIsRefused() {
        assertThatThrownBy(() -> SgxsReader.of(new ByteArrayInputStream(new byte[0]), SgxsMode.STRICT, 319))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- structural errors: both modes ----

    static Stream<SgxsMode> modes() {
        return Stream.of(SgxsMode.values());
    }

    private static void assertFormatError(byte[] s, SgxsMode mode, int bufferSize, long offset, String problem) {
        assertThatThrownBy(() -> readAll(s, mode, bufferSize))
                .isInstanceOfSatisfying(SgxsFormatException.class, e -> {
                    assertThat(e.fileOffset()).isEqualTo(offset);
                    assertThat(e.getMessage()).startsWith(String.format("offset 0x%x: ", offset));
                    assertThat(e.problem()).contains(problem);
                });
    }

    @ParameterizedTest
    @MethodSource("modes")
    void truncatedHeader(SgxsMode mode) {
        byte[] s = stream().ecreate(1, 0x2000).raw(new byte[10]).bytes();
        assertFormatError(s, mode, 4096, 0x40, "record header truncated (got 10 of 64 bytes)");
    }

    @ParameterizedTest
    @MethodSource("modes")
    void truncatedEextendPayload(SgxsMode mode) {
        byte[] full = stream().ecreate(1, 0x2000).eadd(0, REG_RW).eextend(0, chunk(1)).bytes();
        byte[] s = Arrays.copyOf(full, 0x80 + 64 + 100);
        assertFormatError(s, mode, 4096, 0x80, "EEXTEND record truncated (got 100 of 256 data bytes)");
        // the same when the record straddles a buffer refill
        assertFormatError(s, mode, 330, 0x80, "EEXTEND record truncated (got 100 of 256 data bytes)");
    }

    @ParameterizedTest
    @MethodSource("modes")
    void truncatedUnmeasuredPayload(SgxsMode mode) {
        byte[] full = stream().ecreate(1, 0x2000).eadd(0, REG_RW).add(new SgxsRecord.Unmeasured(0, ZERO)).bytes();
        byte[] s = Arrays.copyOf(full, full.length - 1);
        assertFormatError(s, mode, 4096, 0x80, "UNMEASRD record truncated (got 255 of 256 data bytes)");
    }

    @ParameterizedTest
    @MethodSource("modes")
    void unknownTag(SgxsMode mode) {
        byte[] bogus = new SgxsRecord.Eadd(0x1000, REG_RW).bytes();
        bogus[3] = 'X'; // "EADX"
        byte[] s = stream().ecreate(1, 0x2000).raw(bogus).bytes();
        assertFormatError(s, mode, 4096, 0x40, "unknown record tag 0x0000000058444145 (\"EADX\")");
    }

    static Stream<Arguments> reservedBytes() {
        return Stream.of(
                Arguments.of(new SgxsRecord.Ecreate(1, 0x2000), 20),
                Arguments.of(new SgxsRecord.Ecreate(1, 0x2000), 63),
                Arguments.of(new SgxsRecord.Eadd(0, REG_RW), 24),
                Arguments.of(new SgxsRecord.Eadd(0, REG_RW), 40),
                Arguments.of(new SgxsRecord.Eextend(0, ZERO), 16),
                Arguments.of(new SgxsRecord.Unmeasured(0, ZERO), 63),
                Arguments.of(new SgxsRecord.Unsized(1, 0), 33));
    }

    @ParameterizedTest
    @MethodSource("reservedBytes")
    void nonZeroReservedHeaderByteIsRejectedInBothModes(SgxsRecord rec, int index) {
        byte[] b = rec.bytes();
        b[index] = 1;
        // a canonical prefix, so that only the reserved byte is wrong in strict mode too
        SgxsStreams s = stream();
        if (rec.tag() == SgxsTag.EADD) {
            s.ecreate(1, 0x2000);
        } else if (rec.tag().hasData()) {
            s.ecreate(1, 0x2000).eadd(0, REG_RW);
        }
        long at = s.length();
        byte[] stream = s.raw(b).bytes();
        for (SgxsMode m : SgxsMode.values()) {
            assertFormatError(stream, m, 4096, at, rec.tag() + " header byte " + index + " is reserved and must be zero");
        }
    }

    @Test
    void emptyStreamIsNotCanonicalButLenientlyEmpty() throws IOException {
        assertFormatError(new byte[0], SgxsMode.STRICT, 4096, 0, "no ECREATE record");
        assertThat(readAll(new byte[0], SgxsMode.LENIENT, 4096)).isEmpty();
    }

    // ---- canonical-stream rules: strict rejects, lenient accepts ----

    static Stream<Arguments> nonCanonical() {
        long size = 0x4000;
        return Stream.of(
                Arguments.of("EADD before ECREATE",
                        stream().eadd(0, REG_RW).ecreate(1, size), 0x0, "EADD before ECREATE"),
                Arguments.of("second ECREATE",
                        stream().ecreate(1, size).eadd(0, REG_RW).ecreate(1, size), 0x80, "second ECREATE"),
                Arguments.of("EADD offset not page-aligned",
                        stream().ecreate(1, size).eadd(0x1100, REG_RW), 0x40, "EADD offset 0x1100 is not page-aligned"),
                Arguments.of("EADD offsets not increasing",
                        stream().ecreate(1, size).eadd(0x2000, REG_RW).eadd(0x1000, REG_RW), 0x80,
                        "EADD offset 0x1000 is not above the previous EADD offset 0x2000"),
                Arguments.of("EADD offset repeated",
                        stream().ecreate(1, size).eadd(0x1000, REG_RW).eadd(0x1000, REG_RW), 0x80,
                        "EADD offset 0x1000 is not above"),
                Arguments.of("EADD outside SIZE",
                        stream().ecreate(1, size).eadd(0x4000, REG_RW), 0x40,
                        "EADD offset 0x4000 is outside the enclave SIZE 0x4000"),
                Arguments.of("page type PT_VA",
                        stream().ecreate(1, size).eadd(0, 0x300), 0x40, "page type PT_VA is not allowed"),
                Arguments.of("page type PT_SECS",
                        stream().ecreate(1, size).eadd(0, 0x003), 0x40, "page type PT_SECS is not allowed"),
                Arguments.of("TCS with RWX",
                        stream().ecreate(1, size).eadd(0, 0x103), 0x40, "PT_TCS page with R/W/X bits set (flags 0x103)"),
                Arguments.of("SECINFO.FLAGS PENDING bit",
                        stream().ecreate(1, size).eadd(0, REG_RW | 0x8), 0x40, "has bits other than R/W/X"),
                Arguments.of("EEXTEND before any EADD",
                        stream().ecreate(1, size).eextend(0, ZERO), 0x40, "EEXTEND offset 0x0 before any EADD"),
                Arguments.of("EEXTEND not 256-aligned",
                        stream().ecreate(1, size).eadd(0x1000, REG_RW).eextend(0x1080, ZERO), 0x80,
                        "EEXTEND offset 0x1080 is not 256-aligned"),
                Arguments.of("EEXTEND outside its page",
                        stream().ecreate(1, size).eadd(0x1000, REG_RW).eextend(0x2000, ZERO), 0x80,
                        "EEXTEND offset 0x2000 is outside the page of the most recent EADD (0x1000)"),
                Arguments.of("EEXTEND into an earlier page",
                        stream().ecreate(1, size).eadd(0, REG_RW).eadd(0x1000, REG_RW).eextend(0x100, ZERO), 0xc0,
                        "outside the page of the most recent EADD"),
                Arguments.of("duplicate chunk (not chunk 0)",
                        stream().ecreate(1, size).eadd(0x1000, REG_RW).eextend(0x1300, ZERO).eextend(0x1000, ZERO)
                                .eextend(0x1300, ZERO), 0x80 + 640, "EEXTEND offset 0x1300: chunk already supplied"),
                Arguments.of("chunk both measured and unmeasured",
                        stream().ecreate(1, size).eadd(0x1000, REG_RW).eextend(0x1f00, ZERO)
                                .add(new SgxsRecord.Unmeasured(0x1f00, ZERO)), 0x80 + 320,
                        "UNMEASRD offset 0x1f00: chunk already supplied"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonCanonical")
    void strictRejectsWhatLenientAccepts(String name, SgxsStreams s, long offset, String problem) throws IOException {
        byte[] b = s.bytes();
        assertFormatError(b, SgxsMode.STRICT, 4096, offset, problem);
        List<SgxsRecord> lenient = readAll(b, SgxsMode.LENIENT, 4096);
        assertThat(lenient.stream().mapToInt(r -> r.tag().length()).sum()).isEqualTo(b.length);
    }

    @Test
    void chunksOfAPageMayComeInAnyOrderButEachOnce() throws IOException {
        SgxsStreams s = stream().ecreate(1, 0x2000).eadd(0x1000, REG_RW);
        for (int c = 15; c >= 0; c--) {
            s.eextend(0x1000 + c * 256L, chunk(c));
        }
        assertThat(readAll(s.bytes(), SgxsMode.STRICT, 4096)).hasSize(18);
    }

    @Test
    void sameChunkMayReappearInALaterPage() throws IOException {
        byte[] s = stream().ecreate(1, 0x4000).eadd(0, REG_RW).eextend(0, ZERO).eadd(0x1000, REG_RW)
                .eextend(0x1000, ZERO).bytes();
        assertThat(readAll(s, SgxsMode.STRICT, 4096)).hasSize(5);
    }

    @Test
    void inMemoryReaderReportsFileOffsetsRelativeToTheSlice() throws IOException {
        byte[] s = stream().ecreate(1, 0x2000).eadd(0x1000, REG_RW).bytes();
        byte[] padded = new byte[s.length + 100];
        System.arraycopy(s, 0, padded, 37, s.length);
        SgxsReader r = SgxsReader.of(padded, 37, s.length, SgxsMode.STRICT);
        assertThat(r.next()).isEqualTo(SgxsTag.ECREATE);
        assertThat(r.recordOffset()).isZero();
        assertThat(r.recordPosition()).isEqualTo(37);
        assertThat(r.next()).isEqualTo(SgxsTag.EADD);
        assertThat(r.recordOffset()).isEqualTo(0x40);
        assertThat(r.offset()).isEqualTo(0x1000);
        assertThat(r.next()).isNull();
        assertThat(r.bytesRead()).isEqualTo(s.length);
    }
}
