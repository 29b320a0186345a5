package org.jsgx.kernel;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsgx.cpu.EnclaveFaultSink;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.PageFault;
import org.jsgx.cpu.Platform;

/**
 * The Linux kernel around the SGX driver: it boots on a {@link Platform}, owns RAM, /dev and
 * the tasks, knows which task is current on each CPU, and is the platform's handler for
 * exceptions raised in enclave mode — the #PF path of arch/x86/mm/fault.c (including the
 * driver's fault handler and fixup_vdso_exception) and the other trap handlers.
 */
public final class Kernel implements EnclaveFaultSink {
    /**
     * Tunables of the model.
     *
     * @param cacheLeHash      keep a per-CPU cache of IA32_SGXLEPUBKEYHASHn so EINIT rewrites only
     *                         changed words (the brief's requirement; mainline writes all four
     *                         before every EINIT)
     * @param einitSleepMillis SGX_EINIT_SLEEP_TIME between EINIT retry rounds (20 ms in Linux)
     * @param launchMode       who authorises EINIT: flexible launch control (mainline), an in-kernel
     *                         launch enclave, or tokens from user space
     * @param launchSigner     in the token modes, the MRSIGNER the LE-hash MSRs are fixed to (the
     *                         trusted launch enclave's signer); null under FLC
     * @param msrWriteNanos    [MODEL] cost of one WRMSR to IA32_SGXLEPUBKEYHASHn, spent busy-waiting
     *                         (0: free); the per-CPU cache exists to avoid it
     * @param uapi             the enclave-permission design the driver implements
     * @param lsm              the security module whose hooks the kernel calls
     */
    public record Config(boolean cacheLeHash, long einitSleepMillis, LaunchMode launchMode, byte[] launchSigner,
                         long msrWriteNanos, SgxUapi uapi, org.jsgx.lsm.SecurityModule lsm) {
        public Config {
            if (launchMode != LaunchMode.FLC && (launchSigner == null || launchSigner.length != 32)) {
                throw new IllegalArgumentException(launchMode + " needs the 32-byte MRSIGNER of the launch enclave");
            }
            launchSigner = launchSigner == null ? null : launchSigner.clone();
            java.util.Objects.requireNonNull(uapi);
            java.util.Objects.requireNonNull(lsm);
        }

        /** Mainline: flexible launch control, free MSR writes, no security module. */
        public Config(boolean cacheLeHash, long einitSleepMillis) {
            this(cacheLeHash, einitSleepMillis, LaunchMode.FLC, null, 0);
        }

        /** A launch mode on the merged driver with no security module. */
        public Config(boolean cacheLeHash, long einitSleepMillis, LaunchMode launchMode, byte[] launchSigner,
                      long msrWriteNanos) {
            this(cacheLeHash, einitSleepMillis, launchMode, launchSigner, msrWriteNanos, SgxUapi.UPSTREAM,
                    org.jsgx.lsm.SecurityModule.NONE);
        }

        /** A permission design and security module under flexible launch control. */
        public Config(boolean cacheLeHash, long einitSleepMillis, SgxUapi uapi, org.jsgx.lsm.SecurityModule lsm) {
            this(cacheLeHash, einitSleepMillis, LaunchMode.FLC, null, 0, uapi, lsm);
        }

        public static Config defaults() {
            return new Config(true, 20);
        }

        public Config with(SgxUapi u, org.jsgx.lsm.SecurityModule m) {
            return new Config(cacheLeHash, einitSleepMillis, launchMode, launchSigner, msrWriteNanos, u, m);
        }

        @Override
        public byte[] launchSigner() {
            return launchSigner == null ? null : launchSigner.clone();
        }
    }

    private final Platform platform;
    private final Config config;
    private final PhysRam ram;
    private final DevFs devfs = new DevFs();
    private final SgxDriver sgx;
    private final ConcurrentHashMap<Integer, Task> current = new ConcurrentHashMap<>();
    private final AtomicInteger nextPid = new AtomicInteger(1);
    private final AtomicInteger nextCpu = new AtomicInteger();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<String> audit = new CopyOnWriteArrayList<>();

    private Kernel(Platform platform, Config config) {
        this.platform = platform;
        this.config = config;
        this.ram = new PhysRam(platform.memory());
        this.sgx = new SgxDriver(this);
        platform.enclaveFaultSink(this);
    }

    public static Kernel boot(Platform platform) {
        return boot(platform, Config.defaults());
    }

    public static Kernel boot(Platform platform, Config config) {
        return new Kernel(platform, config);
    }

    public Platform platform() {
        return platform;
    }

    public Config config() {
        return config;
    }

    /** The security module (Config.lsm). */
    public org.jsgx.lsm.SecurityModule lsm() {
        return config.lsm();
    }

