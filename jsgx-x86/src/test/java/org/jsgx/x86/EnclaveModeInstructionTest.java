package org.jsgx.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jsgx.x86.X86TestEnclave.*;

import org.jsgx.cpu.GprSgx;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.SgxCapabilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Instructions that fault inside a real enclave fault here too (reference §6.4), with the
 * architectural AEX: EXITINFO vector and type, GPRSGX.RIP at the instruction for faults and
 * after it for the INT3 trap.
 */
class EnclaveModeInstructionTest {
    static final int DE = 0, BP = 3, UD = 6, GP = 13;

    X86TestEnclave e;
    X86Engine engine;

    @BeforeAll
    static void unicorn() {
        X86Available.assume();
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private LogicalProcessor runFunction(SgxCapabilities caps, int function) {
        e = new X86TestEnclave(caps);
        engine = new X86Engine();
        LogicalProcessor lp = e.cpu(1);
        e.eenter(lp, TCS0, function, UNTRUSTED);
        engine.run(lp);
        return lp;
    }

    @ParameterizedTest(name = "{0}: vector {2}")
    @CsvSource({
        "CPUID,      6,  6, 3, 0",
        "SYSCALL,    7,  6, 3, 0",
        "UD2,        9,  6, 3, 0",
        "DIV0,      10,  0, 3, 0",
        "INT 0x80,  11,  6, 3, 0",
        "OUT,       17,  6, 3, 0",
        "EENTER,    18, 13, 3, 0",
        "INT3,       8,  3, 6, 1",
    })
    void faultingInstructionGivesArchitecturalAex(String name, int function, int vector, int type, int after) {
        LogicalProcessor lp = runFunction(SgxCapabilities.defaults(), function);
        long at = switch (function) {
            case EnclaveCode.CPUID -> EnclaveCode.AT_CPUID;
            case EnclaveCode.SYSCALL -> EnclaveCode.AT_SYSCALL;
            case EnclaveCode.UD2 -> EnclaveCode.AT_UD2;
            case EnclaveCode.DIV0 -> EnclaveCode.AT_DIV;
            case EnclaveCode.INT80 -> EnclaveCode.AT_INT80;
            case EnclaveCode.OUT -> EnclaveCode.AT_OUT;
            case EnclaveCode.NESTED_EENTER -> EnclaveCode.AT_NESTED_ENCLU;
            case EnclaveCode.INT3 -> EnclaveCode.AT_INT3;
            default -> throw new IllegalArgumentException(name);
        };
        assertThat(lp.enclaveMode()).isFalse();
        assertThat(lp.regs().rip).isEqualTo(AEP);
        GprSgx g = e.gpr(TCS0, 0);
        assertThat(g.exitInfo()).as("EXITINFO").isEqualTo(GprSgx.exitInfo(vector, type));
        assertThat(g.reg(GprSgx.RIP)).as("GPRSGX.RIP").isEqualTo(CODE + at + after);
        if (function != EnclaveCode.DIV0 && function != EnclaveCode.NESTED_EENTER) {
            assertThat(g.reg(GprSgx.R11)).as("the instruction before ran").isEqualTo(1);
        }
        if (function == EnclaveCode.CPUID) {
            assertThat(g.reg(GprSgx.RAX)).as("CPUID had no effect on RAX (CSSA at entry)").isZero();
            assertThat(g.reg(GprSgx.RBX)).as("CPUID had no effect on RBX").isEqualTo(TCS0);
        }
        assertThat(e.faults).isEmpty();
    }

    /**
     * CPUID in the middle of a block: nothing after it happens, neither the register update
     * nor the store (an uncounted Unicorn 2.1 run finishes the block after the hook asked to
     * stop; the engine must return to the state at the CPUID).
     */
    @Test
    void nothingAfterAnUndefinedInstructionInItsBlockHappens() {
        e = new X86TestEnclave();
        engine = new X86Engine();
        LogicalProcessor lp = e.cpu(1);
        e.u64(UNTRUSTED + 8, 0x5555);
        e.eenter(lp, TCS0, EnclaveCode.CPUID_IN_BLOCK, UNTRUSTED, UNTRUSTED + 8);
        engine.run(lp);
        GprSgx g = e.gpr(TCS0, 0);
        assertThat(g.exitInfo()).as("EXITINFO").isEqualTo(GprSgx.exitInfo(UD, 3));
        assertThat(g.reg(GprSgx.RIP)).isEqualTo(CODE + EnclaveCode.AT_CPUID_IN_BLOCK);
        assertThat(g.reg(GprSgx.R11)).as("only the inc before CPUID ran").isEqualTo(1);
        assertThat(e.u64(UNTRUSTED + 8)).as("the store after CPUID did not happen").isEqualTo(0x5555);
        // the same engine runs on normally afterwards (its TLB and state are the model's again)
        e.eenter(lp, TCS1, EnclaveCode.STORE, UNTRUSTED, UNTRUSTED + 16);
        engine.run(lp);
        assertThat(lp.regs().rip).isEqualTo(CALLER_RIP);
        assertThat(e.u64(UNTRUSTED)).as("three incs from 0, stored, loaded back and copied").isEqualTo(3);
    }

    @Test
    void int3IsATrapAndEresumeContinuesAfterIt() {
        LogicalProcessor lp = runFunction(SgxCapabilities.defaults(), EnclaveCode.INT3);
        e.eresume(lp, TCS0);
        engine.run(lp);
        assertThat(lp.regs().rip).isEqualTo(CALLER_RIP);
        assertThat(lp.regs().r11).as("both incs ran, the int3 once").isEqualTo(2);
    }

    @Test
    void rdtscIsUndefinedOnSgx1OnlyParts() {
        e = new X86TestEnclave(SgxCapabilities.sgx1Only());
        engine = new X86Engine();
        LogicalProcessor lp = e.cpu(1);
        Assumptions.assumeTrue(engine.core(lp).rdtscTrapped(),
                "Unicorn " + X86Engine.unicornVersion() + " cannot hook RDTSC (UC_HOOK_INSN accepts it from 2.0.2)");
        e.eenter(lp, TCS0, EnclaveCode.RDTSC, UNTRUSTED);
        engine.run(lp);
        assertThat(e.gpr(TCS0, 0).exitInfo()).isEqualTo(GprSgx.exitInfo(UD, 3));
        assertThat(e.gpr(TCS0, 0).reg(GprSgx.RIP)).isEqualTo(CODE + EnclaveCode.AT_RDTSC);
    }

    @Test
    void rdtscRunsOnSgx2Parts() {
        LogicalProcessor lp = runFunction(SgxCapabilities.defaults(), EnclaveCode.RDTSC);
        assertThat(lp.regs().rip).as("EEXIT, no AEX").isEqualTo(CALLER_RIP);
    }
}
