package org.jsgx.host.sgxs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.jsgx.Fixtures;
import org.junit.jupiter.api.Test;

class SgxsInspectorTest {
    @Test
    void fortanixTestEnclave() throws Exception {
        SgxsInspection in = SgxsInspector.inspect(Fixtures.require("fortanix-test_enclave.sgxs"), SgxsMode.STRICT);
        assertThat(in.mrenclaveHex()).isEqualTo("784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc");
        assertThat(in.size()).isEqualTo(0x40000);
        assertThat(in.ssaFrameSize()).isEqualTo(1);
        // 9 EADD, 144 EEXTEND: every page fully measured
        assertThat(in.pages()).isEqualTo(9);
        assertThat(in.measuredPages()).isEqualTo(9);
        assertThat(in.partialPages() + in.unorderedPages() + in.unmeasuredPages()).isZero();
        assertThat(in.upstreamDriverLoadable()).isTrue();
        assertThat(in.pagesByKind().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(9);
        // 9 pages in a 64-page ELRANGE: the uncovered rest is at least one hole
        long holeBytes = in.holes().stream().mapToLong(h -> h.end() - h.start()).sum();
        assertThat(holeBytes).isEqualTo(0x40000 - 9 * 4096);
    }

    @Test
    void fortanixReportEnclaveHasOneRxOneTcsOneRwPage() throws Exception {
        SgxsInspection in = SgxsInspector.inspect(Fixtures.require("fortanix-report.sgxs"), SgxsMode.STRICT);
        assertThat(in.mrenclaveHex()).isEqualTo("a06a560b26f5e397b2d7872fac66fe4b43bf4f507296ee048f110be6fb1a2290");
        assertThat(in.pagesByKind()).isEqualTo(Map.of("REG r-x", 1L, "TCS", 1L, "REG rw-", 1L));
    }

    @Test
    void holesPartialAndUnorderedPagesAreReported() throws Exception {
        byte[] page = new byte[4096];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SgxsWriter w = SgxsWriter.of(out).ecreate(1, 0x10000);
        w.page(0x1000, 0x100, page, 0, 0xFFFF);          // TCS, measured
        w.page(0x2000, 0x205, page, 0, 0x00FF);          // partial
        w.eadd(0x5000, 0x203);                            // chunks out of order
        for (int i = 15; i >= 0; i--) {
            w.eextend(0x5000 + i * 256L, page, 0);
        }
        w.page(0x6000, 0x203, page, 0, 0);               // unmeasured (heap)
        SgxsInspection in = SgxsInspector.inspect(out.toByteArray(), SgxsMode.STRICT);
        assertThat(in.measuredPages()).isEqualTo(1);
        assertThat(in.partialPages()).isEqualTo(1);
        assertThat(in.unorderedPages()).isEqualTo(1);
        assertThat(in.unmeasuredPages()).isEqualTo(1);
        assertThat(in.holes()).containsExactly(new SgxsInspection.Hole(0, 0x1000),
                new SgxsInspection.Hole(0x3000, 0x5000), new SgxsInspection.Hole(0x7000, 0x10000));
        assertThat(in.holeCount()).isEqualTo(3);
        assertThat(in.upstreamDriverLoadable()).isFalse();
        assertThat(in.driverProblems()).extracting(SgxsInspection.DriverProblem::offset).containsExactly(0x2000L, 0x5000L);
        assertThat(in.driverProblems().getFirst().measuredMask()).isEqualTo(0xFF);
    }
}
