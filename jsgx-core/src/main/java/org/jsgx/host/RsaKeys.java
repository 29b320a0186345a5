package org.jsgx.host;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.Rsa3072;

/**
 * RSA keys for signing SIGSTRUCTs. EINIT accepts only a 3072-bit modulus (the field is 384
 * bytes) and public exponent 3 (EXPONENT must equal 3), so every key that enters or leaves
 * this class is checked for both.
 *
 * <p>PEM reading accepts PKCS#1 ({@code RSA PRIVATE KEY}, {@code RSA PUBLIC KEY}), PKCS#8
 * ({@code PRIVATE KEY}) and SubjectPublicKeyInfo ({@code PUBLIC KEY}), the forms openssl and
 * the Intel SDK's sgx_sign produce. Writing uses PKCS#8 and SubjectPublicKeyInfo.
 * Failures are {@link IllegalArgumentException}s with a one-line message.
 */
public final class RsaKeys {
    public static final int MODULUS_BITS = 3072;
    public static final BigInteger PUBLIC_EXPONENT = BigInteger.valueOf(3);

    private RsaKeys() {
    }

    /** A fresh RSA-3072 key pair with e = 3. */
    public static KeyPair generate() {
        return generate(new SecureRandom());
    }

    public static KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(new RSAKeyGenParameterSpec(MODULUS_BITS, PUBLIC_EXPONENT), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-3072 e=3 key generation unavailable: " + e.getMessage(), e);
        }
    }

    /** Throws unless {@code key} has a 3072-bit modulus (and, for public keys, exponent 3). */
    public static void requireSgxKey(RSAKey key) {
        int bits = key.getModulus().bitLength();
        if (bits != MODULUS_BITS) {
            throw new IllegalArgumentException("RSA key has a " + bits + "-bit modulus; SGX requires "
                    + MODULUS_BITS + " bits");
        }
        BigInteger e = switch (key) {
            case RSAPublicKey p -> p.getPublicExponent();
            case RSAPrivateCrtKey p -> p.getPublicExponent();
            default -> null;
        };
        if (e != null && !e.equals(PUBLIC_EXPONENT)) {
            throw new IllegalArgumentException("RSA key has public exponent " + e + "; SGX requires exponent 3");
        }
    }

    /** The MRSIGNER an enclave signed with this key gets: SHA-256 of the little-endian modulus. */
    public static byte[] mrSigner(RSAKey key) {
        return Crypto.sha256(Rsa3072.toLe(key.getModulus(), Rsa3072.BYTES));
    }

    /** The public half of a CRT private key. */
    public static RSAPublicKey publicKey(RSAPrivateCrtKey key) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static RSAPrivateCrtKey readPrivate(Path file) throws IOException {
        return readPrivate(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /** Reads a PKCS#1 or PKCS#8 PEM private key. */
    public static RSAPrivateCrtKey readPrivate(String pem) {
        Object o = parse(pem);
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        PrivateKey k;
        try {
            k = switch (o) {
                case PEMKeyPair kp -> conv.getPrivateKey(kp.getPrivateKeyInfo());
                case PrivateKeyInfo pki -> conv.getPrivateKey(pki);
                case PEMEncryptedKeyPair ignored -> throw encrypted();
                case PKCS8EncryptedPrivateKeyInfo ignored -> throw encrypted();
                default -> throw new IllegalArgumentException("PEM object is " + describe(o) + ", not a private key");
            };
        } catch (IOException | RuntimeException e) {
            throw malformed("private key", e);
        }
        if (!(k instanceof RSAPrivateCrtKey rsa)) {
            throw new IllegalArgumentException("private key is " + k.getAlgorithm() + ", not RSA (with CRT parameters)");
        }
        requireSgxKey(rsa);
        return rsa;
    }

    public static RSAPublicKey readPublic(Path file) throws IOException {
        return readPublic(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /**
     * Reads a PEM public key ({@code PUBLIC KEY} or {@code RSA PUBLIC KEY}); a PKCS#1 private key
     * file is accepted too and its public half returned, as openssl does.
     */
    public static RSAPublicKey readPublic(String pem) {
        Object o = parse(pem);
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        PublicKey k;
        try {
            k = switch (o) {
                case SubjectPublicKeyInfo spki -> conv.getPublicKey(spki);
                case PEMKeyPair kp -> conv.getPublicKey(kp.getPublicKeyInfo());
                case PrivateKeyInfo pki -> publicKey(asRsaCrt(conv.getPrivateKey(pki)));
                default -> throw new IllegalArgumentException("PEM object is " + describe(o) + ", not a public key");
            };
        } catch (IOException | RuntimeException e) {
            throw malformed("public key", e);
        }
        if (!(k instanceof RSAPublicKey rsa)) {
            throw new IllegalArgumentException("public key is " + k.getAlgorithm() + ", not RSA");
        }
        requireSgxKey(rsa);
        return rsa;
    }

    /** PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
    public static String privatePem(RSAPrivateCrtKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** SubjectPublicKeyInfo PEM ({@code -----BEGIN PUBLIC KEY-----}). */
    public static String publicPem(RSAPublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        StringWriter sw = new StringWriter();
        try (PemWriter w = new PemWriter(sw)) {
            w.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    private static Object parse(String pem) {
        Object o;
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            o = p.readObject();
        } catch (IOException | RuntimeException e) {
            throw malformed("PEM", e);
        }
        if (o == null) {
            throw new IllegalArgumentException("malformed PEM: no -----BEGIN ...----- block found");
        }
        return o;
    }

    private static RSAPrivateCrtKey asRsaCrt(PrivateKey k) {
        if (k instanceof RSAPrivateCrtKey rsa) {
            return rsa;
        }
        throw new IllegalArgumentException("private key is " + k.getAlgorithm() + ", not RSA (with CRT parameters)");
    }

    private static IllegalArgumentException encrypted() {
        return new IllegalArgumentException("encrypted PEM keys are not supported; decrypt with openssl first");
    }

    private static IllegalArgumentException malformed(String what, Exception e) {
        if (e instanceof IllegalArgumentException iae && iae.getCause() == null) {
            return iae; // already one of ours
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new IllegalArgumentException("malformed " + what + ": " + msg.lines().findFirst().orElse("").strip(), e);
    }

    private static String describe(Object o) {
        return o.getClass().getSimpleName();
    }
}
