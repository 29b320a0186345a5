package org.jsgx.engine;

/**
 * Enclave code written in Java: what runs from one EENTER to the EEXIT that ends it, with
 * every memory access and ENCLU leaf made through its {@link EnclaveContext}. Returning from
 * {@link #run} is the enclave's EEXIT to the address EENTER left in RCX.
 */
@FunctionalInterface
public interface EnclaveProgram {
    void run(EnclaveContext ctx);
}
