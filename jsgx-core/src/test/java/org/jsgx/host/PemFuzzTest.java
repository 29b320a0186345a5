package org.jsgx.host;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the PEM key readers (PKCS#1/PKCS#8 private, SPKI/PKCS#1 public) and the SGX key check.
 * The only documented rejection is an IllegalArgumentException with a one-line message.
 */
class PemFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        String pem = new String(data, StandardCharsets.ISO_8859_1);
        try {
            if (data.length > 0 && (data[0] & 1) == 0) {
                RsaKeys.requireSgxKey(RsaKeys.readPrivate(pem));
            } else {
                RsaKeys.requireSgxKey(RsaKeys.readPublic(pem));
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
                throw new AssertionError("rejection without a one-line message", e);
            }
        }
    }
}
