package org.jsgx.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The header's GHASH term added outside the cipher gives exactly the JDK's AES-GCM tag with AAD. */
class GcmAadTermTest {
    private static byte[] tag(byte[] key, byte[] iv, byte[] aad, byte[] plain) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        if (aad != null) {
            c.updateAAD(aad);
        }
        byte[] out = c.doFinal(plain);
        return Arrays.copyOfRange(out, EpcPage.SIZE, EpcPage.SIZE + 16);
    }

    @Test
    void termTurnsTheAadFreeTagIntoTheAadTagAndBack() throws Exception {
        Random rnd = new Random(7);
        for (int round = 0; round < 40; round++) {
            byte[] key = new byte[16];
            byte[] iv = new byte[12];
            byte[] plain = new byte[EpcPage.SIZE];
            byte[] header = new byte[PagingCrypto.HEADER_SIZE];
            rnd.nextBytes(key);
            rnd.nextBytes(iv);
            rnd.nextBytes(plain);
            switch (round % 4) {
                case 0 -> rnd.nextBytes(header); // every block non-zero
                case 1 -> { // EWB's shape: SECINFO.FLAGS, LINADDR, EID
                    Measurement.put64(header, PagingCrypto.H_SECINFO, rnd.nextLong());
                    Measurement.put64(header, PagingCrypto.H_LINADDR, rnd.nextLong());
                    Measurement.put64(header, PagingCrypto.H_EID, rnd.nextLong());
                }
                case 2 -> header[rnd.nextInt(header.length)] = (byte) (1 << rnd.nextInt(8)); // one bit
                default -> { } // all zero: only the length term
            }
            byte[] expected = tag(key, iv, header, plain);
            byte[] t = tag(key, iv, null, plain);
            GcmAadTerm term = GcmAadTerm.forKey(key);
            term.apply(header, t, 0);
            assertArrayEquals(expected, t, "round " + round);
            term.apply(header, t, 0);
            assertArrayEquals(tag(key, iv, null, plain), t, "removing the term, round " + round);
        }
    }

    @Test
    void differentHeadersGiveDifferentTerms() {
        byte[] key = new byte[16];
        GcmAadTerm term = GcmAadTerm.forKey(key);
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        byte[] header = new byte[PagingCrypto.HEADER_SIZE];
        term.apply(header, a, 0);
        header[PagingCrypto.H_LINADDR] = 1;
        term.apply(header, b, 0);
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void multiplicationByOneIsIdentity() {
        long one = 0x8000_0000_0000_0000L; // x^0 is the first bit in GCM's order
        long[] p = GcmAadTerm.multiply(one, 0, 0x0123_4567_89AB_CDEFL, 0x1122_3344_5566_7788L);
        assertEquals(0x0123_4567_89AB_CDEFL, p[0]);
        assertEquals(0x1122_3344_5566_7788L, p[1]);
    }
}
