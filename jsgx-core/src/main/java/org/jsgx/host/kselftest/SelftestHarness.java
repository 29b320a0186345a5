package org.jsgx.host.kselftest;

import org.jsgx.cpu.Platform;
import org.jsgx.kernel.Cred;
import org.jsgx.kernel.Kernel;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxEnclaveRun;
import org.jsgx.kernel.Task;
import org.jsgx.kernel.Vdso;

/**
 * main.c's fixture: a fresh platform and kernel, one process, the test enclave loaded, built
 * and mapped (setup_test_encl / setup_test_encl_dynamic), the vDSO, and user memory for the op
 * structs and the {@code struct sgx_enclave_run} (tcs = TCS#1).
 */
final class SelftestHarness implements AutoCloseable {
    static final long MAGIC = 0x1122334455667788L;
    static final long MAGIC2 = 0x8877665544332211L;
    static final long ENCL_HEAP_SIZE_DEFAULT = 4096;
    static final long PAGE_SIZE = 4096;

    final Platform platform;
    final Kernel kernel;
    final Task task;
    final TestEnclLoader.Encl encl;
    final Vdso vdso;
    final long op;
    final long run;
    /** Op structs live in slots of the first user page below the ioctl scratch at op + 0x800. */
    private static final int OP_SLOTS = 32, OP_SLOT_SIZE = 64;
    private int slot = -1;
    private long lastOp;

    final org.jsgx.cpu.EnclaveEngine engine;

    SelftestHarness(KselftestEnclave enclave, long epcBytes, boolean sgx2, long heapSize, long dynamicSize) {
        platform = Platform.builder().epcSize(epcBytes).cpus(2)
                .capabilities(org.jsgx.cpu.SgxCapabilities.defaults().withSgx2(sgx2)).build();
        kernel = Kernel.boot(platform, new Kernel.Config(true, 20));
        task = kernel.spawn(Cred.root(), 0);
        encl = TestEnclLoader.load(task, enclave, heapSize, dynamicSize);
        TestEnclLoader.build(encl);
        TestEnclLoader.mapSegments(encl);
        engine = enclave.newEngine();
        vdso = new Vdso(task, engine);
        op = task.mmap(0, 2 * PAGE_SIZE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        run = op + PAGE_SIZE;
        task.mm().write(run, SgxEnclaveRun.allocate().tcs(encl.base).toByteArray());
    }

    /** Sum of the segment sizes (where dynamic memory starts). */
    long totalSize() {
        long t = 0;
        for (TestEnclLoader.Segment s : encl.segments) {
            t += s.size();
        }
        return t;
    }

    /** The second page of encl_buffer: the target of the permission tests. */
    long dataPage() {
        return encl.base + encl.segments.get(2).offset() + PAGE_SIZE;
    }

    TestEnclLoader.Segment heap() {
        return encl.segments.get(encl.segments.size() - 1);
    }

    // ---- ENCL_CALL ----

    /** ENCL_CALL(op, run, clobbered): writes the op, enters TCS run.tcs, returns the vDSO's result and the op. */
    long call(long[] opWords, boolean clobbered) {
        // main.c's ops are distinct local structs: an interrupted op resumed by ERESUME later
        // (epcm_permissions, augment) still reads its own operands, not the next op's
        slot = (slot + 1) % OP_SLOTS;
        long op = this.op + slot * OP_SLOT_SIZE;
        lastOp = op;
        byte[] b = new byte[opWords.length * 8];
        for (int i = 0; i < opWords.length; i++) {
            System.arraycopy(org.jsgx.cpu.Bytes.le64(opWords[i]), 0, b, 8 * i, 8);
        }
        task.mm().write(op, b);
        long ret = clobbered ? vdso.sgxEnterEnclave(op, 0, 0, Vdso.EENTER, 0, 0, run) : wrapped(op, Vdso.EENTER);
        byte[] back = task.mm().read(op, b.length);
        for (int i = 0; i < opWords.length; i++) {
            opWords[i] = org.jsgx.cpu.Bytes.le64(back, 8 * i);
        }
        return ret;
    }

    /** call.S's sgx_enter_enclave: the callee-saved registers survive whatever the enclave does. */
    private long wrapped(long op, int function) {
        var r = task.cpu().regs();
        long rbx = r.rbx, rbp = r.rbp, r12 = r.r12, r13 = r.r13, r14 = r.r14, r15 = r.r15;
        try {
            return vdso.sgxEnterEnclave(op, 0, 0, function, 0, 0, run);
        } finally {
            r.rbx = rbx;
            r.rbp = rbp;
            r.r12 = r12;
            r.r13 = r13;
            r.r14 = r14;
            r.r15 = r15;
        }
    }

    /** vdso_sgx_enter_enclave((unsigned long)&op, 0, 0, ERESUME, 0, 0, &run) on the op last written. */
    long eresume() {
        return vdso.sgxEnterEnclave(lastOp, 0, 0, Vdso.ERESUME, 0, 0, run);
    }

    SgxEnclaveRun runStruct() {
        return new SgxEnclaveRun(task.mm().read(run, SgxEnclaveRun.SIZE));
    }

    void tcs(long tcs) {
        task.mm().writeU64(run + SgxEnclaveRun.TCS, tcs);
    }

    void clearException() {
        task.mm().write(run + SgxEnclaveRun.EXCEPTION_VECTOR, new byte[12]);
    }

    @Override
    public void close() {
        try {
            task.exit();
        } finally {
            if (engine instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing the engine", e);
                }
            }
        }
    }
}
