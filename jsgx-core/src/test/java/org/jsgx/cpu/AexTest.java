package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jsgx.cpu.PagingFaults.assertGp;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.jsgx.cpu.testkit.TestEnclave;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AEX writes the SSA frame as the SDM lays it out; ERESUME continues from it; NSSA limits. */
class AexTest {
    static final long ENCLAVE_FLAGS = Registers.CF | Registers.ZF | Registers.DF | 0x2;

    TestEnclave t;
    Registers r;
    final List<long[]> delivered = new ArrayList<>();

    @BeforeEach
    void setUp() {
        t = TestEnclave.create();
        r = t.app.regs();
        t.platform.enclaveFaultSink((lp, address, errorCode) -> delivered.add(new long[] {lp.id(), address, errorCode}));
    }

    /** Enters and loads distinct values into every GPR, as enclave code would. */
    long[] enterAndRun() {
        t.enter();
        long[] v = new long[16];
        for (int i = 0; i < 16; i++) {
            v[i] = 0x1111_0000_0000_0000L * (i + 1) + i;
        }
        r.gprs(v);
        r.rflags = ENCLAVE_FLAGS;
        return v;
    }

    GprSgx frame(int i) {
        long end = t.ssa + 0x1000L * (i + 1);
        return new GprSgx(t.page(end - 0x1000).data().asSlice(4096 - GprSgx.SIZE, GprSgx.SIZE));
    }

    ExInfo exinfo(int i) {
        long end = t.ssa + 0x1000L * (i + 1);
        return new ExInfo(t.page(end - 0x1000).data().asSlice(4096 - GprSgx.SIZE - ExInfo.SIZE, ExInfo.SIZE));
    }

    @Test
    void pageFaultWritesTheSsaAndSyntheticState() {
        long[] v = enterAndRun();
        long enclaveFs = r.fsBase;
        long faultAt = TestEnclave.FREE + 0x123;
        long rip = t.code + 0x40;
        PageFault pf = (PageFault) org.assertj.core.api.Assertions.catchThrowable(() -> t.app.enclaveRead(faultAt, 8));
        t.app.aex(pf, rip);

        GprSgx g = frame(0);
        int[] offs = {GprSgx.RAX, GprSgx.RCX, GprSgx.RDX, GprSgx.RBX, GprSgx.RSP, GprSgx.RBP, GprSgx.RSI, GprSgx.RDI,
                GprSgx.R8, GprSgx.R9, GprSgx.R10, GprSgx.R11, GprSgx.R12, GprSgx.R13, GprSgx.R14, GprSgx.R15};
        for (int i = 0; i < 16; i++) {
            assertThat(g.reg(offs[i])).as("GPR %d", i).isEqualTo(v[i]);
        }
        assertThat(g.reg(GprSgx.RFLAGS)).isEqualTo(ENCLAVE_FLAGS | Registers.RF);
        assertThat(g.reg(GprSgx.RIP)).isEqualTo(rip);
        assertThat(g.reg(GprSgx.FSBASE)).isEqualTo(enclaveFs).isEqualTo(TestEnclave.BASE);
        assertThat(g.reg(GprSgx.URSP)).isEqualTo(TestEnclave.CALLER_RSP);
        assertThat(g.reg(GprSgx.URBP)).isEqualTo(TestEnclave.CALLER_RBP);
        assertThat(g.exitInfo()).isEqualTo(0x8000_030E);
        assertThat(exinfo(0).maddr()).isEqualTo(faultAt);
        assertThat(exinfo(0).errcd()).isEqualTo(pf.errorCode()).isEqualTo(0x8005);
        MemorySegment xsave = t.page(t.ssa).data();
        assertThat(xsave.get(Struct.U16, Xsave.FCW)).isEqualTo((short) 0x037F);
        assertThat(xsave.get(Struct.U32, Xsave.MXCSR)).isEqualTo(0x1F80);
        assertThat(xsave.get(Struct.U64, Xsave.XSTATE_BV)).isZero();

        assertThat(r.rax).isEqualTo(3);
        assertThat(r.rbx).isEqualTo(t.tcs);
        assertThat(r.rcx).isEqualTo(TestEnclave.AEP);
        assertThat(r.rip).isEqualTo(TestEnclave.AEP);
        assertThat(r.rsp).isEqualTo(TestEnclave.CALLER_RSP);
        assertThat(r.rbp).isEqualTo(TestEnclave.CALLER_RBP);
        assertThat(new long[] {r.rdx, r.rsi, r.rdi, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15})
                .containsOnly(0L);
        assertThat(r.rflags & (Registers.CF | Registers.ZF | Registers.RF)).isZero();
        assertThat(r.rflags & Registers.DF).isNotZero();
        assertThat(r.fsBase).isZero();
        assertThat(t.app.enclaveMode()).isFalse();
        assertThat(t.tcsView().cssa()).isEqualTo(1);
        assertThat(t.tcsView().state()).isZero();
        assertThat(t.secsState().threadsInside()).isZero();
        assertThat(t.app.cr2()).isEqualTo(TestEnclave.FREE);
        assertThat(delivered).singleElement().satisfies(d -> {
            assertThat(d[0]).isEqualTo(1);
            assertThat(d[1]).isEqualTo(TestEnclave.FREE);
            assertThat(d[2]).isEqualTo(0x8005);
        });
    }

