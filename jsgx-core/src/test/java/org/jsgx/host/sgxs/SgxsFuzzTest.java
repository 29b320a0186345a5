package org.jsgx.host.sgxs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Fuzzes the SGXS reader (both modes), the measurer, the inspector and the writer. The only
 * exception bad input may raise is {@link SgxsFormatException}; a stream the strict reader
 * accepts must round-trip through the writer byte for byte and measure the same both ways.
 * Default builds replay the seeds in SgxsFuzzTestInputs; JAZZER_FUZZ=1 fuzzes for real.
 */
class SgxsFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) throws Exception {
        for (SgxsMode mode : SgxsMode.values()) {
            try {
                SgxsMeasure.measure(data, mode);
            } catch (SgxsFormatException expected) {
                // documented rejection
            }
            try {
                SgxsInspector.inspect(data, mode);
            } catch (SgxsFormatException expected) {
                // documented rejection
            }
        }
        roundTrip(data);
    }

    private static void roundTrip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SgxsWriter w = SgxsWriter.of(out);
        try (SgxsReader r = SgxsReader.of(data, 0, data.length, SgxsMode.STRICT)) {
            for (SgxsRecord rec = r.read(); rec != null; rec = r.read()) {
                w.write(rec);
            }
        } catch (SgxsFormatException expected) {
            return;
        }
        if (!Arrays.equals(out.toByteArray(), data)) {
            throw new AssertionError("strict stream does not round-trip through the writer");
        }
        boolean unsized = data.length >= 8 && data[0] == 'U';
        if (!unsized && !Arrays.equals(w.mrenclave(), SgxsMeasure.measure(data, SgxsMode.STRICT).mrenclave())) {
            throw new AssertionError("writer and reader measure differently");
        }
    }
}
