package org.jsgx.host;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.jsgx.cpu.EinitToken;

/**
 * Fuzzes EINITTOKEN parsing: a wrong size is the documented IllegalArgumentException; a
 * 304-byte input must decode every field.
 */
class EinitTokenFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        // inputs starting with an even byte are padded to 304 bytes to reach the field decoding
        byte[] in = data.length > 0 && (data[0] & 1) == 0
                ? Arrays.copyOf(Arrays.copyOfRange(data, 1, data.length), EinitToken.SIZE) : data;
        EinitToken t;
        try {
            t = EinitToken.of(in);
        } catch (IllegalArgumentException e) {
            if (in.length == EinitToken.SIZE || e.getMessage() == null) {
                throw new AssertionError("a 304-byte token was refused, or no message", e);
            }
            return;
        }
        t.valid();
        t.attributes();
        t.maskedAttributesLe();
        t.mrEnclave();
        t.mrSigner();
        t.cpuSvnLe();
        t.isvProdIdLe();
        t.isvSvnLe();
        t.maskedMiscSelectLe();
        t.keyId();
        t.mac();
        t.macedBytes();
    }
}
