package org.jsgx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jsgx.cli.lab.BeladyPolicy;
import org.jsgx.cli.lab.FifoPolicy;
import org.jsgx.cli.lab.KernelPolicy;
import org.jsgx.cli.lab.LruPolicy;
import org.jsgx.cli.lab.RandomPolicy;
import org.jsgx.cli.lab.ReplacementPolicy;
import org.jsgx.cli.lab.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReclaimLabCommandTest {

    @Test
    void beladyIsALowerBoundForEveryPolicyAndTrace() {
        for (Trace t : Trace.values()) {
            int[] trace = t.generate(256, 20_000, 3);
            long opt = new BeladyPolicy().faults(trace, 256);
            for (ReplacementPolicy p : new ReplacementPolicy[] {new KernelPolicy(), new FifoPolicy(), new LruPolicy(),
                    new RandomPolicy(3)}) {
                assertThat(p.faults(trace, 256)).as(p.name() + " on " + t).isGreaterThanOrEqualTo(opt);
            }
        }
    }

    @Test
    void textbookBeladyAndLruCounts() {
        // the classic reference string with 3 frames: OPT 9 faults, LRU 12, FIFO 15
        int[] s = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
        assertThat(new BeladyPolicy().faults(s, 3)).isEqualTo(9);
        assertThat(new LruPolicy().faults(s, 3)).isEqualTo(12);
        assertThat(new FifoPolicy().faults(s, 3)).isEqualTo(15);
    }

    @Test
    void printsJsonAndWritesAPlot(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("lab.png");
        CliRun r = CliRun.of("reclaim-lab", "--json", "--epc-pages", "128", "--length", "5000", "--trace", "ZIPF,SEQ",
                "--plot", png.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"trace\":\"zipf\"", "\"trace\":\"seq\"", "\"belady\"", "\"ratioToBelady\"");
        assertThat(Files.readAllBytes(png)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
}
