package org.jsgx.x86;

import java.nio.file.Path;
import java.util.function.Function;
import org.jsgx.cpu.Bytes;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SgxCapabilities;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.kselftest.ElfTestEncl;
import org.jsgx.host.kselftest.TestEnclLoader;
import org.jsgx.kernel.Cred;
import org.jsgx.kernel.Kernel;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxEnclaveRun;
import org.jsgx.kernel.Task;
import org.jsgx.kernel.Vdso;

/**
 * An ELF enclave in the kernel selftest convention, run for real: a fresh SGX2 platform and
 * kernel, one process that loads it like load.c (CREATE, ADD_PAGES per segment, INIT with the
 * SIGSTRUCT the signer gives for encl_measure's MRENCLAVE), maps its segments, and calls ops
 * through the vDSO model on the x86-64 engine. Faults the driver resolves (page-ins, ELDU,
 * EAUG) are transparent, as with the real vDSO; the others are reported in the run struct.
 */
public final class ElfEnclaveSession implements AutoCloseable {
    public static final long PAGE = 4096;

    /** One call's outcome, with the counters it moved. */
    public record Outcome(int ret, int function, int vector, int errorCode, long exceptionAddr, long[] op,
            long aexs, long faultsHandled, long pagesAugmented, long instructions) {
        public boolean eexit() {
            return ret == 0 && function == Vdso.EEXIT;
        }
    }

    public final Platform platform;
    public final Kernel kernel;
    public final Task task;
    public final TestEnclLoader.Encl encl;
    public final X86Engine engine;
    private final Vdso vdso;
    private final long op;
    private final long run;

    /**
     * @param dynamicBytes extra ELRANGE after the heap (for EAUG); mapped RWX with the enclave fd, as the
     *                     selftest augment tests do, so the EPCM alone decides
     * @param counting     count every instruction (an upcall per instruction; off for benchmarks)
     */
    public ElfEnclaveSession(Path elf, long heapBytes, long dynamicBytes, Function<byte[], SigStruct> signer,
            boolean counting) {
        platform = Platform.builder().epcSize(16L << 20).cpus(2).capabilities(SgxCapabilities.defaults().withSgx2(true))
                .build();
        kernel = Kernel.boot(platform, new Kernel.Config(true, 20));
        task = kernel.spawn(Cred.root(), 0);
        engine = new X86Engine(counting);
        try {
            encl = TestEnclLoader.load(task, ElfTestEncl.read(elf, () -> engine), heapBytes, dynamicBytes, signer);
            TestEnclLoader.build(encl);
            TestEnclLoader.mapSegments(encl);
            if (dynamicBytes > 0) {
                long at = dynamicStart();
                long got = task.mmap(at, dynamicBytes, Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC,
                        Mman.MAP_SHARED | Mman.MAP_FIXED, encl.fd, 0);
                if (got != at) {
                    throw new IllegalStateException("mmap of the dynamic area: " + task.lastError());
                }
            }
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        vdso = new Vdso(task, engine);
        op = task.mmap(0, 2 * PAGE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        run = op + PAGE;
        task.mm().write(run, SgxEnclaveRun.allocate().tcs(encl.base).toByteArray());
    }

    /** Where ELRANGE beyond the image and heap begins (EAUG territory). */
    public long dynamicStart() {
        TestEnclLoader.Segment last = encl.segments.get(encl.segments.size() - 1);
        return encl.base + last.offset() + last.size();
    }

    /** Number of TCS pages in the first segment. */
    public int tcsCount() {
        return (int) (encl.segments.get(0).size() / PAGE);
    }

    /** EENTERs through TCS {@code tcsIndex} with RDI = the op (written to user memory, read back). */
    public Outcome call(int tcsIndex, long... opWords) {
        return enter(Vdso.EENTER, tcsIndex, opWords);
    }

    /** ERESUMEs TCS {@code tcsIndex} after a reported exception. */
    public Outcome resume(int tcsIndex, long... opWords) {
        return enter(Vdso.ERESUME, tcsIndex, opWords);
    }

    private Outcome enter(int function, int tcsIndex, long[] opWords) {
        byte[] b = new byte[opWords.length * 8];
        for (int i = 0; i < opWords.length; i++) {
            System.arraycopy(Bytes.le64(opWords[i]), 0, b, 8 * i, 8);
        }
        if (function == Vdso.EENTER) {
            task.mm().write(op, b);
        }
        SgxEnclaveRun r0 = SgxEnclaveRun.allocate().tcs(encl.base + tcsIndex * PAGE);
        task.mm().write(run, r0.toByteArray());
        var lp = task.cpu();
        long aex0 = engine.aexCount(lp), f0 = kernel.sgx().vmaFaults(), e0 = kernel.sgx().eaugPages();
        long i0 = engine.instructionsExecuted(lp);
        int ret = vdso.sgxEnterEnclave(op, 0, 0, function, 0, 0, run);
        SgxEnclaveRun r = new SgxEnclaveRun(task.mm().read(run, SgxEnclaveRun.SIZE));
        byte[] back = task.mm().read(op, b.length);
        long[] out = new long[opWords.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Bytes.le64(back, 8 * i);
        }
        long i1 = engine.instructionsExecuted(lp);
        return new Outcome(ret, r.function(), r.exceptionVector(), r.exceptionErrorCode(), r.exceptionAddr(), out,
                engine.aexCount(lp) - aex0, kernel.sgx().vmaFaults() - f0, kernel.sgx().eaugPages() - e0,
                i1 < 0 ? -1 : i1 - i0);
    }

    @Override
    public void close() {
        try {
            task.exit();
        } finally {
            engine.close();
        }
    }
}
