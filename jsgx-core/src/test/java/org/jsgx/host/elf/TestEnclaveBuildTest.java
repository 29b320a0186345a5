package org.jsgx.host.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jsgx.RepoFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed test_encl.elf is what its sources build to: rebuilt with make into a temporary
 * file, it measures the same. Needs gcc and make, and the toolchain recorded in BUILT_WITH
 * (another compiler version may legitimately emit other code); skipped with the reason otherwise.
 */
class TestEnclaveBuildTest {
    @TempDir
    Path tmp;

    @Test
    void rebuiltEnclaveMeasuresTheSameAsTheCommittedOne() throws Exception {
        Path dir = RepoFiles.get("test-enclave");
        String gcc = firstLine("gcc", "--version");
        String ld = firstLine("ld", "--version");
        assumeTrue(gcc != null, "SKIPPED: gcc not found, cannot rebuild test-enclave/test_encl.elf");
        assumeTrue(firstLine("make", "--version") != null, "SKIPPED: make not found");
        List<String> builtWith = Files.readAllLines(dir.resolve("BUILT_WITH"));
        assumeTrue(builtWith.equals(List.of(gcc, ld)), "SKIPPED: toolchain " + gcc + " / " + ld
                + " differs from the one test_encl.elf was built with: " + builtWith);

        Path out = tmp.resolve("rebuilt.elf");
        Process p = new ProcessBuilder("make", "-s", "-C", dir.toString(), "OUT=" + out, out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();

        byte[] committed = ElfEnclave.read(RepoFiles.testEnclave(), 4096).image().mrenclaveDirect();
        byte[] rebuilt = ElfEnclave.read(out, 4096).image().mrenclaveDirect();
        assertThat(rebuilt).isEqualTo(committed);
    }

    private static String firstLine(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("");
            return p.waitFor() == 0 ? s : null;
        } catch (Exception e) {
            return null;
        }
    }
}
