package org.jsgx.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jsgx.cpu.Bytes;
import org.jsgx.cpu.Platform;
import org.jsgx.engine.EnclaveContext;
import org.jsgx.engine.EnclaveProgram;
import org.jsgx.engine.JavaEnclaveEngine;
import org.jsgx.host.kselftest.TestEncl;
import org.jsgx.host.kselftest.TestEnclLoader;
import org.jsgx.kernel.Cred;
import org.jsgx.kernel.Kernel;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxEnclaveRun;
import org.jsgx.kernel.SgxEpcCgroup;
import org.jsgx.kernel.Task;
import org.jsgx.kernel.Vdso;

/**
 * Several enclaves (the kernel selftests' test enclave with a large heap) whose total size
 * oversubscribes a small EPC, each driven by several threads (one TCS and one CPU each) through
 * the vDSO, while ksgxswapd reclaims. Enclave code (Java, at encl_entry) writes a pattern over
 * its share of the heap pages — every byte, derived from (seed, page, pass) — and reads every
 * byte back, counting mismatches. Used by the oversubscription and cgroup tests, the tamper
 * tests and {@code jsgx bench reclaim}.
 */
public final class EpcOversubscription implements AutoCloseable {
    public static final int PAGE = 4096;
    /** Op block in untrusted memory: what RDI points to at EENTER. */
    static final int OP_MODE = 0, OP_FIRST = 8, OP_COUNT = 16, OP_STRIDE = 24, OP_SEED = 32, OP_RESULT = 40,
            OP_BUFFER = 48, OP_SIZE = 64;
    /** Modes: write then verify; verify only; copy one page out to OP_BUFFER. */
    public static final long WRITE_VERIFY = 0, VERIFY = 1, COPY_OUT = 2;
    /** Reads 8 bytes of each page (a swap-throughput sweep: the fault path, not the copy). */
    public static final long TOUCH = 3;
    public static final int MAX_THREADS = 2; // the test enclave has two TCSs

    public final Platform platform;
    public final Kernel kernel;
    public final List<Enclave> enclaves = new ArrayList<>();

    /** One enclave: its process, threads (each with a vDSO, op block and run struct). */
    public static final class Enclave {
        public final TestEnclLoader.Encl encl;
        public final long heapPages;
        public final List<Thread> threads = new ArrayList<>();
        final JavaEnclaveEngine engine = new JavaEnclaveEngine(Map.of(TestEncl.ENCL_ENTRY, new Program()));

        Enclave(TestEnclLoader.Encl encl, long heapPages) {
            this.encl = encl;
            this.heapPages = heapPages;
        }

        public long heapBase() {
            return encl.base + TestEncl.IMAGE_END;
        }
    }

    /** One enclave thread: a task on its own CPU entering through its own TCS. */
    public static final class Thread {
        public final Task task;
        public final Vdso vdso;
        public final long op;
        public final long run;
        final long tcs;

        Thread(Task task, Vdso vdso, long op, long run, long tcs) {
            this.task = task;
            this.vdso = vdso;
            this.op = op;
            this.run = run;
            this.tcs = tcs;
        }

        /** The run struct after the last call. */
        public SgxEnclaveRun runStruct() {
            return new SgxEnclaveRun(task.mm().read(run, SgxEnclaveRun.SIZE));
        }
    }

