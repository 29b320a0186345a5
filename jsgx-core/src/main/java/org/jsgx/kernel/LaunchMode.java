package org.jsgx.kernel;

/**
 * Who authorises EINIT: the three positions of the 2017 launch-control debate.
 */
public enum LaunchMode {
    /**
     * Flexible launch control as upstream: before each EINIT the kernel points the
     * IA32_SGXLEPUBKEYHASHn MSRs at the enclave's own signer and passes an all-zero token, so
     * any correctly signed enclave launches (policy, if any, is the kernel's).
     */
    FLC,
    /**
     * The 2017 patch: one launch enclave owned by the kernel mints every token; INIT asks it
     * while holding a single global mutex, then EINITs with the token. The MSRs stay fixed to
     * the LE's signer. User space cannot supply a token.
     */
    KERNEL_LE,
    /**
     * Tokens from user space (Sean Christopherson's position): the caller brings an EINITTOKEN
     * through {@link SgxIoctl#SGX_IOC_ENCLAVE_INIT_TOKEN}, minted by whichever LEs it runs; the
     * kernel only keeps the MSRs at the trusted LE's signer.
     */
    USER_TOKEN
}
