package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jsgx.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasureCommandTest {
    private static final String TEST_ENCLAVE = "784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc";

    @Test
    void printsMrenclaveAndSummary() {
        Path f = Fixtures.require("fortanix-test_enclave.sgxs");
        CliRun r = CliRun.of("measure", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_OK);
        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines().findFirst()).hasValue(TEST_ENCLAVE);
        assertThat(r.out()).contains("0x40000").contains("9 EADD").contains("144 EEXTEND").contains("0 UNMEASRD");
    }

    @Test
    void jsonIsOneObjectWithTheConformanceValues() {
        Path f = Fixtures.require("fortanix-test_enclave.sgxs");
        CliRun r = CliRun.of("measure", "--json", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_OK);
        String json = r.out().strip();
        assertThat(json.lines()).hasSize(1);
        assertThat(json).startsWith("{").endsWith("}")
                .contains("\"format\":\"sgxs\"")
                .contains("\"mrenclave\":\"" + TEST_ENCLAVE + "\"")
                .contains("\"size\":" + 0x40000)
                .contains("\"ssaFrameSize\":1")
                .contains("\"eadd\":9")
                .contains("\"eextend\":144")
                .contains("\"unmeasured\":0")
                .contains("\"mode\":\"strict\"");
    }

    @Test
    void lenientModeMeasuresTheSame() {
        Path f = Fixtures.require("fortanix-report.sgxs");
        CliRun r = CliRun.of("measure", "--lenient", "--json", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_OK);
        assertThat(r.out()).contains("\"mrenclave\":\"a06a560b26f5e397b2d7872fac66fe4b43bf4f507296ee048f110be6fb1a2290\"")
                .contains("\"mode\":\"lenient\"");
    }

    @Test
    void truncatedFileIsBadInputNamingTheOffset(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.require("fortanix-test_enclave.sgxs"));
        // cut inside the payload of the last EEXTEND record
        int cut = whole.length - 100;
        Path f = dir.resolve("cut.sgxs");
        Files.write(f, Arrays.copyOf(whole, cut));
        long lastRecord = whole.length - 320;
        CliRun r = CliRun.of("measure", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).containsExactly(String.format(
                "jsgx: %s: offset 0x%x: EEXTEND record truncated (got %d of 256 data bytes)",
                f, lastRecord, cut - lastRecord - 64));
    }

    @Test
    void nonCanonicalFileFailsStrictButPassesLenient(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.require("fortanix-test_enclave.sgxs"));
        // a second copy of the body after the first: EADD offsets go back down
        byte[] twice = Arrays.copyOf(whole, whole.length * 2 - 64);
        System.arraycopy(whole, 64, twice, whole.length, whole.length - 64);
        Path f = dir.resolve("twice.sgxs");
        Files.write(f, twice);
        CliRun strict = CliRun.of("measure", f.toString());
        assertThat(strict.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(strict.err()).startsWith("jsgx: " + f + String.format(": offset 0x%x: EADD offset", whole.length))
                .contains("is not above the previous EADD offset");
        CliRun lenient = CliRun.of("measure", "--lenient", "--json", f.toString());
        assertThat(lenient.code()).isEqualTo(Main.EXIT_OK);
        assertThat(lenient.out()).contains("\"eadd\":18").contains("\"eextend\":288");
    }

    @Test
    void missingFileIsBadInput(@TempDir Path dir) {
        Path f = dir.resolve("nope.sgxs");
        CliRun r = CliRun.of("measure", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err().lines()).containsExactly("jsgx: " + f + ": no such file");
    }

    @Test
    void directoryIsBadInput(@TempDir Path dir) {
        CliRun r = CliRun.of("measure", dir.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).startsWith("jsgx: " + dir + ": ").doesNotContain("Exception");
    }

    @Test
    void missingArgumentIsUsageError() {
        CliRun r = CliRun.of("measure");
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("FILE");
    }
}
