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
 * One instance per logical processor: its {@link Cipher} is reused (the JDK keeps the expanded
 * AES key when the key is unchanged), so a page costs one GCM pass and no allocation beyond the
 * IV spec. The header enters the tag through {@link GcmAadTerm} rather than the cipher's AAD
 * input (same tag, a fraction of the JDK's AAD cost).
 */
final class PagingCrypto {
    static final int HEADER_SIZE = 128;
    static final int H_SECINFO = 0;
    static final int H_LINADDR = 64;
    static final int H_EID = 72;
    static final int H_RESERVED = 80;
    static final int TAG = 16;

    private Cipher cipher = newCipher();
    private final byte[] header = new byte[HEADER_SIZE];
    /** Bytes 0..3 stay zero; {@link #iv} writes the version into 4..11. */
    private final byte[] iv = new byte[12];
    /** Ciphertext (4096) followed by the tag (16). */
    private final byte[] sealed = new byte[EpcPage.SIZE + TAG];
    private final byte[] plain = new byte[EpcPage.SIZE];
    /** EWB builds the PCMD here; ELDB/ELDU read the PCMD into it. */
    final byte[] pcmd = new byte[Pcmd.SIZE];
    private byte[] keyBytes;
    private SecretKeySpec key;
    private GcmAadTerm aadTerm;

    /** A processor's cipher and buffers ({@link LogicalProcessor#pagingCrypto}), valid until its next leaf. */
    PagingCrypto() {
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private SecretKeySpec key(byte[] k) {
        if (keyBytes != k) {
            keyBytes = k;
            key = new SecretKeySpec(k, "AES");
            aadTerm = GcmAadTerm.forKey(k);
        }
        return key;
    }

    /** EWB's MAC header: SECINFO.FLAGS from the EPCM, LINADDR, EID, everything else zero. */
    byte[] header(long secinfoFlags, long linaddr, long eid) {
        byte[] h = header;
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
    byte[] header(byte[] pcmd, long linaddr, long eid) {
        byte[] h = header;
        System.arraycopy(pcmd, Pcmd.SECINFO, h, H_SECINFO, SecInfo.SIZE);
        Measurement.put64(h, H_LINADDR, linaddr);
        Measurement.put64(h, H_EID, eid);
        System.arraycopy(pcmd, Pcmd.RESERVED, h, H_RESERVED, Pcmd.RESERVED_LEN);
        return h;
    }

    /** Encrypts the 4096 bytes of {@code page}; returns ciphertext (4096) ‖ tag (16). */
    byte[] seal(byte[] keyBytes, long version, byte[] header, MemorySegment page) {
        MemorySegment.copy(page, ValueLayout.JAVA_BYTE, 0, plain, 0, EpcPage.SIZE);
        try {
            GCMParameterSpec spec = new GCMParameterSpec(128, iv(version));
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key(keyBytes), spec);
            } catch (InvalidAlgorithmParameterException reuse) {
                // The JDK refuses the key+IV of this Cipher's previous encryption. Versions are
                // unique per platform, but two platforms built from the same seed share key and
                // version sequence (tests do this), so start a fresh Cipher.
                cipher = newCipher();
                cipher.init(Cipher.ENCRYPT_MODE, key(keyBytes), spec);
            }
            cipher.doFinal(plain, 0, EpcPage.SIZE, sealed, 0);
            aadTerm.apply(header, sealed, EpcPage.SIZE);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The buffer ELDB/ELDU fill with ciphertext (4096) ‖ tag (16) before {@link #open}. */
    byte[] sealedBuffer() {
        return sealed;
    }

    /**
     * Decrypts {@link #sealedBuffer()}; returns the plaintext buffer, or null when the tag does
     * not verify (wrong version, header or key, or modified bytes).
     */
    byte[] open(byte[] keyBytes, long version, byte[] header) {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key(keyBytes), new GCMParameterSpec(128, iv(version)));
            aadTerm.apply(header, sealed, EpcPage.SIZE);
            cipher.doFinal(sealed, 0, sealed.length, plain, 0);
            return plain;
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] iv(long version) {
        Measurement.put64(iv, 4, version);
        return iv;
    }
}
