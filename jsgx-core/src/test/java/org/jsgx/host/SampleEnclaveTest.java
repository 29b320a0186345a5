package org.jsgx.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bundled examples/sample.sgxs is exactly the selftest's sample enclave. */
class SampleEnclaveTest {
    @Test
    void bundledSampleMatchesTheSelftestEnclave() throws Exception {
        Path root = Path.of(System.getProperty("jsgx.root", ".."));
        Path sample = root.resolve("examples/sample.sgxs");
        assertThat(sample).exists();
        assertThat(Files.readAllBytes(sample)).isEqualTo(SelfTest.sampleSgxs());
    }
}
