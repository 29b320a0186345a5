package org.jsgx.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jsgx.x86.X86TestEnclave.*;

import org.jsgx.cpu.LogicalProcessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plain timings (not a benchmark harness; printed for the record, asserted only for the
 * result): instructions per second of a register loop inside the enclave, and the cost of a
 * whole EENTER → enclave code → EEXIT cycle.
 */
class EngineSpeedTest {

    @BeforeAll
    static void unicorn() {
        X86Available.assume();
    }

    @Test
    void loopAndEntryTimings() {
        X86TestEnclave e = new X86TestEnclave();
        try (X86Engine engine = new X86Engine()) {
            LogicalProcessor lp = e.cpu(1);
            long n = 10_000_000; // 3 instructions per iteration
            e.u64(UNTRUSTED, 1000);
            e.eenter(lp, TCS0, EnclaveCode.LOOP, UNTRUSTED); // warm up: map pages, translate
            engine.run(lp);
            e.u64(UNTRUSTED, n);
            long t0 = System.nanoTime();
            e.eenter(lp, TCS0, EnclaveCode.LOOP, UNTRUSTED);
            engine.run(lp);
            long loopNs = System.nanoTime() - t0;
            assertThat(e.u64(UNTRUSTED + 8)).isEqualTo(n * (n + 1) / 2);

            int calls = 20_000;
            e.u64(UNTRUSTED, 1);
            t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                e.eenter(lp, TCS0, EnclaveCode.LOOP, UNTRUSTED);
                engine.run(lp);
            }
            long callNs = System.nanoTime() - t0;
            assertThat(lp.regs().rip).isEqualTo(CALLER_RIP);
            System.out.printf("x86 engine (Unicorn %s): register loop %.0f MIPS; EENTER+EEXIT cycle %.2f us%n",
                    X86Engine.unicornVersion(), 3.0 * n / loopNs * 1000, callNs / 1000.0 / calls);
        }
    }
}
