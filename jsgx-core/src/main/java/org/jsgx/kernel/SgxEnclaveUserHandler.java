package org.jsgx.kernel;

/**
 * The vDSO's optional exit handler ({@code sgx_enclave_user_handler_t}): called on every exit
 * with the registers the enclave left and the untrusted stack pointer. A return value &le; 0
 * ends the vDSO call with that value; a positive one is the next ENCLU leaf to run.
 */
@FunctionalInterface
public interface SgxEnclaveUserHandler {
    long handle(long rdi, long rsi, long rdx, long ursp, long r8, long r9, long run);
}
