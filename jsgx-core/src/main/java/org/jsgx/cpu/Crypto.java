package org.jsgx.cpu;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The primitives the CPU uses: SHA-256 and AES-GCM from the JDK (SHA-NI / AES-NI intrinsics),
 * AES-128-CMAC from BouncyCastle's lightweight API (the JDK has no CMAC).
 */
public final class Crypto {
    private Crypto() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] sha256(byte[]... parts) {
        MessageDigest md = sha256();
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    /** AES-128-CMAC (NIST SP 800-38B) of {@code data[off, off+len)}. */
    public static byte[] cmac(byte[] key, byte[] data, int off, int len) {
        CMac mac = new CMac(AESEngine.newInstance());
        mac.init(new KeyParameter(key));
        mac.update(data, off, len);
        byte[] out = new byte[16];
        mac.doFinal(out, 0);
        return out;
    }

    public static byte[] cmac(byte[] key, byte[] data) {
        return cmac(key, data, 0, data.length);
    }

    /** AES-GCM encryption with a 128-bit tag; returns ciphertext ‖ tag. */
    public static byte[] gcmEncrypt(byte[] key, byte[] iv, byte[] aad, byte[] plain) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(aad);
            return c.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** AES-GCM decryption of ciphertext ‖ tag; null when the tag does not verify. */
    public static byte[] gcmDecrypt(byte[] key, byte[] iv, byte[] aad, byte[] cipherAndTag) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(aad);
            return c.doFinal(cipherAndTag);
        } catch (javax.crypto.AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
