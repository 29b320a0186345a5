package org.jsgx.cpu.testkit;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.Rsa3072;
import org.jsgx.cpu.SigStruct;

/**
 * An RSA-3072 key with e = 3 that signs SIGSTRUCTs the way an enclave signer does (JDK
 * SHA256withRSA, then modulus, signature, Q1 and Q2 stored little-endian). Generated once per
 * test JVM: 3072-bit key generation is slow.
 */
public final class SigningKey {
    private static volatile SigningKey shared;

    private final KeyPair pair;
    private final BigInteger n;

    private SigningKey(KeyPair pair) {
        this.pair = pair;
        this.n = ((RSAPublicKey) pair.getPublic()).getModulus();
    }

    public static SigningKey shared() {
        SigningKey k = shared;
        if (k == null) {
            synchronized (SigningKey.class) {
                k = shared;
                if (k == null) {
                    try {
                        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                        g.initialize(new RSAKeyGenParameterSpec(3072, BigInteger.valueOf(3)));
                        k = new SigningKey(g.generateKeyPair());
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                    shared = k;
                }
            }
        }
        return k;
    }

    public byte[] modulusLe() {
        return Rsa3072.toLe(n, Rsa3072.BYTES);
    }

    /** MRSIGNER: SHA-256 of the little-endian modulus. */
    public byte[] mrSigner() {
        return Crypto.sha256(modulusLe());
    }

    /** Fills MODULUS, EXPONENT, SIGNATURE, Q1 and Q2 of {@code s} over its signed data. */
    public void sign(SigStruct s) {
        try {
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(pair.getPrivate());
            sig.update(s.signedData());
            BigInteger sv = new BigInteger(1, sig.sign());
            s.bytes(SigStruct.MODULUS, modulusLe());
            s.u32(SigStruct.EXPONENT, 3);
            s.bytes(SigStruct.SIGNATURE, Rsa3072.toLe(sv, Rsa3072.BYTES));
            s.bytes(SigStruct.Q1, Rsa3072.toLe(Rsa3072.q1(sv, n), Rsa3072.BYTES));
            s.bytes(SigStruct.Q2, Rsa3072.toLe(Rsa3072.q2(sv, n), Rsa3072.BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
