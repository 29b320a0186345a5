package org.jsgx.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jsgx.x86.X86TestEnclave.*;

import org.jsgx.cpu.GprSgx;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.PageFault;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Memory faults in enclave code become an AEX with the exact faulting RIP and the state just
 * before the faulting instruction in GPRSGX, EXITINFO/EXINFO as the SDM says (the enclave has
 * MISCSELECT.EXINFO), and the #PF reported to the fault sink; ERESUME then continues.
 */
class EnclaveFaultTest {
    static final int PF = 14, GP = 13;
    static final int SGX_PF = PageFault.PFEC_P | PageFault.PFEC_U | PageFault.PFEC_SGX;

    X86TestEnclave e;
    X86Engine engine;
    LogicalProcessor lp;

    @BeforeAll
    static void unicorn() {
        X86Available.assume();
    }

    @BeforeEach
    void setUp() {
        e = new X86TestEnclave();
        engine = new X86Engine();
        lp = e.cpu(1);
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    /** Asserts the AEX: synthetic state outside, SSA frame 0 holding the faulting state. */
    GprSgx assertAex(long rip, int exitInfo) {
        assertThat(lp.enclaveMode()).isFalse();
        assertThat(lp.regs().rip).as("RIP after AEX = AEP").isEqualTo(AEP);
        assertThat(lp.regs().rax).as("RAX after AEX = ERESUME").isEqualTo(3);
        assertThat(lp.regs().rbx).isEqualTo(TCS0);
        assertThat(lp.regs().rsp).isEqualTo(CALLER_RSP);
        assertThat(e.tcsView(TCS0).cssa()).isEqualTo(1);
        GprSgx g = e.gpr(TCS0, 0);
        assertThat(g.reg(GprSgx.RIP)).as("GPRSGX.RIP").isEqualTo(rip);
        assertThat(g.exitInfo()).as("EXITINFO").isEqualTo(exitInfo);
        return g;
    }

    @Test
    void storeToReadOnlyPageFaultsAtTheStoreThenEmodpeAndEresumeComplete() {
        e.eenter(lp, TCS0, EnclaveCode.STORE, UNTRUSTED, READ_ONLY);
        engine.run(lp);

        GprSgx g = assertAex(CODE + EnclaveCode.AT_STORE, GprSgx.exitInfo(PF, GprSgx.EXIT_TYPE_HARDWARE));
        assertThat(g.reg(GprSgx.R11)).as("the three incs before the store ran, nothing after").isEqualTo(3);
        assertThat(e.exinfo(TCS0, 0).maddr()).isEqualTo(READ_ONLY);
        assertThat(e.exinfo(TCS0, 0).errcd()).isEqualTo(SGX_PF | PageFault.PFEC_W);
        assertThat(e.faults).containsExactly(new long[] {READ_ONLY, SGX_PF | PageFault.PFEC_W});
        assertThat(lp.cr2()).isEqualTo(READ_ONLY);
        assertThat(e.enclaveU64(READ_ONLY)).isZero();

        // the exception handler (entered on SSA frame 1) extends the page's permissions
        e.eenter(lp, TCS0, EnclaveCode.EMODPE, UNTRUSTED, READ_ONLY, SCRATCH, SecInfo.R | SecInfo.W);
        engine.run(lp);
        assertThat(lp.regs().rip).isEqualTo(CALLER_RIP);
        assertThat(e.page(READ_ONLY).epcm().w()).isTrue();

        e.eresume(lp, TCS0);
        engine.run(lp);
        assertThat(lp.regs().rip).as("EEXIT after the resumed store").isEqualTo(CALLER_RIP);
        assertThat(e.enclaveU64(READ_ONLY)).isEqualTo(3);
        assertThat(e.u64(UNTRUSTED)).isEqualTo(3);
        assertThat(e.tcsView(TCS0).cssa()).isZero();
        assertThat(e.faults).hasSize(1);
    }

    @Test
    void loadFromPendingPageFaultsUntilEaccept() {
        e.eaug(FREE);
        assertThat(e.page(FREE).epcm().pending()).isTrue();
        e.u64(UNTRUSTED, 0x5555);
        e.eenter(lp, TCS0, EnclaveCode.LOAD, UNTRUSTED, FREE);
        engine.run(lp);
        GprSgx g = assertAex(CODE + EnclaveCode.AT_LOAD, GprSgx.exitInfo(PF, GprSgx.EXIT_TYPE_HARDWARE));
        assertThat(g.reg(GprSgx.R11)).isEqualTo(3);
        assertThat(e.exinfo(TCS0, 0).errcd()).isEqualTo(SGX_PF);

        // resuming without EACCEPT faults again at the same instruction
        e.eresume(lp, TCS0);
        engine.run(lp);
        assertAex(CODE + EnclaveCode.AT_LOAD, GprSgx.exitInfo(PF, GprSgx.EXIT_TYPE_HARDWARE));
        assertThat(e.faults).hasSize(2);

        e.eenter(lp, TCS0, EnclaveCode.EACCEPT, UNTRUSTED + 0x100, FREE, SCRATCH,
                SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W) | SecInfo.PENDING);
        engine.run(lp);
        assertThat(e.u64(UNTRUSTED + 0x100)).as("EACCEPT status").isZero();
        assertThat(e.page(FREE).epcm().pending()).isFalse();

        e.eresume(lp, TCS0);
        engine.run(lp);
        assertThat(lp.regs().rip).isEqualTo(CALLER_RIP);
        assertThat(e.u64(UNTRUSTED)).as("EAUG gave a zeroed page").isZero();
    }