    /**
     * Creates a regular file at {@code path} holding {@code content}, on a mount that is noexec
     * or not. [MODEL] regular files share the device nodes' namespace; their mappings are
     * private copies of the content, which is all the enclave loaders here need.
     */
    public DeviceNode createFile(String path, byte[] content, boolean noexec) {
        DeviceNode n = devfs.register(path, new RegularFileOps(content), 0644);
        n.noexec = noexec;
        return n;
    }

    public PhysRam ram() {
        return ram;
    }

    public DevFs devfs() {
        return devfs;
    }

    public SgxDriver sgx() {
        return sgx;
    }

    /** The EPC statistics (pages, reclaim counters, fault latency, per enclave and cgroup). */
    public SgxStats.Snapshot sgxStats() {
        return sgx.stats();
    }

    /** Stops the kernel's threads (ksgxswapd). */
    public void shutdown() {
        sgx.shutdown();
    }

    /** WARN()s the kernel printed (leaked EPC pages, failed EWB ...). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    void warn(String msg) {
        warnings.add(msg);
    }

    /** The audit log: refusals by the security module on paths with no errno to carry them (faults). */
    public List<String> auditLog() {
        return List.copyOf(audit);
    }

    void audit(String msg) {
        audit.add(msg);
    }

    /** A new process with {@code cred}, scheduled on the next CPU round-robin. */
    public Task spawn(Cred cred) {
        int n = platform.cpus().size();
        return spawn(cred, nextCpu.getAndIncrement() % n);
    }

    /** A new process with {@code cred} bound to logical processor {@code cpu}. */
    public Task spawn(Cred cred, int cpu) {
        return newTask(cred, new Mm(this), platform.cpu(cpu));
    }

    int nextPid() {
        return nextPid.getAndIncrement();
    }

    /** The task whose fault this Java thread is handling (current in the fault path), or null. */
    static Task faultingTask() {
        return FAULTING.get();
    }

    private static final ThreadLocal<Task> FAULTING = new ThreadLocal<>();

    Task newTask(Cred cred, Mm mm, LogicalProcessor cpu) {
        return new Task(this, nextPid.getAndIncrement(), cred, mm, cpu);
    }

    /** The task now runs on its CPU (syscall entry, vDSO call). */
    void current(Task t) {
        int cpu = t.cpu().id();
        // the common case (the same task enters again, the vDSO's ERESUME after a fault) writes nothing
        if (current.get(cpu) != t) {
            current.put(cpu, t);
        }
        if (!t.mm().cpumask.contains(cpu)) {
            t.mm().cpumask.add(cpu);
        }
    }

    Task current(LogicalProcessor lp) {
        Task t = current.get(lp.id());
        if (t == null) {
            throw new IllegalStateException("no task current on CPU " + lp.id());
        }
        return t;
    }

    void mmExited(Mm mm) {
        sgx.mmExited(mm);
    }

    // ---- exception entry ----

    @Override
    public void enclavePageFault(LogicalProcessor lp, long address, int errorCode) {
        Task t = current(lp);
        t.trap = userFault(t, address, errorCode, lp.regs().rip);
    }

    @Override
    public void enclaveException(LogicalProcessor lp, int vector, int errorCode) {
        Task t = current(lp);
        // #DB and #BP are never fixed up: the task gets SIGTRAP
        if (vector == 1 || vector == 3) {
            t.trap = Trap.signal(Signal.SIGTRAP, vector, errorCode, 0);
        } else {
            t.trap = fixupOrSignal(lp.regs().rip, vector, errorCode, 0, Signal.SIGSEGV);
        }
    }

    /**
     * do_user_addr_fault for task {@code t}: resolved, or (SIGSEGV/SIGBUS) fixed up for the vDSO
     * when the faulting instruction is its ENCLU.
     */
    Trap userFault(Task t, long address, int errorCode, long ip) {
        Task prev = FAULTING.get();
        FAULTING.set(t);
        Mm.FaultResult r;
        try {
            r = t.mm().handleUserFault(address, errorCode);
        } finally {
            FAULTING.set(prev);
        }
        return switch (r) {
            case RESOLVED -> Trap.RESOLVED;
            case SIGSEGV -> fixupOrSignal(ip, PageFault.VECTOR, errorCode, address, Signal.SIGSEGV);
            case SIGBUS -> fixupOrSignal(ip, PageFault.VECTOR, errorCode, address, Signal.SIGBUS);
        };
    }

    /** fixup_vdso_exception: only exceptions at the vDSO's ENCLU are reported through sgx_enclave_run. */
    private static Trap fixupOrSignal(long ip, int vector, int errorCode, long address, Signal s) {
        if (ip == Vdso.ENCLU_IP) {
            return Trap.fixup(vector, errorCode, address);
        }
        return Trap.signal(s, vector, errorCode, address);
    }
}
