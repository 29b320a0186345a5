package org.jsgx.cpu;

import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The part of an AES-GCM tag that the 128-byte paging MAC header contributes as additional
 * authenticated data, computed apart from the cipher.
 *
 * <p>Why: the JDK's GCM buffers AAD in a synchronized stream and allocates per operation, which
 * cost EWB+ELDU more than the GHASH of the whole header (measured ~0.19 µs per page). GHASH is
 * linear, so for a fixed ciphertext length the tag with AAD is the tag without it plus a term
 * that depends only on the key and the AAD:
 * <pre>
 *   T(A, C) = T(-, C) xor  sum_i A_i * H^(m+n+2-i)  xor  (len(A) || 0) * H
 * </pre>
 * with H = AES_K(0^128), m = 8 header blocks and n = 256 page blocks (NIST SP 800-38D, GHASH).
 * EWB adds the term to the JDK's AAD-free tag and ELDU removes it before decrypting, so the
 * stored MAC is bit for bit the AES-128-GCM tag with the header as AAD (a test checks this
 * against the JDK with real AAD) and a changed header fails the tag check exactly as before.
 *
 * <p>Multiplication by each fixed power of H uses a 16 x 256 table (one entry per byte position
 * and value, 64 KiB); a table is built the first time a header block at that position is
 * non-zero (EWB's headers use blocks 0 and 4 only, counting from 0: SECINFO.FLAGS, then LINADDR
 * and EID). Tables are shared per key.
 */
final class GcmAadTerm {
    static final int AAD_BLOCKS = PagingCrypto.HEADER_SIZE / 16;
    private static final int TEXT_BLOCKS = EpcPage.SIZE / 16;
    /** x^0's reduction polynomial in GCM's reflected bit order (R = 11100001 || 0^120). */
    private static final long R = 0xE100_0000_0000_0000L;

    private static final Map<byte[], GcmAadTerm> BY_KEY = Collections.synchronizedMap(new WeakHashMap<>());

    /** One fixed multiplier: entry [16 * p + byte value] as (hi, lo) pairs. */
    private static final class Table {
        final long[] t = new long[16 * 256 * 2];

        Table(long hi, long lo) {
            long[] basis = new long[256];
            for (int i = 0; i < 128; i++) {
                basis[2 * i] = hi;
                basis[2 * i + 1] = lo;
                long carry = lo & 1;
                lo = (lo >>> 1) | (hi << 63);
                hi = (hi >>> 1) ^ (carry != 0 ? R : 0);
            }
            for (int p = 0; p < 16; p++) {
                int base = p * 256 * 2;
                for (int b = 1; b < 256; b++) {
                    int low = Integer.numberOfTrailingZeros(b);
                    int bit = 8 * p + (7 - low); // value bit 0x80 is the byte's first (x^0-most) bit
                    int rest = b & (b - 1);
                    t[base + 2 * b] = t[base + 2 * rest] ^ basis[2 * bit];
                    t[base + 2 * b + 1] = t[base + 2 * rest + 1] ^ basis[2 * bit + 1];
                }
            }
        }
    }

    private final long hHi;
    private final long hLo;
    private final long lenHi;
    private final long lenLo;
    private final Table[] tables = new Table[AAD_BLOCKS];

    private GcmAadTerm(byte[] key) {
        byte[] h;
        try {
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            h = aes.doFinal(new byte[16]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        hHi = Bytes.be64(h, 0);
        hLo = Bytes.be64(h, 8);
        long[] len = multiply(8L * PagingCrypto.HEADER_SIZE, 0, hHi, hLo);
        lenHi = len[0];
        lenLo = len[1];
    }

    /** The term for this AES-128 key (shared; keyed by the key array's identity). */
    static GcmAadTerm forKey(byte[] key) {
        return BY_KEY.computeIfAbsent(key, GcmAadTerm::new);
    }

    /** XORs the header's term into the 16-byte tag at {@code tag[off..off+16)}: adds or removes it. */
    void apply(byte[] header, byte[] tag, int off) {
        long hi = lenHi;
        long lo = lenLo;
        for (int i = 0; i < AAD_BLOCKS; i++) {
            long a = Bytes.be64(header, 16 * i);
            long b = Bytes.be64(header, 16 * i + 8);
            if ((a | b) == 0) {
                continue;
            }
            long[] t = table(i).t;
            // a zero byte contributes nothing (the product is linear): look up the others only
            for (int half = 0; half < 2; half++) {
                long w = half == 0 ? a : b;
                while (w != 0) {
                    int shift = Long.numberOfTrailingZeros(w) & ~7;
                    int e = ((8 * half + 7 - (shift >>> 3)) * 256 + (int) ((w >>> shift) & 0xFF)) * 2;
                    hi ^= t[e];
                    lo ^= t[e + 1];
                    w &= ~(0xFFL << shift);
                }
            }
        }
        Bytes.putBe64(tag, off, Bytes.be64(tag, off) ^ hi);
        Bytes.putBe64(tag, off + 8, Bytes.be64(tag, off + 8) ^ lo);
    }

    /** Multiplication by H^(m+n+2-i) for the header's block i (0-based here, so m+n+1-i). */
    private Table table(int i) {
        Table t = tables[i];
        if (t == null) {
            long hi = hHi;
            long lo = hLo;
            for (int k = 1; k < AAD_BLOCKS + TEXT_BLOCKS + 1 - i; k++) {
                long[] m = multiply(hi, lo, hHi, hLo);
                hi = m[0];
                lo = m[1];
            }
            t = new Table(hi, lo);
            tables[i] = t; // a racing thread may build the same table; the final field publishes it
        }
        return t;
    }

    /** GF(2^128) product in GCM's bit order (SP 800-38D, Algorithm 1). */
    static long[] multiply(long xHi, long xLo, long yHi, long yLo) {
        long zHi = 0;
        long zLo = 0;
        long vHi = yHi;
        long vLo = yLo;
        for (int i = 0; i < 128; i++) {
            long bit = i < 64 ? (xHi >>> (63 - i)) & 1 : (xLo >>> (127 - i)) & 1;
            if (bit != 0) {
                zHi ^= vHi;
                zLo ^= vLo;
            }
            long carry = vLo & 1;
            vLo = (vLo >>> 1) | (vHi << 63);
            vHi = (vHi >>> 1) ^ (carry != 0 ? R : 0);
        }
        return new long[] {zHi, zLo};
    }
}
