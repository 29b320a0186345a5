package org.jsgx.host.sgxs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsgx.Fixtures;
import org.jsgx.cpu.Crypto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The SGXS files produced by fortanix/rust-sgx tools measure to their published MRENCLAVE. */
class SgxsConformanceTest {

    @ParameterizedTest
    @EnumSource(SgxsMode.class)
    void testEnclave(SgxsMode mode) throws IOException {
        Path f = Fixtures.require("fortanix-test_enclave.sgxs");
        SgxsSummary s = SgxsMeasure.measure(f, mode);
        assertThat(s.mrenclaveHex()).isEqualTo("784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc");
        assertThat(s.ssaFrameSize()).isEqualTo(1);
        assertThat(s.size()).isEqualTo(0x40000);
        assertThat(s.eadds()).isEqualTo(9);
        assertThat(s.eextends()).isEqualTo(144);
        assertThat(s.unmeasured()).isZero();
        assertThat(s.bytesRead()).isEqualTo(Files.size(f));
    }

    @Test
    void testEnclaveMatchesItsSigstructEnclaveHash() throws IOException {
        Path f = Fixtures.require("fortanix-test_enclave.sgxs");
        Path sig = Fixtures.require("fortanix-test_enclave.sig");
        byte[] enclaveHash = java.util.Arrays.copyOfRange(Files.readAllBytes(sig), 960, 992);
        assertThat(SgxsMeasure.measure(f).mrenclave()).isEqualTo(enclaveHash);
    }

    @Test
    void reportEnclave() throws IOException {
        Path f = Fixtures.require("fortanix-report.sgxs");
        SgxsSummary s;
        try (InputStream in = Files.newInputStream(f)) {
            s = SgxsMeasure.measure(in);
        }
        assertThat(s.mrenclaveHex()).isEqualTo("a06a560b26f5e397b2d7872fac66fe4b43bf4f507296ee048f110be6fb1a2290");
        // no UNMEASRD records: the file is the measured stream itself
        assertThat(s.unmeasured()).isZero();
        assertThat(s.mrenclave()).isEqualTo(Crypto.sha256(Files.readAllBytes(f)));
        assertThat(s.eadds()).isPositive();
    }
}