    /**
     * Boots a platform with {@code epcPages} of EPC and {@code enclaveCount} x {@code threads}
     * + 1 CPUs, and builds the enclaves, each with {@code heapPages} of heap; {@code groups}
     * (may be null) puts enclave i into cgroup groups[i] when non-null.
     */
    public EpcOversubscription(long epcPages, int enclaveCount, long heapPages, int threads, SgxEpcCgroupSpec[] groups) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("1.." + MAX_THREADS + " threads per enclave");
        }
        platform = Platform.builder().epcSize(epcPages * PAGE).cpus(enclaveCount * threads).build();
        kernel = Kernel.boot(platform, new Kernel.Config(true, 0));
        for (int i = 0; i < enclaveCount; i++) {
            Task leader = kernel.spawn(Cred.root(), i * threads);
            if (groups != null && groups[i] != null) {
                leader.epcCgroup(groups[i].resolve(kernel));
            }
            TestEnclLoader.Encl e = TestEnclLoader.load(leader, heapPages * PAGE, 0);
            TestEnclLoader.build(e);
            TestEnclLoader.mapSegments(e);
            Enclave en = new Enclave(e, heapPages);
            for (int t = 0; t < threads; t++) {
                Task task = t == 0 ? leader : leader.cloneThread(i * threads + t);
                long mem = leader.mmap(0, 2L * PAGE, Mman.PROT_READ | Mman.PROT_WRITE,
                        Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
                long tcs = e.base + (t == 0 ? TestEncl.TCS1 : TestEncl.TCS2);
                leader.mm().write(mem + PAGE, SgxEnclaveRun.allocate().tcs(tcs).toByteArray());
                en.threads.add(new Thread(task, new Vdso(task, en.engine), mem, mem + PAGE, tcs));
            }
            enclaves.add(en);
        }
    }

    /** A cgroup by name with a limit, created on the kernel when the workload boots. */
    public record SgxEpcCgroupSpec(String name, long max, java.util.Map<String, SgxEpcCgroup> made) {
        SgxEpcCgroup resolve(Kernel k) {
            return made.computeIfAbsent(name, n -> {
                SgxEpcCgroup g = k.sgx().createCgroup(n);
                g.max(max);
                return g;
            });
        }
    }

    /**
     * One call on thread {@code t}: mode, pages [first, first + count*stride) by stride, seed.
     * Returns the mismatch count the enclave reported, or throws if the vDSO reported an
     * exception (the kernel could not resolve a fault: SIGBUS fixed up) or a signal arrived.
     */
    public long call(Thread t, long mode, long first, long count, long stride, long seed) {
        byte[] op = new byte[OP_SIZE];
        put(op, OP_MODE, mode);
        put(op, OP_FIRST, first);
        put(op, OP_COUNT, count);
        put(op, OP_STRIDE, stride);
        put(op, OP_SEED, seed);
        put(op, OP_BUFFER, t.op + PAGE / 2); // unused unless COPY_OUT
        t.task.mm().write(t.op, op);
        t.task.mm().write(t.run + SgxEnclaveRun.FUNCTION, new byte[16]);
        int ret = t.vdso.sgxEnterEnclave(t.op, 0, 0, Vdso.EENTER, 0, 0, t.run);
        SgxEnclaveRun r = t.runStruct();
        if (ret != 0 || r.function() != Vdso.EEXIT) {
            throw new EnclaveException(r.function(), r.exceptionVector(), r.exceptionErrorCode(), r.exceptionAddr());
        }
        return Bytes.le64(t.task.mm().read(t.op + OP_RESULT, 8), 0);
    }

    /** The vDSO reported an exception the kernel could not fix (function = ERESUME/EENTER). */
    public static final class EnclaveException extends RuntimeException {
        public final int function;
        public final int vector;
        public final long address;

        EnclaveException(int function, int vector, int errorCode, long address) {
            super(String.format("enclave exit %d: exception vector %d (error code 0x%x) at 0x%x", function, vector,
                    errorCode, address));
            this.function = function;
            this.vector = vector;
            this.address = address;
        }
    }

    /**
     * Every thread of every enclave writes then verifies its interleaved share of the heap for
     * {@code passes} passes, all at once; returns total mismatches. Throws on a signal, an
     * unresolved fault or a timeout (deadlock).
     */
    public long runAll(int passes, long timeoutSeconds) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(enclaves.size() * enclaves.getFirst().threads.size());
        try {
            List<Future<Long>> fs = new ArrayList<>();
            for (int ei = 0; ei < enclaves.size(); ei++) {
                Enclave e = enclaves.get(ei);
                int n = e.threads.size();
                for (int ti = 0; ti < n; ti++) {
                    Thread t = e.threads.get(ti);
                    long first = ti;
                    long count = (e.heapPages - ti + n - 1) / n;
                    long seedBase = ei * 1_000_003L;
                    fs.add(ex.submit(() -> {
                        long bad = 0;
                        for (int p = 0; p < passes; p++) {
                            bad += call(t, WRITE_VERIFY, first, count, n, seedBase + p);
                            bad += call(t, VERIFY, first, count, n, seedBase + p);
                        }
                        return bad;
                    }));
                }
            }
            long bad = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            for (Future<Long> f : fs) {
                bad += f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            return bad;
        } finally {
            ex.shutdownNow();
        }
    }

    @Override
    public void close() {
        for (Enclave e : enclaves) {
            try {
                e.encl.task.exit();
            } catch (RuntimeException ignored) {
                // a killed enclave's process may already be gone
            }
        }
        kernel.shutdown();
    }

    private static void put(byte[] b, int off, long v) {
        System.arraycopy(Bytes.le64(v), 0, b, off, 8);
    }

    /** The byte pattern of heap page {@code page} for {@code seed}: every byte depends on both. */
    public static byte[] pattern(long seed, long page) {
        byte[] b = new byte[PAGE];
        long x = seed * 0x9E3779B97F4A7C15L ^ (page + 1) * 0xC2B2AE3D27D4EB4FL;
        for (int i = 0; i < PAGE; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            for (int k = 0; k < 8; k++) {
                b[i + k] = (byte) (x >>> (8 * k));
            }
        }
        return b;
    }

    /** encl_entry's code for this workload. */
    private static final class Program implements EnclaveProgram {
        @Override
        public void run(EnclaveContext ctx) {
            long op = ctx.rdi();
            byte[] o = ctx.read(op, OP_SIZE);
            long mode = Bytes.le64(o, OP_MODE), first = Bytes.le64(o, OP_FIRST), count = Bytes.le64(o, OP_COUNT);
            long stride = Bytes.le64(o, OP_STRIDE), seed = Bytes.le64(o, OP_SEED);
            long heap = ctx.base() + TestEncl.IMAGE_END;
            long bad = 0;
            if (mode == TOUCH) {
                for (long i = 0, p = first; i < count; i++, p += stride) {
                    bad += ctx.read(heap + p * PAGE, 8)[0];
                }
            } else if (mode == COPY_OUT) {
                ctx.write(Bytes.le64(o, OP_BUFFER), ctx.read(heap + first * PAGE, 64));
            } else {
                if (mode == WRITE_VERIFY) {
                    for (long i = 0, p = first; i < count; i++, p += stride) {
                        ctx.write(heap + p * PAGE, pattern(seed, p));
                    }
                }
                for (long i = 0, p = first; i < count; i++, p += stride) {
                    if (!java.util.Arrays.equals(ctx.read(heap + p * PAGE, PAGE), pattern(seed, p))) {
                        bad++;
                    }
                }
            }
            ctx.write(op + OP_RESULT, Bytes.le64(bad));
        }
    }
}
