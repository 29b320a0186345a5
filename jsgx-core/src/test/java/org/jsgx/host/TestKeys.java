package org.jsgx.host;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;

/** Keys shared by the tests: RSA-3072 generation is the slow part, so each is made once. */
final class TestKeys {
    private static KeyPair sgx;
    private static KeyPair other;

    private TestKeys() {
    }

    static synchronized KeyPair sgx() {
        if (sgx == null) {
            sgx = RsaKeys.generate();
        }
        return sgx;
    }

    static synchronized KeyPair otherSgx() {
        if (other == null) {
            other = RsaKeys.generate();
        }
        return other;
    }

    static RSAPrivateCrtKey sgxPrivate() {
        return (RSAPrivateCrtKey) sgx().getPrivate();
    }

    static RSAPublicKey sgxPublic() {
        return (RSAPublicKey) sgx().getPublic();
    }

    /** A key EINIT would not accept. */
    static KeyPair rsa(int bits, long exponent) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(new RSAKeyGenParameterSpec(bits, BigInteger.valueOf(exponent)));
        return g.generateKeyPair();
    }
}
