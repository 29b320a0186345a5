package org.jsgx.bench;

import java.security.interfaces.RSAPrivateCrtKey;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Platform;
import org.jsgx.host.RsaKeys;
import org.jsgx.kernel.Cred;
import org.jsgx.kernel.Kernel;
import org.jsgx.kernel.LaunchMode;
import org.jsgx.kernel.SgxLaunchControl;
import org.jsgx.kernel.Task;
import org.jsgx.launch.EnclaveIoctls;
import org.jsgx.launch.KernelLaunchEnclave;
import org.jsgx.launch.LaunchPolicy;
import org.jsgx.launch.SmallEnclave;
import org.jsgx.launch.UserLauncher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SGX_IOC_ENCLAVE_INIT per second in each launch mode, with JMH threads as concurrent
 * launchers (run with {@code -t N} / {@code OptionsBuilder.threads(N)}; `jsgx bench einit
 * --threads 1,2,4,8` runs each count). Every operation INITs a fresh 2-page enclave created
 * beforehand (CREATE + ADD_PAGES are per-invocation setup, not timed); each thread alternates
 * between two images from two signers, so under FLC the per-CPU MSR cache misses on every
 * EINIT, while the token modes keep the MSRs at the LE's signer. A WRMSR costs
 * {@link #MSR_WRITE_NANOS} [MODEL].
 *
 * <ul>
 * <li>FLC — mainline: zero token, MSRs := the enclave's signer.
 * <li>KERNEL_LE — the 2017 patch: one LE, a global mutex, a token minted for every INIT.
 * <li>USER_TOKEN — one LE per thread and a token cache (hits after the first two launches).
 * <li>USER_TOKEN_NOCACHE — one LE per thread, a fresh token for every INIT (the LE's cost without the mutex).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 3, time = 1)
@org.openjdk.jmh.annotations.Measurement(iterations = 5, time = 1)
public class EinitBenchmark {
    /** [MODEL] cost of one WRMSR to IA32_SGXLEPUBKEYHASHn. */
    public static final long MSR_WRITE_NANOS = 1000;
    static final int MAX_THREADS = 16;
    static final long BASE = 0x7000_0000_0000L;
    static final Attributes PROD = new Attributes(Attributes.MODE64BIT, 3);
    private static RSAPrivateCrtKey leKey, appKey, otherKey;

    @Param({"FLC", "KERNEL_LE", "USER_TOKEN", "USER_TOKEN_NOCACHE"})
    public String mode;

    Kernel kernel;
    final AtomicInteger nextThread = new AtomicInteger();
    SmallEnclave.Image[] images;

    static synchronized void keys() {
        if (leKey == null) {
            leKey = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
            appKey = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
            otherKey = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        }
    }

    LaunchMode launchMode() {
        return mode.startsWith("USER_TOKEN") ? LaunchMode.USER_TOKEN : LaunchMode.valueOf(mode);
    }

    @Setup(Level.Trial)
    public void boot() {
        keys();
        LaunchMode m = launchMode();
        // app tasks on CPUs 0..15, user LEs on 16..31, the kernel's LE on 32: no CPU is shared
        Platform pf = Platform.builder().epcSize(64L << 20).cpus(2 * MAX_THREADS + 1).build();
        kernel = Kernel.boot(pf, new Kernel.Config(true, 0, m, m == LaunchMode.FLC ? null : RsaKeys.mrSigner(leKey),
                MSR_WRITE_NANOS));
        if (m == LaunchMode.KERNEL_LE) {
            KernelLaunchEnclave.start(kernel, 2 * MAX_THREADS, leKey, LaunchPolicy.anySigner(false));
        }
        images = new SmallEnclave.Image[] {SmallEnclave.Image.of(appKey, PROD, 1),
                SmallEnclave.Image.of(otherKey, PROD, 2)};
    }

    /** Makes the in-kernel LE's mutex visible: how many token requests found it held, how long they waited. */
    @TearDown(Level.Trial)
    public void report() {
        SgxLaunchControl lc = kernel.sgx().launchControl();
        long req = lc.tokenRequests();
        System.err.printf("einit %s threads=%d: LE token requests %d, mutex contended %d (%.1f%%), waited %.1f ms;"
                        + " MSR writes %d, skipped %d%n", mode, nextThread.get(), req, lc.lockContended(),
                req == 0 ? 0.0 : 100.0 * lc.lockContended() / req, lc.lockWaitNanos() / 1e6,
                kernel.sgx().leHashMsrWrites(), kernel.sgx().leHashMsrWritesSkipped());
    }

    /** One launcher thread: its own process and CPU, its own LE in the user-token modes. */
    @State(Scope.Thread)
    public static class Launcher {
        Task task;
        long scratch;
        long src;
        UserLauncher user;
        boolean cache;
        int n;
        SmallEnclave next;

        @Setup(Level.Trial)
        public void start(EinitBenchmark b) {
            int i = b.nextThread.getAndIncrement();
            if (i >= MAX_THREADS) {
                throw new IllegalStateException("at most " + MAX_THREADS + " threads");
            }
            task = b.kernel.spawn(Cred.root(), i);
            scratch = EnclaveIoctls.scratch(task);
            src = SmallEnclave.sourceMapping(task);
            if (b.launchMode() == LaunchMode.USER_TOKEN) {
                user = UserLauncher.start(b.kernel, new int[] {MAX_THREADS + i}, leKey, LaunchPolicy.anySigner(false),
                        false);
                cache = !b.mode.endsWith("NOCACHE");
            }
        }

        @Setup(Level.Invocation)
        public void create(EinitBenchmark b) {
            next = SmallEnclave.create(task, scratch, src, BASE, b.images[n++ & 1]);
        }

        @TearDown(Level.Invocation)
        public void close() {
            next.close();
        }
    }

    @Benchmark
    public int einit(Launcher l) {
        SmallEnclave e = l.next;
        int ret;
        if (l.user == null) {
            ret = EnclaveIoctls.init(l.task, e.fd(), l.scratch, e.sigstruct());
        } else if (l.cache) {
            ret = l.user.init(l.task, e.fd(), l.scratch, e.sigstruct(), e.attributes());
        } else {
            ret = EnclaveIoctls.initWithToken(l.task, e.fd(), l.scratch, e.sigstruct(),
                    l.user.mint(e.sigstruct(), e.attributes()));
        }
        if (ret != 0) {
            throw new IllegalStateException(mode + ": INIT failed: " + l.task.errno() + " (" + l.task.lastError() + ")");
        }
        return ret;
    }
}
