package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SelftestCommandTest {
    @Test
    void everyCheckPassesAndTheLastLineCountsThem() {
        CliRun r = CliRun.of("selftest");
        String[] lines = r.out().strip().split("\n");
        long passes = r.out().lines().filter(l -> l.startsWith("PASS")).count();
        assertThat(r.out()).doesNotContain("FAIL");
        assertThat(passes).isGreaterThanOrEqualTo(10);
        assertThat(lines[lines.length - 1]).isEqualTo(passes + " passed, 0 failed");
        assertThat(r.code()).isZero();
        for (String name : org.jsgx.host.kselftest.KernelSelftests.names()) {
            assertThat(r.out()).contains("PASS  sgx kselftest: " + name + "\n");
        }
    }
}
