package org.jsgx.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jsgx.x86.X86TestEnclave.TCS0;
import static org.jsgx.x86.X86TestEnclave.UNTRUSTED;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jsgx.cpu.LogicalProcessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A turn-end request that reaches an engine when nobody waits for its enclave (a thread that
 * waited for another enclave this engine ran before, and asked late) costs at most one stop:
 * the engine starts a fresh turn and runs on. Before the fix, the request stayed set with the
 * budget spent, and every later run stopped at its first block — the loop below never ended.
 */
class TurnEndRequestTest {
    @BeforeAll
    static void unicorn() {
        X86Available.assume();
    }

    @Test
    void aStrayRequestDoesNotStopTheEngineForGood() throws Exception {
        X86TestEnclave e = new X86TestEnclave();
        try (X86Engine engine = new X86Engine()) {
            LogicalProcessor lp = e.cpu(1);
            e.u64(UNTRUSTED, 10);
            e.eenter(lp, TCS0, EnclaveCode.LOOP, UNTRUSTED); // creates and warms the core
            engine.run(lp);
            X86Core core = engine.core(lp);
            long n = 30_000_000; // 3 instructions per iteration: several turn budgets of blocks
            e.u64(UNTRUSTED, n);
            e.eenter(lp, TCS0, EnclaveCode.LOOP, UNTRUSTED);
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> engine.run(lp));
            for (int i = 0; i < 5 && !run.isDone(); i++) {
                Thread.sleep(2);
                core.requestTurnEnd(); // nobody waits for this enclave
            }
            run.get(30, TimeUnit.SECONDS);
            assertThat(e.u64(UNTRUSTED + 8)).isEqualTo(n * (n + 1) / 2);
        }
    }
}
