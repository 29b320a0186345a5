package org.jsgx.cpu;

import java.math.BigInteger;

/**
 * The SIGSTRUCT signature check EINIT performs: RSA-3072, exponent 3, EMSA-PKCS1-v1_5 with
 * SHA-256, over the 256 signed bytes; plus the Q1/Q2 helper values the hardware uses instead of
 * a long division. [MODEL] The model recomputes s^3 mod n directly and requires Q1 and Q2 to
 * equal floor(s^2/n) and floor(s*(s^2 mod n)/n); any mismatch fails the signature.
 */
public final class Rsa3072 {
    public static final int BYTES = 384;
    /** DigestInfo prefix for SHA-256 (RFC 8017, 9.2 note 1). */
    static final byte[] SHA256_DIGEST_INFO = {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01,
            0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    /** Length of the encoded message before the hash: 00 01 FF*330 00 DigestInfo. */
    public static final int PADDING_LEN = BYTES - 32;

    private Rsa3072() {
    }

    /** HARDCODED_PKCS1_5_PADDING: EM[0..352) of every valid SIGSTRUCT. */
    public static byte[] hardcodedPadding() {
        byte[] p = new byte[PADDING_LEN];
        p[0] = 0;
        p[1] = 1;
        java.util.Arrays.fill(p, 2, 2 + 330, (byte) 0xFF);
        p[332] = 0;
        System.arraycopy(SHA256_DIGEST_INFO, 0, p, 333, SHA256_DIGEST_INFO.length);
        return p;
    }

    /** The 384-byte big-endian EMSA-PKCS1-v1_5 encoding of SHA-256(message). */
    public static byte[] encode(byte[] message) {
        byte[] em = new byte[BYTES];
        System.arraycopy(hardcodedPadding(), 0, em, 0, PADDING_LEN);
        System.arraycopy(Crypto.sha256(message), 0, em, PADDING_LEN, 32);
        return em;
    }

    public static BigInteger le(byte[] b) {
        return new BigInteger(1, Bytes.reverse(b));
    }

    /** An unsigned integer as {@code len} little-endian bytes. */
    public static byte[] toLe(BigInteger v, int len) {
        byte[] be = v.toByteArray();
        byte[] out = new byte[len];
        for (int i = 0; i < len && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        if (be.length > len && !(be.length == len + 1 && be[0] == 0)) {
            throw new IllegalArgumentException("value does not fit in " + len + " bytes");
        }
        return out;
    }

    /** Q1 = floor(s^2 / n). */
    public static BigInteger q1(BigInteger s, BigInteger n) {
        return s.multiply(s).divide(n);
    }

    /** Q2 = floor((s^3 - Q1*s*n) / n). */
    public static BigInteger q2(BigInteger s, BigInteger n) {
        return s.multiply(s.multiply(s).mod(n)).divide(n);
    }

    /** True when the signature over {@code signed} verifies against {@code modulus} with e=3. */
    public static boolean signatureValid(byte[] modulusLe, byte[] signatureLe, byte[] signed) {
        BigInteger n = le(modulusLe);
        BigInteger s = le(signatureLe);
        if (n.signum() == 0 || s.compareTo(n) >= 0 || !n.testBit(0)) {
            return false;
        }
        BigInteger m = s.modPow(BigInteger.valueOf(3), n);
        return m.equals(new BigInteger(1, encode(signed)));
    }

    /** True when Q1 and Q2 are the values the CPU expects for this signature and modulus. */
    public static boolean q1q2Valid(byte[] modulusLe, byte[] signatureLe, byte[] q1Le, byte[] q2Le) {
        BigInteger n = le(modulusLe);
        if (n.signum() == 0) {
            return false;
        }
        BigInteger s = le(signatureLe);
        return le(q1Le).equals(q1(s, n)) && le(q2Le).equals(q2(s, n));
    }
}
