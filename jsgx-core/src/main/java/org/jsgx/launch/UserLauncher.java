package org.jsgx.launch;

import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.SigStruct;
import org.jsgx.kernel.Cred;
import org.jsgx.kernel.Errno;
import org.jsgx.kernel.Kernel;
import org.jsgx.kernel.LaunchMode;
import org.jsgx.kernel.Task;
import java.util.concurrent.atomic.LongAdder;

/**
 * User-space launch ({@link LaunchMode#USER_TOKEN}), the model of a launch daemon/library: a
 * pool of LEs, each in its own process on its own CPU, a {@link TokenCache}, and INIT through
 * SGX_IOC_ENCLAVE_INIT_TOKEN. A cached token that EINIT refuses (SGX_INVALID_EINITTOKEN, seen
 * as EPERM: e.g. after a platform reset changed the owner epoch) is dropped and minted afresh
 * once.
 */
public final class UserLauncher {
    private final BlockingQueue<LaunchEnclave> pool;
    private final List<LaunchEnclave> all = new ArrayList<>();
    private final TokenCache cache = new TokenCache();
    private final LongAdder refreshes = new LongAdder();

    private UserLauncher(int size) {
        pool = new ArrayBlockingQueue<>(size);
    }

    /** Starts {@code cpus.length} LEs, the i-th on logical processor {@code cpus[i]}. */
    public static UserLauncher start(Kernel kernel, int[] cpus, RSAPrivateCrtKey leKey, LaunchPolicy policy,
                                     boolean debugLe) {
        if (kernel.config().launchMode() != LaunchMode.USER_TOKEN) {
            throw new IllegalStateException("the kernel runs launch mode " + kernel.config().launchMode());
        }
        UserLauncher u = new UserLauncher(cpus.length);
        for (int cpu : cpus) {
            Task t = kernel.spawn(Cred.root(), cpu);
            LaunchEnclave le = LaunchEnclave.start(t, LaunchEnclave.DEFAULT_BASE, leKey, policy, debugLe, 0x20, 1);
            u.all.add(le);
            u.pool.add(le);
        }
        return u;
    }

    public TokenCache cache() {
        return cache;
    }

    /** Cached tokens EINIT refused and that were replaced by fresh ones. */
    public long refreshes() {
        return refreshes.sum();
    }

    public List<LaunchEnclave> enclaves() {
        return List.copyOf(all);
    }

    /** A fresh token from a pooled LE (not cached). */
    public byte[] mint(SigStruct sig, Attributes attributes) {
        LaunchEnclave le;
        try {
            le = pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        try {
            return le.mint(sig, attributes);
        } finally {
            pool.add(le);
        }
    }

    /**
     * INIT of the enclave open as {@code fd} in {@code task} with a token for it: 0, or -1 with
     * the task's errno.
     *
     * @param attributes the enclave's SECS.ATTRIBUTES as created
     * @throws LaunchRefusedException when the LE's policy declines
     */
    public int init(Task task, int fd, long scratch, SigStruct sig, Attributes attributes) {
        TokenCache.Entry e = cache.get(sig, attributes, () -> mint(sig, attributes));
        int ret = EnclaveIoctls.initWithToken(task, fd, scratch, sig, e.token());
        if (ret != 0 && e.cached() && task.errno() == Errno.EPERM) {
            cache.invalidate(sig, attributes);
            refreshes.increment();
            ret = EnclaveIoctls.initWithToken(task, fd, scratch, sig,
                    cache.get(sig, attributes, () -> mint(sig, attributes)).token());
        }
        return ret;
    }
}
