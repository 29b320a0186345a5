package org.jsgx.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.jsgx.Fixtures;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.SigStruct;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigStructSignerTest {

    private static SigStructFields fields() {
        byte[] hash = Crypto.sha256("an enclave".getBytes());
        return SigStructFields.builder().enclaveHash(hash).vendor(SigStruct.VENDOR_INTEL).date(0x20250102)
                .swDefined(0x1234).miscSelect(1).miscMask(0xfffffffe)
                .attributes(new Attributes(Attributes.MODE64BIT | Attributes.KSS, 0x7))
                .attributeMask(new Attributes(~Attributes.DEBUG, ~0L)).isvProdId(0xabcd).isvSvn(0x4321)
                .isvFamilyId(bytes(16, 0x10)).isvExtProdId(bytes(16, 0x20)).build();
    }

    @Test
    void signedSigStructVerifiesAndKeepsEveryField() {
        SigStructFields f = fields();
        SigStruct s = SigStructSigner.sign(f, TestKeys.sgxPrivate());
        SigStructReport r = SigStructReport.of(s);

        assertThat(r.headerValid()).isTrue();
        assertThat(r.signatureValid()).isTrue();
        assertThat(r.q1q2Valid()).isTrue();
        assertThat(s.exponent()).isEqualTo(3);
        assertThat(r.mrSigner()).isEqualTo(RsaKeys.mrSigner(TestKeys.sgxPublic()));
        assertThat(SigStructFields.of(s)).isEqualTo(f);
        assertThat(s.signedData()).isEqualTo(SigStructSigner.signingData(f));
        assertThat(r.fields()).containsEntry("vendor", 0x8086L).containsEntry("date", "20250102")
                .containsEntry("swDefined", 0x1234L).containsEntry("miscMask", 0xfffffffeL)
                .containsEntry("isvProdId", 0xabcdL).containsEntry("isvSvn", 0x4321L)
                .containsEntry("isvFamilyId", "10".repeat(16)).containsEntry("isvExtProdId", "20".repeat(16));
        assertThat(r.fields().get("attributes").toString()).contains("MODE64BIT", "KSS").doesNotContain("DEBUG");
    }

    @Test
    void signingDataIsTheTwoSignedRanges() {
        byte[] data = SigStructSigner.signingData(fields());
        assertThat(data).hasSize(256);
        assertThat(java.util.Arrays.copyOfRange(data, 0, 16)).isEqualTo(SigStruct.HEADER_CONST);
        // ENCLAVEHASH is at 960, i.e. 128 + (960 - 900) in the signing data
        assertThat(java.util.Arrays.copyOfRange(data, 188, 220)).isEqualTo(fields().enclaveHash());
    }

    @Test
    void twoStepWithJdkSignatureIsByteIdenticalToOneStep() throws Exception {
        SigStructFields f = fields();
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(TestKeys.sgxPrivate());
        rsa.update(SigStructSigner.signingData(f));
        SigStruct twoStep = SigStructSigner.assemble(f, rsa.sign(), TestKeys.sgxPublic());

        assertThat(twoStep.toByteArray()).isEqualTo(SigStructSigner.sign(f, TestKeys.sgxPrivate()).toByteArray());
    }

    /** The HSM path: openssl signs the SHA-256 digest of the signing data with PKCS#1 v1.5. */
    @Test
    void twoStepWithOpensslSignatureIsByteIdenticalToOneStep(@TempDir Path dir) throws Exception {
        Path openssl = onPath("openssl");
        Assumptions.assumeTrue(openssl != null, "SKIPPED: openssl not on PATH");
        SigStructFields f = fields();
        Path key = Files.writeString(dir.resolve("key.pem"), RsaKeys.privatePem(TestKeys.sgxPrivate()));
        Path digest = Files.write(dir.resolve("digest.bin"), Crypto.sha256(SigStructSigner.signingData(f)));
        Path sig = dir.resolve("sig.bin");
        Process p = new ProcessBuilder(openssl.toString(), "pkeyutl", "-sign", "-inkey", key.toString(),
                "-pkeyopt", "digest:sha256", "-in", digest.toString(), "-out", sig.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        SigStruct twoStep = SigStructSigner.assemble(f, Files.readAllBytes(sig), TestKeys.sgxPublic());
        assertThat(twoStep.toByteArray()).isEqualTo(SigStructSigner.sign(f, TestKeys.sgxPrivate()).toByteArray());
    }

    @Test
    void assembleRejectsABadSignatureOrTheWrongKey() throws Exception {
        SigStructFields f = fields();
        byte[] good = SigStructSigner.sign(f, TestKeys.sgxPrivate()).signatureLe();
        byte[] goodBe = org.jsgx.cpu.Bytes.reverse(good);

        byte[] tampered = goodBe.clone();
        tampered[100] ^= 1;
        assertThatThrownBy(() -> SigStructSigner.assemble(f, tampered, TestKeys.sgxPublic()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not verify");
        RSAPublicKey other = (RSAPublicKey) TestKeys.otherSgx().getPublic();
        assertThatThrownBy(() -> SigStructSigner.assemble(f, goodBe, other))
                .hasMessageContaining("does not verify")
                .hasMessageContaining(HexFormat.of().formatHex(RsaKeys.mrSigner(other)));
        SigStructFields changed = SigStructFields.builder().enclaveHash(new byte[32]).build();
        assertThatThrownBy(() -> SigStructSigner.assemble(changed, goodBe, TestKeys.sgxPublic()))
                .hasMessageContaining("does not verify");
        assertThatThrownBy(() -> SigStructSigner.assemble(f, new byte[256], TestKeys.sgxPublic()))
                .hasMessageContaining("256 bytes, expected 384");
        // the little-endian form as stored in SIGSTRUCT is not what assemble takes
        assertThatThrownBy(() -> SigStructSigner.assemble(f, good, TestKeys.sgxPublic()))
                .hasMessageContaining("does not verify");
    }

    @Test
    void debugTypeSetsTypeBit31WhichFailsTheEinitHeaderCheck() {
        SigStructFields f = SigStructFields.builder().enclaveHash(new byte[32]).debugType(true).build();
        SigStruct s = SigStructSigner.sign(f, TestKeys.sgxPrivate());
        assertThat(s.type()).isEqualTo(SigStruct.TYPE_DEBUG);
        assertThat(SigStructReport.headerValid(s)).isFalse();
        assertThat(SigStructReport.of(s).signatureValid()).isTrue();
        assertThat(SigStructFields.builder().enclaveHash(new byte[32]).build().debugType()).isFalse();
    }

    @Test
    void reSigningAFixtureKeepsItsFieldsAndChangesOnlyTheSigner() throws Exception {
        SigStruct fixture = SigStruct.of(Files.readAllBytes(Fixtures.require("fortanix-test_enclave.sig")));
        SigStruct s = SigStructSigner.sign(SigStructFields.of(fixture), TestKeys.sgxPrivate());
        assertThat(s.signedData()).isEqualTo(fixture.signedData());
        assertThat(s.mrSigner()).isNotEqualTo(fixture.mrSigner());
        assertThat(SigStructReport.of(s).verified()).isTrue();
    }

    @Test
    void defaultsAreTodayAndA64BitEnclaveMask() {
        SigStructFields f = SigStructFields.builder().enclaveHash(new byte[32]).build();
        LocalDate today = LocalDate.now();
        assertThat(String.format("%08x", f.date()))
                .isIn(String.format("%04d%02d%02d", today.getYear(), today.getMonthValue(), today.getDayOfMonth()),
                        String.format("%04d%02d%02d", today.minusDays(1).getYear(),
                                today.minusDays(1).getMonthValue(), today.minusDays(1).getDayOfMonth()));
        assertThat(f.vendor()).isZero();
        assertThat(f.attributes().has(Attributes.MODE64BIT)).isTrue();
        assertThat(f.attributeMask().has(Attributes.DEBUG)).as("debug and production both allowed").isFalse();
        assertThat(f.miscMask()).isEqualTo(-1);
    }

    @Test
    void fieldsRejectWhatEinitWouldReject() {
        SigStructFields.Builder b = SigStructFields.builder().enclaveHash(new byte[32]);
        assertThatThrownBy(() -> b.vendor(0x1234).build()).hasMessageContaining("VENDOR 0x1234");
        b.vendor(0);
        assertThatThrownBy(() -> b.date(0x2024_13_1a).build()).hasMessageContaining("BCD");
        b.date(0x20240101);
        assertThatThrownBy(() -> b.isvProdId(0x10000).build()).hasMessageContaining("ISVPRODID");
        b.isvProdId(0);
        assertThatThrownBy(() -> b.enclaveHash(new byte[31]).build()).hasMessageContaining("32 bytes, got 31");
        assertThatThrownBy(() -> SigStructFields.builder().build()).hasMessageContaining("ENCLAVEHASH");
    }

    @Test
    void parseNamesTheWrongSize() {
        assertThatThrownBy(() -> SigStructReport.parse(new byte[1807]))
                .hasMessage("not a SIGSTRUCT (1807 bytes, expected 1808)");
    }

    private static byte[] bytes(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    static Path onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, exe);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
