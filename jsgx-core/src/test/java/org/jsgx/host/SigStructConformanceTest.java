package org.jsgx.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HexFormat;
import org.jsgx.Fixtures;
import org.jsgx.cpu.SigStruct;
import org.junit.jupiter.api.Test;

/**
 * SIGSTRUCTs made by other tools (Fortanix sgxs-sign, Intel's production LE) decode to the
 * values published in ../shared/fixtures/README.md, verify, and stop verifying when any sampled
 * bit of a checked range is flipped.
 */
class SigStructConformanceTest {
    private static final HexFormat HEX = HexFormat.of();
    /** Sample every 7th bit: co-prime with 8, so every bit position within a byte is covered. */
    private static final int BIT_STRIDE = 7;

    private static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(Fixtures.require(name));
    }

    @Test
    void fortanixTestEnclaveDecodesToPublishedValues() throws IOException {
        SigStructReport r = SigStructReport.parse(fixture("fortanix-test_enclave.sig"));

        assertThat(HEX.formatHex(r.mrSigner()))
                .isEqualTo("fb4bab3d6036ac1d730fa83d7366df1dd2dfeac194ef335d6854d8a6c6475542");
        assertThat(HEX.formatHex(r.enclaveHash()))
                .isEqualTo("784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc");
        assertThat(r.fields()).containsEntry("vendor", 0L).containsEntry("date", "20161214")
                .containsEntry("isvProdId", 65535L)
                .containsEntry("mrsigner", "fb4bab3d6036ac1d730fa83d7366df1dd2dfeac194ef335d6854d8a6c6475542")
                .containsEntry("enclaveHash", "784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc");
        assertThat(r.sigStruct().date()).isEqualTo(0x20161214);
        assertVerifies(r);
    }

    @Test
    void intelLaunchEnclaveDecodesToPublishedValues() throws IOException {
        SigStructReport r = SigStructReport.parse(fixture("intel-le_prod_css.bin"));

        assertThat(HEX.formatHex(r.mrSigner()))
                .isEqualTo("acb77012053e05a63d413b8bbae8fb6c5d73b3f2996d91c43bbbf90959c0f8d4");
        assertThat(r.fields()).containsEntry("isvProdId", 32L).containsEntry("isvSvn", 7L)
                .containsEntry("date", "20240811");
        assertThat(r.sigStruct().date()).isEqualTo(0x20240811);
        assertVerifies(r);
    }

    @Test
    void intelLaunchEnclaveMrSignerIsTheDefaultLePubKeyHash() throws IOException {
        byte[] mrSigner = SigStructReport.parse(fixture("intel-le_prod_css.bin")).mrSigner();
        long[] msrs = {0xa6053e051270b7acL, 0x6cfbe8ba8b3b413dL, 0xc4916d99f2b3735dL, 0xd4f8c05909f9bb3bL};
        for (int i = 0; i < 4; i++) {
            assertThat(org.jsgx.cpu.Bytes.le64(mrSigner, 8 * i)).as("IA32_SGXLEPUBKEYHASH%d", i).isEqualTo(msrs[i]);
        }
    }

    /** The fields record reproduces the fixtures' signed bytes exactly: the layout is the tools'. */
    @Test
    void fieldsOfFixturesReproduceTheirSigningData() throws IOException {
        for (String name : new String[] {"fortanix-test_enclave.sig", "intel-le_prod_css.bin"}) {
            SigStruct s = SigStruct.of(fixture(name));
            assertThat(SigStructSigner.signingData(SigStructFields.of(s))).as(name).isEqualTo(s.signedData());
        }
    }

    @Test
    void flippingAnySampledSignedModulusOrSignatureBitBreaksTheSignature() throws IOException {
        for (String name : new String[] {"fortanix-test_enclave.sig", "intel-le_prod_css.bin"}) {
            byte[] orig = fixture(name);
            int[][] ranges = {{0, 128}, {SigStruct.MISCSELECT, 1028}, {SigStruct.MODULUS, SigStruct.EXPONENT},
                    {SigStruct.SIGNATURE, SigStruct.MISCSELECT}};
            int checked = 0;
            for (int[] range : ranges) {
                for (int bit = range[0] * 8; bit < range[1] * 8; bit += BIT_STRIDE) {
                    SigStructReport r = SigStructReport.of(SigStruct.of(flip(orig, bit)));
                    assertThat(r.signatureValid()).as("%s bit %d (byte %d)", name, bit, bit / 8).isFalse();
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(1000);
        }
    }

    @Test
    void flippingAnySampledQ1OrQ2BitBreaksQ1Q2Only() throws IOException {
        for (String name : new String[] {"fortanix-test_enclave.sig", "intel-le_prod_css.bin"}) {
            byte[] orig = fixture(name);
            for (int bit = SigStruct.Q1 * 8; bit < SigStruct.SIZE * 8; bit += BIT_STRIDE) {
                SigStructReport r = SigStructReport.of(SigStruct.of(flip(orig, bit)));
                assertThat(r.q1q2Valid()).as("%s bit %d (byte %d)", name, bit, bit / 8).isFalse();
                assertThat(r.signatureValid()).as("Q1/Q2 are not signed; bit %d", bit).isTrue();
            }
        }
    }

    @Test
    void flippingHeaderOrExponentBitsBreaksTheHeaderCheck() throws IOException {
        byte[] orig = fixture("fortanix-test_enclave.sig");
        int[][] ranges = {{SigStruct.HEADER, 16}, {SigStruct.HEADER2, SigStruct.HEADER2 + 16},
                {SigStruct.EXPONENT, SigStruct.EXPONENT + 4}};
        for (int[] range : ranges) {
            for (int bit = range[0] * 8; bit < range[1] * 8; bit++) {
                assertThat(SigStructReport.headerValid(SigStruct.of(flip(orig, bit)))).as("bit %d", bit).isFalse();
            }
        }
    }

    private static void assertVerifies(SigStructReport r) {
        assertThat(r.headerValid()).as("headerValid").isTrue();
        assertThat(r.signatureValid()).as("signatureValid").isTrue();
        assertThat(r.q1q2Valid()).as("q1q2Valid").isTrue();
        assertThat(r.fields()).containsEntry("headerValid", true).containsEntry("signatureValid", true)
                .containsEntry("q1q2Valid", true).containsEntry("reservedZero", true).containsEntry("exponent", 3L);
    }

    static byte[] flip(byte[] b, int bit) {
        byte[] c = b.clone();
        c[bit / 8] ^= (byte) (1 << (bit % 8));
        return c;
    }
}
