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
}
