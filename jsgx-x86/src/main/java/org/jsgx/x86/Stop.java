package org.jsgx.x86;

import org.jsgx.cpu.Access;
import org.jsgx.cpu.ArchFault;

/**
 * Why a hook stopped emulation: what the engine's run loop must do before (or instead of)
 * resuming. Hooks only record a stop and return; every change to the engine (mapping,
 * registers, leaving enclave mode) happens in the run loop, outside {@code uc_emu_start}.
 */
sealed interface Stop {

    /** The instruction at {@code rip} raised {@code fault} (an EPCM or paging check). */
    record Fault(ArchFault fault, long rip) implements Stop {
    }

    /** The page of {@code address} must be (re)mapped for {@code access}, then {@code rip} retried. */
    record Fill(long address, Access access, long rip) implements Stop {
    }

    /**
     * An exception or interrupt {@code vector} at the instruction at {@code rip}; execution
     * resumes at {@code resumeRip} (the instruction itself for faults, the next one for traps).
     */
    record Event(int vector, long rip, long resumeRip) implements Stop {
    }

    /**
     * An instruction Unicorn cannot execute at {@code rip}: ENCLU, or a real #UD. Recorded by the
     * run loop from {@code UC_ERR_INSN_INVALID} (no hook: RIP is exact there without one).
     */
    record Invalid(long rip) implements Stop {
    }
}
