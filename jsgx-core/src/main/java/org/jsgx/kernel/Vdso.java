package org.jsgx.kernel;

import org.jsgx.cpu.ArchFault;
import org.jsgx.cpu.AsyncExitPoint;
import org.jsgx.cpu.EnclaveEngine;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.PageFault;
import org.jsgx.cpu.Registers;

/**
 * The vDSO's {@code __vdso_sgx_enter_enclave} (arch/x86/entry/vdso/vsgx.S) for one task: loads
 * RAX = function, RBX = run->tcs, RCX = the address of its own ENCLU (which is both the entry
 * site and the AEP) and executes ENCLU; the enclave's code runs on an {@link EnclaveEngine}.
 * After EEXIT run->function = EEXIT. An exception the kernel resolves (a fault-in, EAUG, ELDU)
 * lands on the AEP with RAX = ERESUME and simply re-enters; one it cannot resolve is fixed up
 * into run (function = the leaf in RAX, vector, error code, CR2) and the call returns 0. The
 * optional user handler sees every exit and may ask for another ENCLU.
 */
public final class Vdso {
    /** Where the model's vDSO sits and its ENCLU instruction (the AEP); EEXIT lands after it. */
    public static final long VDSO_BASE = 0x7fff_f7fc_0000L;
    public static final long ENCLU_IP = VDSO_BASE + 0x9e0;
    static final long AFTER_ENCLU = ENCLU_IP + 3;
    public static final int EENTER = 2, ERESUME = 3, EEXIT = 4;
    /** -EINVAL, returned for a bad function or non-zero reserved bytes in run. */
    public static final int EINVAL = -Errno.EINVAL.number();

    private final Task task;
    private final EnclaveEngine engine;

    public Vdso(Task task, EnclaveEngine engine) {
        this.task = task;
        this.engine = engine;
    }

    public Task task() {
        return task;
    }

    /**
     * vdso_sgx_enter_enclave(rdi, rsi, rdx, function, r8, r9, run): returns 0 (EEXIT or a
     * reported exception), -EINVAL, or what the user handler returned. Exceptions the kernel
     * turns into signals (no vDSO fixup possible, #DB, #BP) are thrown as
     * {@link SignalException}.
     */
    public int sgxEnterEnclave(long rdi, long rsi, long rdx, int function, long r8, long r9, long runPtr) {
        LogicalProcessor lp = task.cpu();
        Mm mm = task.mm();
        Registers r = lp.regs();
        r.rdi = rdi;
        r.rsi = rsi;
        r.rdx = rdx;
        r.r8 = r8;
        r.r9 = r9;
        while (true) {
            if (function != EENTER && function != ERESUME) {
                return EINVAL;
            }
            SgxEnclaveRun run = new SgxEnclaveRun(mm.read(runPtr, SgxEnclaveRun.SIZE));
            if (!run.reservedZero()) {
                return EINVAL;
            }
            enclu(lp, mm, function, run.tcs(), runPtr);
            long handler = mm.readU64(runPtr + SgxEnclaveRun.USER_HANDLER);
            if (handler == 0) {
                return 0;
            }
            SgxEnclaveUserHandler h = task.userFunction(handler);
            if (h == null) {
                throw new SignalException(Signal.SIGSEGV, handler, "user_handler is not a function");
            }
            long ret = h.handle(r.rdi, r.rsi, r.rdx, r.rsp, r.r8, r.r9, runPtr);
            if (ret <= 0) {
                return (int) ret;
            }
            function = (int) ret;
        }
    }

    /** One ENCLU at the vDSO's entry site and everything until the exit is final. */
    private void enclu(LogicalProcessor lp, Mm mm, int leaf, long tcs, long runPtr) {
        Call c = new Call(lp, mm, tcs, runPtr);
        if (!c.enter(leaf)) {
            return;
        }
        do {
            engine.run(lp, c);
            if (lp.enclaveMode()) {
                throw new IllegalStateException("engine returned with the processor still in enclave mode");
            }
        } while (!c.finished && c.exited());
    }