    @Test
    void loadFromAnEnclaveAddressWithoutEpcPageFaultsAtTheLoad() {
        e.eenter(lp, TCS0, EnclaveCode.LOAD, UNTRUSTED, HOLE + 0x18);
        engine.run(lp);
        assertAex(CODE + EnclaveCode.AT_LOAD, GprSgx.exitInfo(PF, GprSgx.EXIT_TYPE_HARDWARE));
        assertThat(e.exinfo(TCS0, 0).maddr()).isEqualTo(HOLE + 0x18);
        assertThat(e.faults).containsExactly(new long[] {HOLE, SGX_PF});
    }

    @Test
    void fetchFromNonExecutablePageFaultsWithInstructionFetchBit() {
        e.eenter(lp, TCS0, EnclaveCode.JMP_RDX, UNTRUSTED, DATA + 0x40);
        engine.run(lp);
        GprSgx g = assertAex(DATA + 0x40, GprSgx.exitInfo(PF, GprSgx.EXIT_TYPE_HARDWARE));
        assertThat(g.reg(GprSgx.R11)).isEqualTo(1);
        assertThat(e.exinfo(TCS0, 0).errcd()).isEqualTo(SGX_PF | PageFault.PFEC_I);
        assertThat(e.faults).containsExactly(new long[] {DATA, SGX_PF | PageFault.PFEC_I});
    }

    @Test
    void fetchOutsideElrangeIsGeneralProtection() {
        e.eenter(lp, TCS0, EnclaveCode.JMP_RDX, UNTRUSTED, UNTRUSTED + 0x800);
        engine.run(lp);
        assertAex(UNTRUSTED + 0x800, GprSgx.exitInfo(GP, GprSgx.EXIT_TYPE_HARDWARE));
        assertThat(e.exinfo(TCS0, 0).maddr()).isZero();
        assertThat(e.faults).as("a #GP is not a page fault").isEmpty();
    }

    @Test
    void permissionsRestrictedByEmodprWhileOutsideApplyAtTheNextEntry() {
        e.eenter(lp, TCS0, EnclaveCode.STORE, UNTRUSTED, DATA + 0x10);
        engine.run(lp);
        assertThat(lp.regs().rip).as("the store to a RW page completes").isEqualTo(CALLER_RIP);
        assertThat(e.enclaveU64(DATA + 0x10)).isEqualTo(3);

        // the driver restricts the page to R (EMODPR + ETRACK) while no thread is inside
        long frame = e.page(DATA).pa();
        e.os.store(0x1000_0100L, SecInfo.of(SecInfo.R).toByteArray());
        assertThat(e.os.encls().emodpr(0x1000_0100L, frame)).isEqualTo(org.jsgx.cpu.SgxStatus.SGX_SUCCESS);
        assertThat(e.os.encls().etrack(e.builder.secs())).isEqualTo(org.jsgx.cpu.SgxStatus.SGX_SUCCESS);

        e.eenter(lp, TCS0, EnclaveCode.STORE, UNTRUSTED, DATA + 0x10);
        engine.run(lp);
        assertAex(CODE + EnclaveCode.AT_STORE, GprSgx.exitInfo(PF, GprSgx.EXIT_TYPE_HARDWARE));
        assertThat(e.exinfo(TCS0, 0).errcd()).isEqualTo(SGX_PF | PageFault.PFEC_W);
    }

    @Test
    void storeToAnExecuteOnlyCodePageIsAnSgxPageFault() {
        // the process's page tables allow the write; the EPCM (R-X) refuses it
        e.eenter(lp, TCS0, EnclaveCode.STORE, UNTRUSTED, CODE);
        engine.run(lp);
        assertAex(CODE + EnclaveCode.AT_STORE, GprSgx.exitInfo(PF, GprSgx.EXIT_TYPE_HARDWARE));
        assertThat(e.faults).containsExactly(new long[] {CODE, SGX_PF | PageFault.PFEC_W});
    }
}
