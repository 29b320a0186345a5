package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SoakCommandTest {
    @Test
    void aShortSoakReportsItsFiguresAndNoFailures() {
        CliRun r = CliRun.of("soak", "--minutes", "0.03", "--seed", "5", "--json");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out().lines()).hasSize(1);
        assertThat(r.out()).contains("\"failures\":0").contains("\"seed\":5").contains("\"invariantChecks\":")
                .contains("\"peakHeapBytes\":");
        assertThat(r.out()).doesNotContain("\"operations\":0,");
        // every round ends with at least one run of the oversubscription workload
        assertThat(r.out()).contains("\"oversubscriptionRuns\":").doesNotContain("\"oversubscriptionRuns\":0,");
    }

    @Test
    void badDurationsAreUsageErrors() {
        assertThat(CliRun.of("soak", "--minutes", "0").code()).isEqualTo(2);
        assertThat(CliRun.of("soak", "--minutes", "x").code()).isEqualTo(2);
        assertThat(CliRun.of("soak", "--threads", "0").code()).isEqualTo(2);
    }
}
