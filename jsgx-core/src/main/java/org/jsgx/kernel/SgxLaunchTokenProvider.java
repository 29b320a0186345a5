package org.jsgx.kernel;

/**
 * The in-kernel launch enclave as the driver sees it ({@link LaunchMode#KERNEL_LE}): asked for
 * a token for the enclave about to be EINITed. The driver serialises calls under one mutex, as
 * the 2017 patch's sgx_le_ctx did.
 */
@FunctionalInterface
public interface SgxLaunchTokenProvider {
    /**
     * @param sigstruct  the 1808-byte SIGSTRUCT INIT was given
     * @param attributes the enclave's SECS.ATTRIBUTES flags (what the token must carry)
     * @param xfrm       the enclave's SECS.ATTRIBUTES XFRM
     * @return the 304-byte EINITTOKEN
     * @throws ErrnoException when the LE refuses (EPERM) or is unavailable
     */
    byte[] einitToken(byte[] sigstruct, long attributes, long xfrm);
}
