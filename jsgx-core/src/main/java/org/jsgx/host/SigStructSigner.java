package org.jsgx.host;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HexFormat;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.Rsa3072;
import org.jsgx.cpu.SigStruct;

/**
 * Produces signed SIGSTRUCTs, in one step with a private key, or in two steps for keys held
 * elsewhere (an HSM, an offline machine), as Intel's {@code sgx_sign gendata} / {@code catsig}
 * do: {@link #signingData} gives the 256 bytes to sign with RSASSA-PKCS1-v1_5/SHA-256, and
 * {@link #assemble} inserts the returned signature. PKCS#1 v1.5 is deterministic, so both paths
 * give byte-identical SIGSTRUCTs for the same key.
 *
 * <p>Every SIGSTRUCT returned has passed the same signature and Q1/Q2 check EINIT performs
 * ({@link Rsa3072}); a signer that hands out unverifiable structures only moves the failure to
 * EINIT, where it is harder to diagnose.
 */
public final class SigStructSigner {
    private SigStructSigner() {
    }

    /** Signs {@code fields} with {@code key} (RSA-3072, e = 3). */
    public static SigStruct sign(SigStructFields fields, RSAPrivateCrtKey key) {
        RsaKeys.requireSgxKey(key);
        byte[] signature;
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingData(fields));
            signature = rsa.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withRSA signing failed: " + e.getMessage(), e);
        }
        return assemble(fields, signature, RsaKeys.publicKey(key));
    }

    /**
     * The exact 256 bytes covered by the signature: SIGSTRUCT[0,128) ‖ [900,1028). They do not
     * depend on the key (MODULUS is outside the signed ranges).
     */
    public static byte[] signingData(SigStructFields fields) {
        return unsigned(fields).signedData();
    }

    /**
     * Completes a SIGSTRUCT from a signature made elsewhere over {@link #signingData}.
     *
     * @param signatureBigEndian the 384-byte RSASSA-PKCS1-v1_5 signature as openssl and PKCS#11
     *                           return it (big-endian); stored byte-reversed
     * @throws IllegalArgumentException if the signature does not verify under {@code key}
     */
    public static SigStruct assemble(SigStructFields fields, byte[] signatureBigEndian, RSAPublicKey key) {
        RsaKeys.requireSgxKey(key);
        if (signatureBigEndian.length != Rsa3072.BYTES) {
            throw new IllegalArgumentException("signature is " + signatureBigEndian.length + " bytes, expected "
                    + Rsa3072.BYTES + " (RSA-3072)");
        }
        BigInteger n = key.getModulus();
        BigInteger s = new BigInteger(1, signatureBigEndian);
        SigStruct out = unsigned(fields);
        out.bytes(SigStruct.MODULUS, Rsa3072.toLe(n, Rsa3072.BYTES));
        if (s.compareTo(n) >= 0 || !Rsa3072.signatureValid(out.modulusLe(), Rsa3072.toLe(s, Rsa3072.BYTES),
                out.signedData())) {
            throw new IllegalArgumentException("signature does not verify over the SIGSTRUCT signing data with the"
                    + " public key whose MRSIGNER is " + HexFormat.of().formatHex(Crypto.sha256(out.modulusLe()))
                    + " (wrong key, wrong data, or not PKCS#1 v1.5 SHA-256)");
        }
        out.bytes(SigStruct.SIGNATURE, Rsa3072.toLe(s, Rsa3072.BYTES));
        out.bytes(SigStruct.Q1, Rsa3072.toLe(Rsa3072.q1(s, n), Rsa3072.BYTES));
        out.bytes(SigStruct.Q2, Rsa3072.toLe(Rsa3072.q2(s, n), Rsa3072.BYTES));
        if (!Rsa3072.q1q2Valid(out.modulusLe(), out.signatureLe(), out.q1Le(), out.q2Le())) {
            throw new IllegalStateException("Q1/Q2 computed for the signature do not verify");
        }
        return out;
    }

    /** HEADER, HEADER2, EXPONENT and the vendor fields; MODULUS, SIGNATURE, Q1 and Q2 zero. */
    static SigStruct unsigned(SigStructFields f) {
        SigStruct s = SigStruct.template();
        if (f.debugType()) {
            s.u32(SigStruct.TYPE, SigStruct.TYPE_DEBUG);
        }
        s.u32(SigStruct.VENDOR, f.vendor());
        s.u32(SigStruct.DATE, f.date());
        s.u32(SigStruct.SWDEFINED, f.swDefined());
        s.u32(SigStruct.MISCSELECT, f.miscSelect());
        s.u32(SigStruct.MISCMASK, f.miscMask());
        s.bytes(SigStruct.ISVFAMILYID, f.isvFamilyId());
        s.attributes(SigStruct.ATTRIBUTES, f.attributes());
        s.attributes(SigStruct.ATTRIBUTEMASK, f.attributeMask());
        s.bytes(SigStruct.ENCLAVEHASH, f.enclaveHash());
        s.bytes(SigStruct.ISVEXTPRODID, f.isvExtProdId());
        s.u16(SigStruct.ISVPRODID, f.isvProdId());
        s.u16(SigStruct.ISVSVN, f.isvSvn());
        return s;
    }
}
