package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jsgx.Fixtures;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.SigStructReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {
    private static final String TEST_ENCLAVE_MRSIGNER =
            "fb4bab3d6036ac1d730fa83d7366df1dd2dfeac194ef335d6854d8a6c6475542";
    private static final String TEST_ENCLAVE_HASH =
            "784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc";

    @Test
    void jsonHasEveryFieldAndThePublishedValues() throws Exception {
        Path sig = Fixtures.require("fortanix-test_enclave.sig");
        CliRun r = CliRun.of("info", sig.toString(), "--json");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        String json = r.out().strip();
        assertThat(json).startsWith("{").endsWith("}").doesNotContain("\n");
        for (String key : SigStructReport.parse(Files.readAllBytes(sig)).fields().keySet()) {
            assertThat(json).contains("\"" + key + "\":");
        }
        assertThat(json).contains("\"kind\":\"SIGSTRUCT\"", "\"mrsigner\":\"" + TEST_ENCLAVE_MRSIGNER + "\"",
                "\"enclaveHash\":\"" + TEST_ENCLAVE_HASH + "\"", "\"signatureValid\":true", "\"q1q2Valid\":true",
                "\"isvProdId\":65535", "\"vendor\":0", "\"date\":\"20161214\"", "\"exponent\":3",
                "\"flagNames\":[\"MODE64BIT\"]");
    }

    @Test
    void humanOutputIsAlignedFieldValueLines() throws Exception {
        CliRun r = CliRun.of("info", Fixtures.require("intel-le_prod_css.bin").toString());

        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        int valueColumn = lines[0].indexOf(' ', lines[0].indexOf(':')) + 1;
        while (lines[0].charAt(valueColumn) == ' ') {
            valueColumn++;
        }
        for (String line : lines) {
            assertThat(line).matches("[a-zA-Z0-9.]+: +\\S.*");
            assertThat(line.charAt(valueColumn - 1)).as(line).isEqualTo(' ');
            assertThat(line.charAt(valueColumn)).as(line).isNotEqualTo(' ');
        }
        assertThat(r.out()).contains("mrsigner:", "acb77012053e05a63d413b8bbae8fb6c5d73b3f2996d91c43bbbf90959c0f8d4")
                .containsPattern("isvProdId: +32\\b").containsPattern("isvSvn: +7\\b")
                .containsPattern("signatureValid: +true");
    }

    @Test
    void tamperedCopyStillPrintsTheReportAndExits1(@TempDir Path dir) throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.require("fortanix-test_enclave.sig"));
        b[SigStruct.ISVSVN] ^= 1;
        Path tampered = Files.write(dir.resolve("tampered.sig"), b);

        CliRun r = CliRun.of("info", tampered.toString(), "--json");

        assertThat(r.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.out()).contains("\"signatureValid\":false", "\"q1q2Valid\":true",
                "\"mrsigner\":\"" + TEST_ENCLAVE_MRSIGNER + "\"", "\"isvSvn\":1");
        assertThat(r.err().strip()).startsWith("jsgx: ").contains("tampered.sig", "signature does not verify")
                .doesNotContain("\n");
    }

    @Test
    void tamperedQ2ExitsWithQ1Q2Failure(@TempDir Path dir) throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.require("intel-le_prod_css.bin"));
        b[SigStruct.Q2 + 5] ^= 0x40;
        CliRun r = CliRun.of("info", Files.write(dir.resolve("q2.bin"), b).toString());

        assertThat(r.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.out()).containsPattern("q1q2Valid: +false").containsPattern("signatureValid: +true");
        assertThat(r.err()).contains("Q1/Q2");
    }

    @Test
    void wrongSizeFileIsBadInputWithOneLine(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("short.sig"), new byte[1000]);
        CliRun r = CliRun.of("info", f.toString(), "--json");

        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.out()).isEmpty();
        // every kind says why it does not match; the SIGSTRUCT reason comes first
        assertThat(r.err()).startsWith("jsgx: " + f + ": not a SIGSTRUCT (offset 0x3e8: file ends after 1000 of 1808 bytes)"
                + " or an EINITTOKEN (").endsWith(")" + System.lineSeparator()).containsOnlyOnce("\n");
    }

    @Test
    void malformedSigstructNamesTheOffset(@TempDir Path dir) throws Exception {
        byte[] good = org.jsgx.cpu.SigStruct.template().toByteArray();
        byte[] badHeader2 = good.clone();
        badHeader2[24 + 4] = 0x61;
        Path f = Files.write(dir.resolve("bad.sig"), badHeader2);
        CliRun r = CliRun.of("info", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("jsgx: " + f + ": offset 0x1c: HEADER2 is").contains("not a SIGSTRUCT")
                .doesNotContain("Exception");
        assertThat(r.err().strip()).doesNotContain("\n");

        byte[] badExp = good.clone();
        badExp[512] = 5;
        CliRun e = CliRun.of("info", Files.write(dir.resolve("e.sig"), badExp).toString());
        assertThat(e.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(e.err()).contains("offset 0x200: EXPONENT is 5");
    }

    @Test
    void missingFileIsBadInput(@TempDir Path dir) {
        CliRun r = CliRun.of("info", dir.resolve("nope.sig").toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err().strip()).contains("nope.sig: no such file").doesNotContain("\n");
    }
}
