package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The record layouts and test vectors of the reference sheet (§3.1). */
class MeasurementTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void recordBytesMatchTheSdmLayouts() {
        assertThat(HEX.formatHex(Measurement.ecreateRecord(1, 0x2000)))
                .isEqualTo("4543524541544500" + "01000000" + "0020000000000000" + "00".repeat(44));
        assertThat(HEX.formatHex(Measurement.eaddRecord(0x1000, 0x100)))
                .isEqualTo("4541444400000000" + "0010000000000000" + "0001000000000000" + "00".repeat(40));
        assertThat(HEX.formatHex(Measurement.eextendHeader(0x100)))
                .isEqualTo("45455854454e4400" + "0001000000000000" + "00".repeat(48));
    }

    @Test
    void testVectorsOfTheReference() {
        assertThat(HEX.formatHex(new Measurement(1, 0x2000).peekFinal()))
                .isEqualTo("9e197c8837c6d65632dbdd59cd7df4f1a25b68d8e4e5eb6ca3b20b05311fecb8");
        Measurement m = new Measurement(1, 0x2000);
        m.eadd(0x1000, 0x100);
        assertThat(HEX.formatHex(m.peekFinal()))
                .isEqualTo("11ef7ff1c56f61a6859722b16d806d7e42f745c26e21f1ad760f7e1f03bdf221");
        Measurement z = new Measurement(1, 0x2000);
        z.eadd(0, 0x203);
        for (int off = 0; off < 4096; off += 256) {
            z.eextend(off, new byte[256], 0);
        }
        assertThat(z.blocks()).isEqualTo(82);
        assertThat(HEX.formatHex(z.peekFinal()))
                .isEqualTo("1f2cf80bd03ffd8bfac33f7cba128aff511c3af666b93bb66e7ef718418bdade");
    }

    @Test
    void peekDoesNotEndTheMeasurement() {
        Measurement m = new Measurement(1, 0x2000);
        byte[] a = m.peekFinal();
        m.eadd(0, 0x201);
        assertThat(m.peekFinal()).isNotEqualTo(a);
    }

    /**
     * Any interleaving of EADDs (measured or not), EEXTENDs from arrays and from native memory,
     * and peeks hashes exactly the concatenated records: the reused record buffer never leaks
     * an earlier record's bytes into a later one.
     */
    @Test
    void mixedSequencesHashTheConcatenatedRecords() throws Exception {
        Random rnd = new Random(7);
        byte[] page = new byte[4096];
        rnd.nextBytes(page);
        MemorySegment frame = Arena.ofAuto().allocate(4096);
        MemorySegment.copy(page, 0, frame, ValueLayout.JAVA_BYTE, 0, 4096);
        Measurement m = new Measurement(3, 0x100000);
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        records.write(Measurement.ecreateRecord(3, 0x100000));
        for (int step = 0; step < 200; step++) {
            long offset = (long) rnd.nextInt(256) << 12;
            int chunk = rnd.nextInt(16) << 8;
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    long flags = rnd.nextLong() & 0xFF07L;
                    m.eadd(offset, flags);
                    records.write(Measurement.eaddRecord(offset, flags));
                }
                case 1 -> {
                    m.eextend(offset + chunk, page, chunk);
                    records.write(Measurement.eextendHeader(offset + chunk));
                    records.write(page, chunk, 256);
                }
                case 2 -> {
                    m.eextend(offset + chunk, frame, chunk);
                    records.write(Measurement.eextendHeader(offset + chunk));
                    records.write(page, chunk, 256);
                }
                default -> assertThat(m.peekFinal())
                        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(records.toByteArray()));
            }
        }
        assertThat(m.blocks()).isEqualTo(records.size() / 64);
        assertThat(m.peekFinal()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(records.toByteArray()));
    }
}
