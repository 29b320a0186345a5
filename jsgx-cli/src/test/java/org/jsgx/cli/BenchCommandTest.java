package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.regex.Pattern;
import org.jsgx.bench.MeasureBenchmark;
import org.junit.jupiter.api.Test;

/** Argument handling and figure computation; JMH itself is not run here. */
class BenchCommandTest {

    @Test
    void unknownNameIsBadInputListingKnownNames() {
        CliRun r = CliRun.of("bench", "nosuch", "--json");
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err().strip()).startsWith("jsgx: unknown benchmark 'nosuch' (known: ")
                .contains("measure").contains("paging");
    }

    @Test
    void missingNameIsUsageError() {
        CliRun r = CliRun.of("bench");
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("NAME");
    }

    @Test
    void helpListsTheBenchmarks() {
        CliRun r = CliRun.of("bench", "--help");
        assertThat(r.code()).isEqualTo(Main.EXIT_OK);
        assertThat(r.out()).contains("measure").contains("--json").contains("--quick");
    }

    @Test
    void measureIncludeSelectsOnlyTheMeasureBenchmarks() {
        Pattern p = Pattern.compile(BenchRegistry.get("measure").include());
        String cls = MeasureBenchmark.class.getName();
        assertThat(p.matcher(cls + ".sha256").find()).isTrue();
        assertThat(p.matcher(cls + ".measure").find()).isTrue();
        assertThat(p.matcher("org.jsgx.bench.PagingBenchmark.ewb").find()).isFalse();
    }

    @Test
    void measureFiguresAreContentRateAgainstFourFifthsOfSha256() {
        double shaOps = 30;
        double measureOps = 21;
        BenchDefinition.Figures f = BenchRegistry.get("measure").evaluator()
                .evaluate(Map.of("sha256", shaOps, "measure", measureOps, "measureStream", 20.0,
                        "sha256Cached", 40.0));
        double shaMbps = shaOps * MeasureBenchmark.SHA256_BYTES / 1e6;
        double contentMbps = measureOps * MeasureBenchmark.CONTENT_BYTES / 1e6;
        assertThat(f.value()).isCloseTo(contentMbps, within(1e-9));
        assertThat(f.baseline()).isCloseTo(shaMbps * 256 / 320, within(1e-9));
        assertThat(f.ratio()).isCloseTo(contentMbps / (shaMbps * 0.8), within(1e-12));
        assertThat(f.details()).containsEntry("sha256_mbps", shaMbps)
                .containsEntry("measure_stream_mbps", 20.0 * MeasureBenchmark.CONTENT_BYTES / 1e6);
        assertThat(f.details().get("ratio_vs_cached"))
                .isCloseTo(contentMbps / (40.0 * MeasureBenchmark.SHA256_BYTES / 1e6 * 0.8), within(1e-12));
    }

    @Test
    void measureFiguresNeedBothCoreScores() {
        BenchDefinition.Evaluator e = BenchRegistry.get("measure").evaluator();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> e.evaluate(Map.of("sha256", 1.0)))
                .hasMessageContaining("measure");
    }

    @Test
    void ecallIsMetOnlyWhenBothAbsoluteTargetsAre() {
        BenchDefinition def = BenchRegistry.get("ecall");
        long n = org.jsgx.bench.EcallBenchmark.LOOP_INSTRUCTIONS;
        // 1.5 us round trip, 400 MIPS on stores: both targets met, whatever the ratio to the leaves
        BenchDefinition.Figures fast = def.evaluator().evaluate(Map.of("ecall", 1e6 / 1.5, "leaves", 1e7,
                "compute", 500e6 / n, "store", 400e6 / n));
        assertThat(fast.ratio()).isGreaterThan(def.target());
        assertThat(def.met(fast)).isTrue();
        assertThat(fast.details()).containsEntry("round_trip_target_met", 1.0).containsEntry("store_target_met", 1.0);
        // round trip met, stores far below 300 MIPS: not met
        BenchDefinition.Figures slowStores = def.evaluator().evaluate(Map.of("ecall", 1e6 / 1.5, "leaves", 1e7,
                "compute", 500e6 / n, "store", 20e6 / n));
        assertThat(def.met(slowStores)).isFalse();
        assertThat(slowStores.details()).containsEntry("store_target_met", 0.0);
        // stores met, round trip 3 us: not met
        BenchDefinition.Figures slowCall = def.evaluator().evaluate(Map.of("ecall", 1e6 / 3.0, "leaves", 1e7,
                "compute", 500e6 / n, "store", 400e6 / n));
        assertThat(def.met(slowCall)).isFalse();
        assertThat(slowCall.value()).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void buildReportsTheCopyAndHashFloorBesideTheRatio() {
        // 8 builds/s, 10 measures/s, 9 floor runs/s: ratio 1.25, floor 10/9 of the measure time
        BenchDefinition.Figures f = BenchRegistry.get("build").evaluator()
                .evaluate(Map.of("build", 8.0, "measure", 10.0, "copyAndMeasure", 9.0));
        assertThat(f.value()).isCloseTo(125.0, within(1e-9));
        assertThat(f.ratio()).isCloseTo(1.25, within(1e-12));
        assertThat(f.details().get("floor_ms")).isCloseTo(1000 / 9.0, within(1e-9));
        assertThat(f.details().get("floor_ratio")).isCloseTo(10 / 9.0, within(1e-12));
        // an older run without the floor benchmark still evaluates
        assertThat(BenchRegistry.get("build").evaluator().evaluate(Map.of("build", 8.0, "measure", 10.0))
                .details()).doesNotContainKey("floor_ratio");
    }
    @Test
    void reclaimReportsTheReclaimerShareAndTheLockBound() {
        // 100 sweeps/s of 512 pages against 500k raw round trips/s (2 us); in the measured time
        // ksgxswapd used 3 s of CPU in 4 s for 1M pages, encl->lock was held 2.5 s, leaves ran 2 s
        Map<String, Double> ops = new java.util.HashMap<>(Map.of("sweep", 100.0, "ewbEldu", 500_000.0,
                "sweep:ksgxswapdCpuNanos", 3e9, "sweep:wallNanos", 4e9, "sweep:swappedPages", 1e6));
        BenchDefinition.Figures f = BenchRegistry.get("reclaim").evaluator().evaluate(ops);
        assertThat(f.value()).isCloseTo(51_200.0, within(1e-9));
        assertThat(f.ratio()).isCloseTo(0.1024, within(1e-12));
        assertThat(f.details().get("ksgxswapd_us_per_page")).isCloseTo(3.0, within(1e-12));
        assertThat(f.details().get("ksgxswapd_busy")).isCloseTo(0.75, within(1e-12));
        assertThat(f.details().get("wall_us_per_page")).isCloseTo(4.0, within(1e-12));
        assertThat(f.details().get("raw_round_trip_us")).isCloseTo(2.0, within(1e-12));
        // without -Djsgx.kernel.timing the counters stay 0 and no bound is claimed
        ops.put("sweep:enclLockHeldNanos", 0.0);
        ops.put("sweep:enclsNanos", 0.0);
        assertThat(BenchRegistry.get("reclaim").evaluator().evaluate(ops).details())
                .doesNotContainKeys("encl_lock_bound_ratio", "encls_bound_ratio");
        ops.put("sweep:enclLockHeldNanos", 2.5e9);
        ops.put("sweep:enclsNanos", 2e9);
        f = BenchRegistry.get("reclaim").evaluator().evaluate(ops);
        assertThat(f.details().get("encl_lock_us_per_page")).isCloseTo(2.5, within(1e-12));
        assertThat(f.details().get("encl_lock_bound_ratio")).isCloseTo(0.8, within(1e-12));
        assertThat(f.details().get("encls_us_per_page")).isCloseTo(2.0, within(1e-12));
        assertThat(f.details().get("encls_bound_ratio")).isCloseTo(1.0, within(1e-12));
        // a run whose ksgxswapd was replaced reports zeros: no pipeline figures then
        ops.put("sweep:wallNanos", 0.0);
        assertThat(BenchRegistry.get("reclaim").evaluator().evaluate(ops).details())
                .doesNotContainKey("ksgxswapd_busy");
    }
}
