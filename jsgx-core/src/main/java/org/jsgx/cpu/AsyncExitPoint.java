package org.jsgx.cpu;

/**
 * The user code at the AEP, as far as an engine may run it itself: after an AEX the processor
 * continues at the AEP in the host (the vDSO's ENCLU with RAX = ERESUME), the kernel having
 * handled the event on the way. Which Java thread executes that host code is invisible to the
 * architecture, so an engine whose enclave code runs on a thread of its own can run the AEP
 * code on that thread instead of handing the processor back and forth.
 */
@FunctionalInterface
public interface AsyncExitPoint {
    /**
     * Called on a processor that has just taken an AEX from the TCS the engine was entered on.
     * Does what the host would do at the AEP; returns true when that was ERESUME on the same
     * TCS and the processor is back in enclave mode (the interrupted code continues), false
     * when the host has finished the call itself (the engine then just returns to its caller).
     */
    boolean resume(LogicalProcessor lp);
}
