package org.jsgx.kernel;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jsgx.cpu.Bytes;

/**
 * The driver's launch-control state: the mode, the LE signer the MSRs are fixed to in the
 * token modes, the in-kernel LE and the one mutex that serialises it (the 2017 patch's
 * sgx_le_ctx lock — the bottleneck of that debate), with counters that make its contention
 * visible.
 */
public final class SgxLaunchControl {
    private final LaunchMode mode;
    /** The LE signer as the four MSR words, or null under FLC. */
    private final long[] fixedHash;
    private final ReentrantLock leLock = new ReentrantLock();
    private volatile SgxLaunchTokenProvider provider;
    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong contended = new AtomicLong();
    private final AtomicLong waitNanos = new AtomicLong();

    SgxLaunchControl(Kernel.Config config) {
        this.mode = config.launchMode();
        this.fixedHash = mode == LaunchMode.FLC ? null : words(config.launchSigner());
    }

    static long[] words(byte[] hash) {
        long[] w = new long[4];
        for (int i = 0; i < 4; i++) {
            w[i] = Bytes.le64(hash, 8 * i);
        }
        return w;
    }

    public LaunchMode mode() {
        return mode;
    }

    /** Installs the in-kernel launch enclave ({@link LaunchMode#KERNEL_LE} only). */
    public void provider(SgxLaunchTokenProvider p) {
        if (mode != LaunchMode.KERNEL_LE) {
            throw new IllegalStateException("an in-kernel launch enclave needs launch mode KERNEL_LE, not " + mode);
        }
        provider = p;
    }

    /** The MSR words EINIT needs for an enclave signed by {@code mrSigner}. */
    long[] msrHash(byte[] mrSigner) {
        return fixedHash != null ? fixedHash : words(mrSigner);
    }

    /** Whether {@code mrSigner} is the trusted LE's: it launches with a zero token in every mode. */
    boolean isLaunchSigner(byte[] mrSigner) {
        return fixedHash != null && java.util.Arrays.equals(words(mrSigner), fixedHash);
    }

    /**
     * The in-kernel LE's token for this enclave, asked under the global mutex. Time spent
     * waiting for the mutex and the number of contended acquisitions are counted.
     */
    byte[] kernelToken(byte[] sigstruct, long attributes, long xfrm) {
        SgxLaunchTokenProvider p = provider;
        ErrnoException.check(p == null, Errno.EPERM, "ENCLAVE_INIT: no launch enclave is running");
        tokenRequests.incrementAndGet();
        if (!leLock.tryLock()) {
            contended.incrementAndGet();
            long t0 = System.nanoTime();
            leLock.lock();
            waitNanos.addAndGet(System.nanoTime() - t0);
        }
        try {
            return p.einitToken(sigstruct, attributes, xfrm);
        } finally {
            leLock.unlock();
        }
    }

    /** Tokens the in-kernel LE was asked for. */
    public long tokenRequests() {
        return tokenRequests.get();
    }

    /** Token requests that found the LE mutex held by another INIT. */
    public long lockContended() {
        return contended.get();
    }

    /** Total time INITs spent waiting for the LE mutex. */
    public long lockWaitNanos() {
        return waitNanos.get();
    }
}