    @Test
    void eresumeRestoresTheFrameAndPopsIt() {
        long[] v = enterAndRun();
        t.app.aex(new GeneralProtectionFault("test"), t.code + 0x80);
        assertThat(frame(0).exitInfo()).isEqualTo(0x8000_030D);
        assertThat(exinfo(0).maddr()).isZero();
        assertThat(delivered).isEmpty();
        // the untrusted runtime executes ENCLU at the AEP with RAX = ERESUME
        r.rflags = 0x2;
        t.app.enclu().execute();
        assertThat(t.app.enclaveMode()).isTrue();
        assertThat(r.gprs()).containsExactly(v);
        assertThat(r.rip).isEqualTo(t.code + 0x80);
        assertThat(r.rflags & ~0x2L).isEqualTo(ENCLAVE_FLAGS & ~0x2L | Registers.RF);
        assertThat(r.fsBase).isEqualTo(TestEnclave.BASE);
        assertThat(t.tcsView().cssa()).isZero();
        assertThat(t.tcsView().state()).isEqualTo(1);
        assertThat(t.secsState().threadsInside()).isEqualTo(1);
        t.exit();
        assertThat(t.tcsView().state()).isZero();
    }

    @Test
    void exitInfoPerVector() {
        enterAndRun();
        t.app.aex(0, 0, 0, t.code);                    // #DE
        assertThat(frame(0).exitInfo()).isEqualTo(0x8000_0300);
        assertThat(frame(0).reg(GprSgx.RFLAGS) & Registers.RF).isNotZero();
        t.app.enclu().eresume(t.tcs, TestEnclave.AEP);
        assertThat(r.rflags & Registers.RF).isNotZero();
        r.rflags &= ~Registers.RF; // the resumed instruction completed: the processor clears RF
        t.app.aex(3, 0, 0, t.code + 1);                // #BP from INT3: software exception, a trap
        assertThat(frame(0).exitInfo()).isEqualTo(0x8000_0603);
        assertThat(frame(0).reg(GprSgx.RFLAGS) & Registers.RF).isZero();
        t.app.enclu().eresume(t.tcs, TestEnclave.AEP);
        t.app.aex(32, 0, 0, t.code + 2);               // an interrupt: nothing reported
        assertThat(frame(0).exitInfo()).isZero();
        t.app.enclu().eresume(t.tcs, TestEnclave.AEP);
        t.app.aex(6, 0, 0, t.code + 3);                // #UD
        assertThat(frame(0).exitInfo()).isEqualTo(0x8000_0306);
        assertThat(delivered).isEmpty();
    }

    @Test
    void withoutMiscselectExinfoPfAndGpAreNotReported() {
        t = TestEnclave.builder().miscSelect(0).build();
        r = t.app.regs();
        exinfo(0).set(0xAAAA, 0x5555);
        enterAndRun();
        t.app.aex(14, 0x8005, TestEnclave.FREE + 8, t.code);
        assertThat(frame(0).exitInfo()).isZero();
        assertThat(exinfo(0).maddr()).isEqualTo(0xAAAA);
        assertThat(exinfo(0).errcd()).isEqualTo(0x5555);
        assertThat(t.app.cr2()).isEqualTo(TestEnclave.FREE);
    }

