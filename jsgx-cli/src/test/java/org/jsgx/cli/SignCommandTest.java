package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.jsgx.Fixtures;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.SgxsLoader;
import org.jsgx.kernel.EnclaveBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignCommandTest {
    private static final String MRENCLAVE = "784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc";

    @TempDir
    Path dir;

    @Test
    void signsAnSgxsFileThatInfoVerifiesAndEinitAccepts() throws Exception {
        Path sgxs = Fixtures.require("fortanix-test_enclave.sgxs");
        Path key = dir.resolve("key.pem");
        Path sig = dir.resolve("enclave.sig");
        assertThat(CliRun.of("keygen", "-o", key.toString()).code()).isZero();
        CliRun sign = CliRun.of("sign", "--key", key.toString(), "-o", sig.toString(), "--isvprodid", "0x10",
                "--isvsvn", "3", "--date", "20261122", "--debug", "--json", sgxs.toString());
        assertThat(sign.code()).as(sign.err()).isZero();
        assertThat(sign.out()).contains("\"mrenclave\":\"" + MRENCLAVE + "\"");

        CliRun info = CliRun.of("info", "--json", sig.toString());
        assertThat(info.code()).isZero();
        assertThat(info.out()).contains("\"enclaveHash\":\"" + MRENCLAVE + "\"")
                .contains("\"signatureValid\":true").contains("\"q1q2Valid\":true");

        SigStruct s = SigStruct.of(Files.readAllBytes(sig));
        assertThat(s.isvProdId()).isEqualTo(0x10);
        assertThat(s.isvSvn()).isEqualTo(3);
        assertThat(s.date()).isEqualTo(0x20261122);
        assertThat(s.attributes().has(Attributes.DEBUG)).isTrue();

        Platform pf = Platform.create();
        EnclaveBuilder b = new EnclaveBuilder(pf, pf.cpu(0));
        SgxsLoader.load(sgxs, b, 0x7000_0000_0000L, s.attributes(), s.miscSelect());
        b.writeLeHash(s.mrSigner());
        assertThat(b.einit(s, null)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(HexFormat.of().formatHex(b.secsView().mrEnclave())).isEqualTo(MRENCLAVE);
    }

    @Test
    void badInputsExitWithTwoAndOneLine() throws Exception {
        Path sgxs = Fixtures.require("fortanix-report.sgxs");
        Path sig = dir.resolve("x.sig");
        CliRun missingKey = CliRun.of("sign", "--key", dir.resolve("nope.pem").toString(), "-o", sig.toString(),
                sgxs.toString());
        assertThat(missingKey.code()).isEqualTo(2);
        assertThat(missingKey.err().strip()).contains("no such file").doesNotContain("\n").doesNotContain("Exception");

        Path key = dir.resolve("k.pem");
        CliRun.of("keygen", "-o", key.toString());
        Path truncated = dir.resolve("t.sgxs");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(sgxs), 100));
        CliRun bad = CliRun.of("sign", "--key", key.toString(), "-o", sig.toString(), truncated.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("offset 0x40");
        assertThat(Files.exists(sig)).isFalse();

        CliRun badNum = CliRun.of("sign", "--key", key.toString(), "-o", sig.toString(), "--isvsvn", "lots",
                sgxs.toString());
        assertThat(badNum.code()).isEqualTo(2);
        assertThat(badNum.err()).contains("--isvsvn lots");
        CliRun badVendor = CliRun.of("sign", "--key", key.toString(), "-o", sig.toString(), "--vendor", "0x1234",
                sgxs.toString());
        assertThat(badVendor.code()).isEqualTo(2);
        assertThat(badVendor.err()).contains("VENDOR");
    }
}
