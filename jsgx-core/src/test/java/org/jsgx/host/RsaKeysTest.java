package org.jsgx.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.jsgx.cpu.Crypto;
import org.junit.jupiter.api.Test;

class RsaKeysTest {

    @Test
    void generatedKeyIsRsa3072WithExponent3() {
        RSAPrivateCrtKey k = TestKeys.sgxPrivate();
        assertThat(k.getModulus().bitLength()).isEqualTo(3072);
        assertThat(k.getPublicExponent()).isEqualTo(3);
        assertThat(TestKeys.sgxPublic().getPublicExponent()).isEqualTo(3);
    }

    @Test
    void pkcs8PrivatePemRoundTrips() {
        RSAPrivateCrtKey k = TestKeys.sgxPrivate();
        String pem = RsaKeys.privatePem(k);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        RSAPrivateCrtKey back = RsaKeys.readPrivate(pem);
        assertThat(back.getModulus()).isEqualTo(k.getModulus());
        assertThat(back.getPrivateExponent()).isEqualTo(k.getPrivateExponent());
        assertThat(back.getPrimeP()).isEqualTo(k.getPrimeP());
    }

    @Test
    void pkcs1PrivatePemIsRead() throws Exception {
        RSAPrivateCrtKey k = TestKeys.sgxPrivate();
        byte[] pkcs1 = PrivateKeyInfo.getInstance(k.getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
        RSAPrivateCrtKey back = RsaKeys.readPrivate(pem("RSA PRIVATE KEY", pkcs1));
        assertThat(back.getModulus()).isEqualTo(k.getModulus());
        assertThat(back.getPrivateExponent()).isEqualTo(k.getPrivateExponent());
    }

    @Test
    void subjectPublicKeyInfoPemRoundTrips() {
        RSAPublicKey k = TestKeys.sgxPublic();
        String pem = RsaKeys.publicPem(k);
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(RsaKeys.readPublic(pem).getModulus()).isEqualTo(k.getModulus());
    }

    @Test
    void pkcs1PublicPemIsRead() throws Exception {
        RSAPublicKey k = TestKeys.sgxPublic();
        byte[] pkcs1 = SubjectPublicKeyInfo.getInstance(k.getEncoded()).parsePublicKey().getEncoded();
        RSAPublicKey back = RsaKeys.readPublic(pem("RSA PUBLIC KEY", pkcs1));
        assertThat(back.getModulus()).isEqualTo(k.getModulus());
        assertThat(back.getPublicExponent()).isEqualTo(3);
    }

    @Test
    void publicKeyCanBeReadFromAPrivateKeyFile() {
        RSAPublicKey pub = RsaKeys.readPublic(RsaKeys.privatePem(TestKeys.sgxPrivate()));
        assertThat(pub.getModulus()).isEqualTo(TestKeys.sgxPublic().getModulus());
    }

    @Test
    void mrSignerIsSha256OfTheLittleEndianModulus() {
        RSAPublicKey k = TestKeys.sgxPublic();
        byte[] be = k.getModulus().toByteArray(); // 385 bytes: a sign byte, then 384
        byte[] le = org.jsgx.cpu.Bytes.reverse(java.util.Arrays.copyOfRange(be, be.length - 384, be.length));
        assertThat(RsaKeys.mrSigner(k)).isEqualTo(Crypto.sha256(le));
        assertThat(RsaKeys.mrSigner(k)).isEqualTo(RsaKeys.mrSigner(TestKeys.sgxPrivate()));
    }

    @Test
    void rejects2048BitKey() throws Exception {
        KeyPair kp = TestKeys.rsa(2048, 3);
        assertThatThrownBy(() -> RsaKeys.readPrivate(RsaKeys.privatePem((RSAPrivateCrtKey) kp.getPrivate())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048-bit")
                .hasMessageContaining("3072");
        assertThatThrownBy(() -> RsaKeys.readPublic(RsaKeys.publicPem((RSAPublicKey) kp.getPublic())))
                .hasMessageContaining("2048-bit");
    }

    @Test
    void rejectsExponent65537() throws Exception {
        KeyPair kp = TestKeys.rsa(3072, 65537);
        assertThatThrownBy(() -> RsaKeys.readPrivate(RsaKeys.privatePem((RSAPrivateCrtKey) kp.getPrivate())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exponent 65537")
                .hasMessageContaining("exponent 3");
        assertThatThrownBy(() -> RsaKeys.readPublic(RsaKeys.publicPem((RSAPublicKey) kp.getPublic())))
                .hasMessageContaining("exponent 65537");
        assertThatThrownBy(() -> SigStructSigner.sign(fields(), (RSAPrivateCrtKey) kp.getPrivate()))
                .hasMessageContaining("exponent 65537");
    }

    @Test
    void malformedPemGivesOneLineMessages() {
        String good = RsaKeys.privatePem(TestKeys.sgxPrivate());
        String truncatedBase64 = good.substring(0, good.length() / 2) + "\n-----END PRIVATE KEY-----\n";
        String corruptBody = good.replace(good.substring(40, 80), "A".repeat(40));
        String[] bad = {"", "hello, not a key", truncatedBase64, corruptBody,
                "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"};
        for (String pem : bad) {
            assertThatThrownBy(() -> RsaKeys.readPrivate(pem)).as(pem)
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").isNotBlank());
        }
        assertThatThrownBy(() -> RsaKeys.readPrivate(RsaKeys.publicPem(TestKeys.sgxPublic())))
                .hasMessageContaining("not a private key");
    }

    private static SigStructFields fields() {
        return SigStructFields.builder().enclaveHash(new byte[32]).build();
    }

    static String pem(String type, byte[] der) throws Exception {
        java.io.StringWriter sw = new java.io.StringWriter();
        try (PemWriter w = new PemWriter(sw)) {
            w.writeObject(new PemObject(type, der));
        }
        return sw.toString();
    }
}