    @Test
    void nssaExhaustion() {
        enterAndRun();
        t.app.aex(14, 0x8005, TestEnclave.FREE, t.code);
        t.enter(); // a nested entry (exception handler) into frame 1
        assertThat(r.rax).isEqualTo(1);
        r.rbx = 0xB1;
        t.app.aex(14, 0x8005, TestEnclave.FREE, t.code + 4);
        assertThat(t.tcsView().cssa()).isEqualTo(2);
        assertThat(frame(1).reg(GprSgx.RBX)).isEqualTo(0xB1);
        assertGp(t::enter);
        assertThat(t.tcsView().cssa()).isEqualTo(2);
        assertThat(t.app.enclaveMode()).isFalse();
        t.app.enclu().eresume(t.tcs, TestEnclave.AEP);
        assertThat(r.rbx).isEqualTo(0xB1);
        assertThat(r.rip).isEqualTo(t.code + 4);
        assertThat(t.tcsView().cssa()).isEqualTo(1);
        t.exit();
        t.app.enclu().eresume(t.tcs, TestEnclave.AEP);
        assertThat(r.rip).isEqualTo(t.code);
        assertThat(t.tcsView().cssa()).isZero();
        t.exit();
        assertGp(() -> t.app.enclu().eresume(t.tcs, TestEnclave.AEP));
    }

    @Test
    void eresumeChecks() {
        enterAndRun();
        t.app.aex(13, 0, 0, t.code);
        // malformed XSAVE header: XSTATE_BV outside XFRM
        t.page(t.ssa).data().set(Struct.U64, Xsave.XSTATE_BV, 1L << 9);
        assertGp(() -> t.app.enclu().eresume(t.tcs, TestEnclave.AEP));
        assertThat(t.tcsView().state()).isZero();
        assertThat(t.tcsView().cssa()).isEqualTo(1);
        t.page(t.ssa).data().set(Struct.U64, Xsave.XSTATE_BV, 0L);
        frame(0).reg(GprSgx.RIP, 0x8000_0000_0000_0000L);
        assertGp(() -> t.app.enclu().eresume(t.tcs, TestEnclave.AEP));
        frame(0).reg(GprSgx.RIP, t.code);
        frame(0).reg(GprSgx.FSBASE, 0x0000_8000_0000_0000L);
        assertGp(() -> t.app.enclu().eresume(t.tcs, TestEnclave.AEP));
        frame(0).reg(GprSgx.FSBASE, TestEnclave.BASE);
        assertGp(() -> t.app.enclu().eresume(t.tcs + 8, TestEnclave.AEP));
        assertGp(() -> t.app.enclu().eresume(t.tcs, 0x0000_8000_0000_0000L));
        PagingFaults.assertPf(() -> t.app.enclu().eresume(t.code, TestEnclave.AEP), t.code);
        assertThat(t.os.encls().eblock(t.tcs)).isEqualTo(SgxStatus.SGX_SUCCESS);
        PagingFaults.assertPf(() -> t.app.enclu().eresume(t.tcs, TestEnclave.AEP), t.tcs);
        assertThat(t.tcsView().cssa()).isEqualTo(1);
        assertThat(t.app.enclaveMode()).isFalse();
    }

    @Test
    void eresumeFromInsideTheEnclaveIsGp() {
        enterAndRun();
        assertGp(() -> t.app.enclu().eresume(t.tcs, TestEnclave.AEP));
        assertThat(t.app.enclaveMode()).isTrue();
    }

    @Test
    void aexReleasesTheTrackingEpoch() {
        enterAndRun();
        assertThat(t.os.encls().etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.os.encls().etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_PREV_TRK_INCMPL);
        t.app.aex(32, 0, 0, t.code);
        assertThat(t.os.encls().etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
        // ERESUME enters in the new epoch
        t.app.enclu().eresume(t.tcs, TestEnclave.AEP);
        assertThat(t.os.encls().etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.os.encls().etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_PREV_TRK_INCMPL);
    }

    @Test
    void aexOutsideEnclaveModeIsAModelError() {
        assertThatThrownBy(() -> t.app.aex(14, 0, 0, 0)).isInstanceOf(IllegalStateException.class);
    }
}
