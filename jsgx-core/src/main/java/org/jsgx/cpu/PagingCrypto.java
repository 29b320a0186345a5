package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The EWB/ELDB/ELDU cryptography: AES-128-GCM under CR_BASE_PK over one 4 KiB page, with the
 * 128-byte MAC header as additional authenticated data and the page's version as IV.
 *
 * <p>[MODEL] choices (the SDM names the inputs, not their encoding):
 * <ul>
 *   <li>MAC header layout: SECINFO (64) @0 ‖ LINADDR (8) @64 ‖ EID (8) @72 ‖ PCMD.RESERVED (40)
 *       @80, 128 bytes, little-endian.</li>
 *   <li>IV = TMP_VER &lt;&lt; 32 as a 12-byte little-endian integer: 4 zero bytes, then the
 *       8-byte version.</li>
 * </ul>
 * One {@link Cipher} per thread is reused (the JDK keeps the expanded AES key when the key is
 * unchanged), so a page costs one GCM pass and no allocation beyond the IV spec.
 */
final class PagingCrypto {
    static final int HEADER_SIZE = 128;
    static final int H_SECINFO = 0;
    static final int H_LINADDR = 64;
    static final int H_EID = 72;
    static final int H_RESERVED = 80;
    static final int TAG = 16;

    /** Per-thread cipher and scratch buffers (ciphertext ‖ tag, plaintext). */
    private static final class Scratch {
        Cipher cipher;
        final byte[] header = new byte[HEADER_SIZE];
        final byte[] iv = new byte[12];
        final byte[] sealed = new byte[EpcPage.SIZE + TAG];
        final byte[] plain = new byte[EpcPage.SIZE];
        final byte[] pcmd = new byte[Pcmd.SIZE];
        byte[] keyBytes;
        SecretKeySpec key;

        Scratch() {
            cipher = newCipher();
        }

        static Cipher newCipher() {
            try {
                return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        SecretKeySpec key(byte[] k) {
            if (keyBytes != k) {
                keyBytes = k;
                key = new SecretKeySpec(k, "AES");
            }
            return key;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PagingCrypto() {
    }

    /**
     * EWB's MAC header: SECINFO.FLAGS from the EPCM, LINADDR, EID, everything else zero.
     * Returns the thread's header buffer (valid until the next call on this thread).
     */
    static byte[] header(long secinfoFlags, long linaddr, long eid) {
        byte[] h = SCRATCH.get().header;
        java.util.Arrays.fill(h, (byte) 0);
        Measurement.put64(h, H_SECINFO, secinfoFlags);
        Measurement.put64(h, H_LINADDR, linaddr);
        Measurement.put64(h, H_EID, eid);
        return h;
    }

    /**
     * ELDB/ELDU's MAC header, rebuilt from the PCMD as supplied (its whole SECINFO and
     * RESERVED bytes), the LINADDR given now and the EID of the SECS given now.
     */
    static byte[] header(byte[] pcmd, long linaddr, long eid) {
        byte[] h = SCRATCH.get().header;
        System.arraycopy(pcmd, Pcmd.SECINFO, h, H_SECINFO, SecInfo.SIZE);
        Measurement.put64(h, H_LINADDR, linaddr);
        Measurement.put64(h, H_EID, eid);
        System.arraycopy(pcmd, Pcmd.RESERVED, h, H_RESERVED, Pcmd.RESERVED_LEN);
        return h;
    }

    /** The thread's 128-byte PCMD buffer (EWB builds, ELDB/ELDU read the PCMD into it). */
    static byte[] pcmdBuffer() {
        return SCRATCH.get().pcmd;
    }

    /**
     * Encrypts the 4096 bytes of {@code page}; returns the thread's buffer holding the
     * ciphertext (4096) followed by the 16-byte tag (valid until the next call on this thread).
     */
    static byte[] seal(byte[] key, long version, byte[] header, MemorySegment page) {
        Scratch s = SCRATCH.get();
        MemorySegment.copy(page, ValueLayout.JAVA_BYTE, 0, s.plain, 0, EpcPage.SIZE);
        try {
            GCMParameterSpec spec = new GCMParameterSpec(128, iv(s, version));
            try {
                s.cipher.init(Cipher.ENCRYPT_MODE, s.key(key), spec);
            } catch (InvalidAlgorithmParameterException reuse) {
                // The JDK refuses the key+IV of this Cipher's previous encryption. Versions are
                // unique per platform, but two platforms built from the same seed share key and
                // version sequence (tests do this), so start a fresh Cipher.
                s.cipher = Scratch.newCipher();
                s.cipher.init(Cipher.ENCRYPT_MODE, s.key(key), spec);
            }
            s.cipher.updateAAD(header);
            s.cipher.doFinal(s.plain, 0, EpcPage.SIZE, s.sealed, 0);
            return s.sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The thread's buffer ELDB/ELDU fill with ciphertext (4096) ‖ tag (16) before {@link #open}. */
    static byte[] sealedBuffer() {
        return SCRATCH.get().sealed;
    }

    /**
     * Decrypts the thread's {@link #sealedBuffer()}; returns the thread's plaintext buffer, or
     * null when the tag does not verify (wrong version, header or key, or modified bytes).
     */
    static byte[] open(byte[] key, long version, byte[] header) {
        Scratch s = SCRATCH.get();
        try {
            s.cipher.init(Cipher.DECRYPT_MODE, s.key(key), new GCMParameterSpec(128, iv(s, version)));
            s.cipher.updateAAD(header);
            s.cipher.doFinal(s.sealed, 0, s.sealed.length, s.plain, 0);
            return s.plain;
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] iv(Scratch s, long version) {
        byte[] iv = s.iv;
        iv[0] = iv[1] = iv[2] = iv[3] = 0;
        Measurement.put64(iv, 4, version);
        return iv;
    }
}
