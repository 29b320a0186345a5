package org.jsgx.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jsgx.x86.X86TestEnclave.*;

import org.jsgx.cpu.LogicalProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EENTER → real enclave code → ENCLU[EEXIT]: the entry and exit register conventions. */
class EnterExitTest {
    X86TestEnclave e;
    X86Engine engine;

    @BeforeAll
    static void unicorn() {
        X86Available.assume();
    }

    @BeforeEach
    void setUp() {
        e = new X86TestEnclave();
        engine = new X86Engine();
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    @Test
    void roundTripWithRegisterConventions() {
        LogicalProcessor lp = e.cpu(1);
        lp.regs().fsBase = 0xF5;
        lp.regs().gsBase = 0x65;
        e.eenter(lp, TCS0, EnclaveCode.ROUNDTRIP, UNTRUSTED);
        engine.run(lp);

        assertThat(lp.enclaveMode()).isFalse();
        // what the enclave saw at entry: RAX = CSSA, RBX = TCS, RCX = the address after EENTER
        assertThat(e.u64(UNTRUSTED)).isEqualTo(0);
        assertThat(e.u64(UNTRUSTED + 8)).isEqualTo(TCS0);
        assertThat(e.u64(UNTRUSTED + 16)).isEqualTo(CALLER_RIP);
        // FS/GS bases from the TCS: fs:[0] and gs:[8] read this thread's TLS page
        assertThat(e.u64(UNTRUSTED + 24)).isEqualTo(TLS0_WORDS);
        assertThat(e.u64(UNTRUSTED + 32)).isEqualTo(TLS0_WORDS + 8);
        // push/pop on the enclave stack
        assertThat(e.u64(UNTRUSTED + 40)).isEqualTo(0x77);
        // EEXIT: RIP = RBX (the return address the enclave kept), RCX = AEP, outside FS/GS back
        assertThat(lp.regs().rip).isEqualTo(CALLER_RIP);
        assertThat(lp.regs().rbx).isEqualTo(CALLER_RIP);
        assertThat(lp.regs().rcx).isEqualTo(AEP);
        assertThat(lp.regs().rax).isEqualTo(4);
        assertThat(lp.regs().rdx).isEqualTo(0x1234);
        assertThat(lp.regs().fsBase).isEqualTo(0xF5);
        assertThat(lp.regs().gsBase).isEqualTo(0x65);
        assertThat(e.tcsView(TCS0).state()).isZero();
        assertThat(e.tcsView(TCS0).cssa()).isZero();
        assertThat(e.faults).isEmpty();
    }

    @Test
    void unicorn21UsesTheVirtualTlbAndOlderUnicornsTheirRegions() {
        LogicalProcessor lp = e.cpu(1);
        e.eenter(lp, TCS0, EnclaveCode.ROUNDTRIP, UNTRUSTED);
        engine.run(lp);
        boolean at21 = (Unicorn.version() >>> 16) >= 0x0201;
        assertThat(engine.core(lp).virtualTlb()).isEqualTo(at21 && !"false".equals(
                System.getProperty(Unicorn.VIRTUAL_TLB_PROPERTY)));
        assertThat(e.u64(UNTRUSTED + 8)).isEqualTo(TCS0);
    }

    @Test
    void unicorn21OnX86LinuxRunsUncountedAndEverythingElseCounted() {
        LogicalProcessor lp = e.cpu(1);
        e.eenter(lp, TCS0, EnclaveCode.ROUNDTRIP, UNTRUSTED);
        engine.run(lp);
        boolean expected = engine.core(lp).virtualTlb() && (Unicorn.version() >>> 16) == 0x0201
                && TurnEndHook.hostSupported() && !Boolean.getBoolean(X86Core.COUNTED_PROPERTY);
        assertThat(engine.core(lp).uncounted()).isEqualTo(expected);
        assertThat(engine.instructionsRetired(lp)).isEqualTo(expected ? -1 : 0); // one short run: no whole quantum
        assertThat(e.u64(UNTRUSTED + 8)).isEqualTo(TCS0);
    }

    @Test
    void secondThreadSeesItsOwnTls() {
        LogicalProcessor lp = e.cpu(2);
        e.eenter(lp, TCS1, EnclaveCode.ROUNDTRIP, UNTRUSTED + 0x100);
        engine.run(lp);
        assertThat(e.u64(UNTRUSTED + 0x100 + 8)).isEqualTo(TCS1);
        assertThat(e.u64(UNTRUSTED + 0x100 + 24)).isEqualTo(TLS1_WORDS);
    }

    @Test
    void repeatedEntriesReuseTheEngine() {
        LogicalProcessor lp = e.cpu(1);
        for (int i = 1; i <= 50; i++) {
            e.u64(UNTRUSTED, i);
            e.eenter(lp, TCS0, EnclaveCode.LOOP, UNTRUSTED);
            engine.run(lp);
            assertThat(e.u64(UNTRUSTED + 8)).isEqualTo((long) i * (i + 1) / 2);
        }
    }

    @Test
    void closingTheEngineStopsARunningThreadInsteadOfCrashing() throws Exception {
        LogicalProcessor lp = e.cpu(1);
        e.eenter(lp, TCS0, EnclaveCode.RENDEZVOUS, UNTRUSTED, SHARED); // spins: nobody else comes in
        java.util.concurrent.CompletableFuture<Void> run = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                engine.run(lp);
                run.complete(null);
            } catch (Throwable x) {
                run.completeExceptionally(x);
            }
        });
        t.start();
        Thread.sleep(200);
        engine.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
