package org.jsgx.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jsgx.cpu.EinitToken;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the PEM key reader and the EINITTOKEN parser (the SGXS, ELF, layout and
 * SIGSTRUCT parsers have Jazzer targets): truncations, bit flips, insertions and deletions of
 * valid inputs. Only the documented error (IllegalArgumentException with a message) may come
 * out; anything else is a crash. A longer run: -Djsgx.fuzz.parsers.iterations=N.
 */
class ParserFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("jsgx.fuzz.parsers.iterations", 1500);

    @Test
    void pemReaderOnlyFailsWithItsDocumentedError() {
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        byte[][] seeds = {RsaKeys.privatePem(key).getBytes(StandardCharsets.US_ASCII),
            RsaKeys.publicPem(RsaKeys.publicKey(key)).getBytes(StandardCharsets.US_ASCII)};
        SplittableRandom rnd = new SplittableRandom(42);
        List<String> crashes = new ArrayList<>();
        int parsed = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            String pem = new String(mutate(seeds[i % 2], rnd), StandardCharsets.ISO_8859_1);
            try {
                if (i % 2 == 0) {
                    RsaKeys.requireSgxKey(RsaKeys.readPrivate(pem));
                } else {
                    RsaKeys.requireSgxKey(RsaKeys.readPublic(pem));
                }
                parsed++;
            } catch (IllegalArgumentException e) {
                if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
                    crashes.add("no one-line message for input " + i);
                }
            } catch (RuntimeException e) {
                crashes.add("input " + i + ": " + e);
            }
        }
        assertThat(crashes).isEmpty();
        assertThat(parsed).isLessThan(ITERATIONS); // the mutations did reach the error paths
    }

    @Test
    void einittokenParserOnlyFailsWithItsDocumentedError() {
        EinitToken valid = EinitToken.allocate();
        valid.valid(1);
        SplittableRandom rnd = new SplittableRandom(43);
        List<String> crashes = new ArrayList<>();
        int parsed = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] b = mutate(valid.toByteArray(), rnd);
            try {
                EinitToken t = EinitToken.of(b);
                // every field decodes from a well-sized token
                t.valid();
                t.attributes();
                t.maskedAttributesLe();
                t.mrEnclave();
                t.keyId();
                t.mac();
                parsed++;
            } catch (IllegalArgumentException e) {
                assertThat(b.length).isNotEqualTo(EinitToken.SIZE);
            } catch (RuntimeException e) {
                crashes.add("input " + i + ": " + e);
            }
        }
        assertThat(crashes).isEmpty();
        assertThat(parsed).isGreaterThan(0).isLessThan(ITERATIONS);
    }

    /** One to four random edits: flip, truncate, insert or delete bytes. */
    static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] b = seed.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(4)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b = java.util.Arrays.copyOf(b, at);
                case 2 -> {
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, at);
                    n[at] = (byte) rnd.nextInt(256);
                    System.arraycopy(b, at, n, at + 1, b.length - at);
                    b = n;
                }
                default -> {
                    byte[] n = new byte[b.length - 1];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + 1, n, at, b.length - at - 1);
                    b = n;
                }
            }
        }
        return b;
    }
}
