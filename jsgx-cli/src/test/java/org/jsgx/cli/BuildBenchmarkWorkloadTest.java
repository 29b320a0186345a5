package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.jsgx.bench.BuildBenchmark;
import org.junit.jupiter.api.Test;

/**
 * The build benchmark's workload, run once outside JMH: every page is added and INIT accepts
 * the SIGSTRUCT signed over the baseline's digest, i.e. the baseline hashes exactly the records
 * the EADD/EEXTEND leaves hashed. A second build checks that closing the fd gave the EPC back.
 */
class BuildBenchmarkWorkloadTest {

    @Test
    void buildAddsEveryPageAndInitAcceptsTheBaselinesMeasurement() {
        BuildBenchmark b = new BuildBenchmark();
        b.setUp();
        try {
            assertThat(b.build()).isEqualTo(BuildBenchmark.ENCLAVE_BYTES);
            b.release();
            assertThat(b.build()).isEqualTo(BuildBenchmark.ENCLAVE_BYTES);
        } finally {
            b.release();
        }
    }
}
