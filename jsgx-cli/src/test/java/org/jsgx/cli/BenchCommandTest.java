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
        assertThat(r.err().lines()).containsExactly("jsgx: unknown benchmark 'nosuch' (known: measure, paging, build)");
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
    void buildIsATimeRatioWhereLowerIsBetter() {
        BenchDefinition d = BenchRegistry.get("build");
        BenchDefinition.Figures f = d.evaluator().evaluate(java.util.Map.of("build", 5.0, "measure", 10.0));
        assertThat(f.value()).isEqualTo(200.0);
        assertThat(f.baseline()).isEqualTo(100.0);
        assertThat(f.ratio()).isEqualTo(2.0);
        assertThat(d.lowerIsBetter()).isTrue();
        assertThat(d.met(2.0)).isFalse();
        assertThat(d.met(1.2)).isTrue();
        assertThat(BenchRegistry.get("measure").met(1.2)).isTrue();
    }
}
