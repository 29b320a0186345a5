package org.jsgx.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jsgx.Fixtures;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.cpu.SigStruct;
import org.jsgx.kernel.EnclaveBuilder;
import org.junit.jupiter.api.Test;

/**
 * The Fortanix test enclave, built in the CPU model from its SGXS file and signed with a fresh
 * key, launches through EINIT; any single-bit flip of the signed ranges, modulus, signature, Q1
 * or Q2 is refused with the status the SDM gives.
 */
class EinitConformanceTest {
    private static final String MRENCLAVE = "784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc";
    private static final long BASE = 0x7f00_0000_0000L;

    @Test
    void signedFortanixTestEnclaveLaunchesAndEveryBitFlipIsRefused() throws Exception {
        Path sgxs = Fixtures.require("fortanix-test_enclave.sgxs");
        Platform pf = Platform.create();
        EnclaveBuilder b = new EnclaveBuilder(pf, pf.cpu(0));
        Attributes attrs = new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 0x3);
        SgxsLoader.load(sgxs, b, BASE, attrs, 0);

        RSAPrivateCrtKey key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        SigStruct good = SigStructSigner.sign(SigStructFields.builder()
                .enclaveHash(HexFormat.of().parseHex(MRENCLAVE)).attributes(attrs).date(0x20261122).build(), key);
        b.writeLeHash(good.mrSigner());

        byte[] bytes = good.toByteArray();
        int[][] ranges = {{0, 128}, {900, 1028}, {SigStruct.MODULUS, SigStruct.MODULUS + 384},
            {SigStruct.SIGNATURE, SigStruct.SIGNATURE + 384}, {SigStruct.Q1, SigStruct.Q1 + 384},
            {SigStruct.Q2, SigStruct.Q2 + 384}};
        List<String> wrong = new ArrayList<>();
        int flips = 0;
        for (int[] r : ranges) {
            for (int i = r[0]; i < r[1]; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] f = bytes.clone();
                    f[i] ^= (byte) (1 << bit);
                    SgxStatus st = b.einit(SigStruct.of(f), null);
                    flips++;
                    // headers, vendor and reserved fields are checked before the signature
                    if (st != SgxStatus.SGX_INVALID_SIGNATURE && st != SgxStatus.SGX_INVALID_SIG_STRUCT) {
                        wrong.add("byte " + i + " bit " + bit + " -> " + st);
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(flips).isEqualTo(8 * (256 + 4 * 384));
        assertThat(b.secsView().initialized()).isFalse();

        assertThat(b.einit(good, null)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(HexFormat.of().formatHex(b.secsView().mrEnclave())).isEqualTo(MRENCLAVE);
        assertThat(b.secsView().mrSigner()).isEqualTo(RsaKeys.mrSigner(key));
    }

    @Test
    void aSignatureOverAnotherHashIsInvalidMeasurement() throws Exception {
        Path sgxs = Fixtures.require("fortanix-report.sgxs");
        Platform pf = Platform.create();
        EnclaveBuilder b = new EnclaveBuilder(pf, pf.cpu(0));
        Attributes attrs = new Attributes(Attributes.MODE64BIT, 0x3);
        SgxsLoader.load(sgxs, b, BASE, attrs, 0);
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        SigStruct other = SigStructSigner.sign(SigStructFields.builder()
                .enclaveHash(HexFormat.of().parseHex(MRENCLAVE)).attributes(attrs).build(), key);
        b.writeLeHash(other.mrSigner());
        assertThat(b.einit(other, null)).isEqualTo(SgxStatus.SGX_INVALID_MEASUREMENT);
        SigStruct right = SigStructSigner.sign(SigStructFields.builder()
                .enclaveHash(HexFormat.of().parseHex(
                        "a06a560b26f5e397b2d7872fac66fe4b43bf4f507296ee048f110be6fb1a2290"))
                .attributes(attrs).build(), key);
        assertThat(b.einit(right, null)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    @Test
    void theFixtureSigstructNeedsALaunchTokenOrItsSignerInTheMsrs() throws Exception {
        Path sgxs = Fixtures.require("fortanix-test_enclave.sgxs");
        SigStruct fixture = SigStruct.of(java.nio.file.Files.readAllBytes(Fixtures.require("fortanix-test_enclave.sig")));
        Platform pf = Platform.create();
        EnclaveBuilder b = new EnclaveBuilder(pf, pf.cpu(0));
        SgxsLoader.load(sgxs, b, BASE, fixture.attributes(), fixture.miscSelect());
        // with Intel's LE hash in the MSRs, an enclave of another signer needs a token
        assertThat(b.einit(fixture, null)).isEqualTo(SgxStatus.SGX_INVALID_EINITTOKEN);
        b.writeLeHash(fixture.mrSigner());
        assertThat(b.einit(fixture, null)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(b.secsView().isvProdId()).isEqualTo(65535);
    }
}
