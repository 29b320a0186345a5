package org.jsgx.host;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.jsgx.cpu.SigStruct;

/**
 * Fuzzes SIGSTRUCT parsing and checking ({@link SigStructReport#parse}, which also runs the
 * RSA signature and Q1/Q2 checks on whatever numbers the input holds). The only documented
 * rejection is an IllegalArgumentException with a message (wrong size); anything else, or an
 * exception without a message, is a crash.
 */
class SigStructFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        // inputs starting with an even byte are padded to 1808 bytes, so that most executions
        // reach the field decoding and RSA checks instead of the size check
        byte[] in = data.length > 0 && (data[0] & 1) == 0
                ? Arrays.copyOf(Arrays.copyOfRange(data, 1, data.length), SigStruct.SIZE) : data;
        SigStructReport r;
        try {
            r = SigStructReport.parse(in);
        } catch (IllegalArgumentException e) {
            requireMessage(e);
            return;
        }
        r.fields();
        try {
            SigStructFields.of(r.sigStruct());
        } catch (IllegalArgumentException e) {
            requireMessage(e);
        }
    }

    private static void requireMessage(IllegalArgumentException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("IllegalArgumentException without a message", e);
        }
    }
}
