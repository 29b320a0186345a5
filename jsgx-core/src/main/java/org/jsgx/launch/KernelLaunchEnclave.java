package org.jsgx.launch;

import java.security.interfaces.RSAPrivateCrtKey;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.SigStruct;
import org.jsgx.kernel.Cred;
import org.jsgx.kernel.Errno;
import org.jsgx.kernel.ErrnoException;
import org.jsgx.kernel.Kernel;
import org.jsgx.kernel.LaunchMode;
import org.jsgx.kernel.SgxLaunchTokenProvider;
import org.jsgx.kernel.Task;

/**
 * The 2017 patch's in-kernel launch enclave ({@link LaunchMode#KERNEL_LE}): the kernel starts one
 * LE in a helper process of its own (the patch's sgx_le_proxy, spawned as a user-mode helper)
 * on a CPU reserved for it, and every INIT of a non-LE enclave asks it for a token under the
 * driver's single LE mutex. One LE, one TCS: INITs on all CPUs queue for it.
 */
public final class KernelLaunchEnclave implements SgxLaunchTokenProvider {
    private final LaunchEnclave le;

    private KernelLaunchEnclave(LaunchEnclave le) {
        this.le = le;
    }

    /**
     * Starts the LE on logical processor {@code cpu} (which nothing else should use) and
     * installs it in the driver.
     */
    public static KernelLaunchEnclave start(Kernel kernel, int cpu, RSAPrivateCrtKey leKey, LaunchPolicy policy) {
        if (kernel.config().launchMode() != LaunchMode.KERNEL_LE) {
            throw new IllegalStateException("the kernel runs launch mode " + kernel.config().launchMode());
        }
        Task proxy = kernel.spawn(Cred.root(), cpu);
        LaunchEnclave le = LaunchEnclave.start(proxy, LaunchEnclave.DEFAULT_BASE, leKey, policy, false, 0x20, 1);
        KernelLaunchEnclave k = new KernelLaunchEnclave(le);
        kernel.sgx().launchControl().provider(k);
        return k;
    }

    public LaunchEnclave enclave() {
        return le;
    }

    @Override
    public byte[] einitToken(byte[] sigstruct, long attributes, long xfrm) {
        try {
            return le.mint(SigStruct.of(sigstruct), new Attributes(attributes, xfrm));
        } catch (LaunchRefusedException e) {
            throw new ErrnoException(Errno.EPERM, "ENCLAVE_INIT: " + e.getMessage());
        }
    }
}
