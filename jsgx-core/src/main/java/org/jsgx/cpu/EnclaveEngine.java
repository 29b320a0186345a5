package org.jsgx.cpu;

/**
 * Executes enclave code on a logical processor, as the core's pipeline does between EENTER (or
 * ERESUME) and the next exit. Two kinds sit behind this one interface: the driver model's
 * Java-logic engine (enclave functions written in Java, every memory access through
 * {@link LogicalProcessor#enclaveRead}/{@code enclaveWrite}/{@code enclaveFetch}) and the x86-64
 * engine of module jsgx-x86 (real enclave binaries).
 *
 * <p>Contract: called with the processor in enclave mode and RIP at the next enclave
 * instruction (the state EENTER/ERESUME leave). Returns once the processor has left enclave
 * mode — by EEXIT (executed through {@link Enclu#execute()}) or by an AEX the engine raised with
 * {@link LogicalProcessor#aex} for a fault, trap or interrupt. Registers are synchronised with
 * {@link LogicalProcessor#regs()} at both ends.
 */
public interface EnclaveEngine {

    void run(LogicalProcessor lp);

    /**
     * As {@link #run(LogicalProcessor)}, but after an AEX the engine may run the host's AEP code
     * ({@code aep}) itself and carry on when it re-entered; it then returns after EEXIT, after an
     * AEX for which {@code aep} returned false, or after an AEX it did not offer to {@code aep}.
     * Engines that run enclave code on the caller's thread have nothing to gain and ignore it.
     */
    default void run(LogicalProcessor lp, AsyncExitPoint aep) {
        run(lp);
    }
}