    /**
     * One vDSO call's ENCLU loop. {@link #resume} is the code at the AEP: the engine may run it on
     * its own thread right after an AEX, which is the same code the host loop runs otherwise.
     */
    private final class Call implements AsyncExitPoint {
        private final LogicalProcessor lp;
        private final Mm mm;
        private final long tcs;
        private final long runPtr;
        /** The call is over (EEXIT written, or an exception reported): set by the AEP path. */
        volatile boolean finished;

        Call(LogicalProcessor lp, Mm mm, long tcs, long runPtr) {
            this.lp = lp;
            this.mm = mm;
            this.tcs = tcs;
            this.runPtr = runPtr;
        }

        /**
         * ENCLU(leaf) at ENCLU_IP; true when the processor is in enclave mode. A fault of the
         * ENCLU itself is an ordinary user fault: resolved, it is retried; otherwise reported.
         */
        boolean enter(int leaf) {
            Registers r = lp.regs();
            while (true) {
                task.kernel().current(task);
                lp.addressSpace(mm);
                lp.cpl(3);
                r.rax = leaf;
                r.rbx = tcs;
                r.rcx = ENCLU_IP;
                r.rip = AFTER_ENCLU;
                task.trap = null;
                try {
                    if (leaf == EENTER) {
                        lp.enclu().eenter(tcs, ENCLU_IP);
                    } else {
                        lp.enclu().eresume(tcs, ENCLU_IP);
                    }
                    return true;
                } catch (ArchFault f) {
                    // the ENCLU itself faulted, outside enclave mode: an ordinary user fault at ENCLU_IP
                    r.rip = ENCLU_IP;
                    Trap t = f instanceof PageFault pf
                            ? task.kernel().userFault(task, pf.address(), pf.errorCode(), ENCLU_IP)
                            : f.vector() == 1 || f.vector() == 3 ? Trap.signal(Signal.SIGTRAP, f.vector(), 0, 0)
                            : Trap.fixup(f.vector(), f.errorCode(), 0);
                    if (t.kind() == Trap.Kind.RESOLVED) {
                        continue;
                    }
                    report(mm, runPtr, leaf, t);
                    return false;
                }
            }
        }

        /**
         * After the engine left enclave mode: EEXIT (RIP after the ENCLU) ends the call; an AEX
         * the kernel resolved (or an interrupt) lands on the AEP with RAX = ERESUME and re-enters;
         * anything else is reported. True when the processor is back in enclave mode.
         */
        boolean exited() {
            Registers r = lp.regs();
            if (r.rip == AFTER_ENCLU) {
                mm.write(runPtr + SgxEnclaveRun.FUNCTION, new byte[] {EEXIT, 0, 0, 0});
                return false;
            }
            // AEX: RIP = AEP = our ENCLU with RAX = ERESUME
            Trap t = task.trap;
            task.trap = null;
            if (t == null || t.kind() == Trap.Kind.RESOLVED) {
                return enter((int) r.rax);
            }
            report(mm, runPtr, (int) r.rax, t);
            return false;
        }

        @Override
        public boolean resume(LogicalProcessor cpu) {
            if (exited()) {
                return true;
            }
            finished = true;
            return false;
        }
    }

    /** The vDSO's exception path: function = RAX, vector, error code, address. */
    private void report(Mm mm, long runPtr, int function, Trap t) {
        if (t.kind() == Trap.Kind.SIGNAL) {
            throw new SignalException(t.signal(), t.address(), "exception vector " + t.vector()
                    + " error code 0x" + Integer.toHexString(t.errorCode()));
        }
        byte[] b = new byte[16];
        SgxEnclaveRun tail = new SgxEnclaveRun(java.lang.foreign.MemorySegment.ofArray(new byte[SgxEnclaveRun.SIZE]));
        tail.function(function).exceptionVector(t.vector()).exceptionErrorCode(t.errorCode() & 0xFFFF)
                .exceptionAddr(t.address());
        System.arraycopy(tail.toByteArray(), SgxEnclaveRun.FUNCTION, b, 0, 16);
        mm.write(runPtr + SgxEnclaveRun.FUNCTION, b);
    }
}
