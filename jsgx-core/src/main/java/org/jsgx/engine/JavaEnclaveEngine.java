package org.jsgx.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.jsgx.cpu.ArchFault;
import org.jsgx.cpu.AsyncExitPoint;
import org.jsgx.cpu.Enclu;
import org.jsgx.cpu.EnclaveEngine;
import org.jsgx.cpu.InvalidOpcodeFault;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.Registers;
import org.jsgx.cpu.Secs;

/**
 * An {@link EnclaveEngine} for enclave code written in Java. Programs are bound to entry
 * offsets (TCS.OENTRY values); EENTER at one starts it on a virtual thread of its own. Each
 * memory access and leaf goes through {@link LogicalProcessor#enclaveRead},
 * {@code enclaveWrite}, {@code enclaveFetch} and {@link LogicalProcessor#enclu()}, so
 * permissions, PENDING pages and paging faults behave as on hardware. A fault makes the
 * thread take an AEX ({@link LogicalProcessor#aex}) and park at the faulting access; ERESUME on
 * that TCS wakes it to retry the access. {@link #run} returns whenever the processor has left
 * enclave mode. Given the host's {@link AsyncExitPoint}, the thread runs the AEP code itself
 * after an AEX and, when that re-entered, simply retries the access: a fault the kernel resolves
 * then costs no hand-off between the host's thread and the enclave's.
 */
public final class JavaEnclaveEngine implements EnclaveEngine {
    private final Map<Long, EnclaveProgram> entries;
    /** Threads suspended by an AEX, per TCS linear address, innermost (highest CSSA) first. */
    private final ConcurrentHashMap<Long, Deque<EnclaveThread>> parked = new ConcurrentHashMap<>();

    /** @param entries programs by entry offset from the enclave base (TCS.OENTRY) */
    public JavaEnclaveEngine(Map<Long, EnclaveProgram> entries) {
        this.entries = Map.copyOf(entries);
    }

    @Override
    public void run(LogicalProcessor lp) {
        run(lp, null);
    }

    @Override
    public void run(LogicalProcessor lp, AsyncExitPoint aep) {
        long base = new Secs(lp.activeSecs().data()).baseAddr();
        long rip = lp.regs().rip;
        long tcs = lp.tcsLinearAddress();
        Deque<EnclaveThread> stack = parked.computeIfAbsent(tcs, k -> new ArrayDeque<>());
        EnclaveThread t;
        synchronized (stack) {
            EnclaveThread top = stack.peekFirst();
            if (top != null && top.resumeRip == rip) {
                t = stack.pollFirst();
            } else {
                EnclaveProgram p = entries.get(rip - base);
                if (p == null) {
                    // no Java code at RIP: #UD, as a core would raise for an undefined opcode
                    lp.aex(new InvalidOpcodeFault(String.format("no enclave code at 0x%x", rip)), rip);
                    return;
                }
                t = new EnclaveThread(p, lp, base, tcs);
            }
        }
        t.switchTo(lp, aep);
        if (lp.enclaveMode() && t.error == null) {
            // a broken hand-off: say which side let go, for the report
            throw new IllegalStateException(String.format(
                    "enclave thread handed back in enclave mode (%s, finished=%b, TCS 0x%x, RIP 0x%x, resume RIP 0x%x)",
                    t.lastRelease, t.finished, lp.tcsLinearAddress(), lp.regs().rip, t.resumeRip));
        }
        if (t.error != null) {
            Throwable e = t.error;
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        if (!t.finished) {
            synchronized (stack) {
                stack.addFirst(t);
            }
        }
    }

    /** One enclave thread of execution (what the SSA frame would save on hardware). */
    private static final class EnclaveThread implements EnclaveContext {
        private final EnclaveProgram program;
        private final long base;
        private final long tcs;
        private final long cssa;
        private final long returnAddress;
        private final long rdi, rsi, rdx, r8, r9;
        /** The RIP saved at AEX: where ERESUME brings this thread back. */
        final long resumeRip;
        private final Semaphore toEnclave = new Semaphore(0);
        private final Semaphore toHost = new Semaphore(0);
        private final long[] exitRegs = new long[16];
        private long exitRegsSet;
        private volatile LogicalProcessor lp;
        /** The host's AEP code for the current entry, or null (always hand back). */
        private volatile AsyncExitPoint aep;
        /** Why the thread last handed the processor back (diagnostics). */
        volatile String lastRelease;
        private Thread thread;
        volatile boolean finished;
        volatile Throwable error;

        EnclaveThread(EnclaveProgram program, LogicalProcessor lp, long base, long tcs) {
            Registers r = lp.regs();
            this.program = program;
            this.base = base;
            this.tcs = tcs;
            this.cssa = r.rax;
            this.returnAddress = r.rcx;
            this.rdi = r.rdi;
            this.rsi = r.rsi;
            this.rdx = r.rdx;
            this.r8 = r.r8;
            this.r9 = r.r9;
            this.resumeRip = r.rip + 1; // inside the entry instruction's bytes: never an entry point
        }

        /** Runs this thread on {@code cpu} until it leaves enclave mode (EEXIT or AEX). */
        void switchTo(LogicalProcessor cpu, AsyncExitPoint atAep) {
            lp = cpu;
            aep = atAep;
            if (thread == null) {
                thread = Thread.ofVirtual().name("enclave-tcs-" + Long.toHexString(tcs)).start(this::body);
            } else {
                toEnclave.release();
            }
            toHost.acquireUninterruptibly();
        }

        private void body() {
            try {
                fetch(lp.regs().rip, 1);
                program.run(this);
                Registers r = lp.regs();
                for (int i = 0; i < 16; i++) {
                    if ((exitRegsSet & (1L << i)) != 0) {
                        long[] g = r.gprs();
                        g[i] = exitRegs[i];
                        r.gprs(g);
                    }
                }
                r.rax = Enclu.EEXIT;
                r.rbx = returnAddress;
                lp.enclu().eexit(returnAddress);
            } catch (Throwable e) {
                error = e;
                if (lp.enclaveMode()) {
                    lp.aex(new InvalidOpcodeFault("enclave program failed: " + e), resumeRip);
                }
            } finally {
                finished = true;
                lastRelease = "body-end";
                toHost.release();
            }
        }

        /** The AEX for {@code f}, then wait for ERESUME (the caller retries the access). */
        private void aex(ArchFault f) {
            lp.aex(f, resumeRip);
            atAep();
        }

        /**
         * After an AEX: run the host's AEP code here when there is one and it re-entered this
         * thread (same TCS, our resume RIP); otherwise hand the processor back and wait for ERESUME.
         */
        private void atAep() {
            AsyncExitPoint a = aep;
            if (a != null) {
                if (a.resume(lp)) {
                    if (!lp.enclaveMode() || lp.tcsLinearAddress() != tcs || lp.regs().rip != resumeRip) {
                        throw new IllegalStateException("the AEP code re-entered somewhere else than this thread");
                    }
                    return;
                }
                aep = null; // the host finished the call: it expects no more from this entry
                lastRelease = "resume-false";
            } else {
                lastRelease = "no-aep";
            }
            toHost.release();
            toEnclave.acquireUninterruptibly();
        }

        @FunctionalInterface
        private interface Access<T> {
            T run(LogicalProcessor lp);
        }

        /**
         * An IPI pending on the processor is taken before the access, as an interrupt is
         * between two instructions: AEX (nothing reported), then wait for ERESUME.
         */
        private void serveIpi() {
            while (lp.ipiPending() && lp.enclaveMode()) {
                lp.aex(LogicalProcessor.IPI_VECTOR, 0, 0, resumeRip);
                atAep();
            }
        }

        private <T> T retry(Access<T> a) {
            while (true) {
                serveIpi();
                try {
                    return a.run(lp);
                } catch (ArchFault f) {
                    aex(f);
                }
            }
        }

        @Override
        public long base() {
            return base;
        }

        @Override
        public long tcs() {
            return tcs;
        }

        @Override
        public long cssa() {
            return cssa;
        }

        @Override
        public long rdi() {
            return rdi;
        }

        @Override
        public long rsi() {
            return rsi;
        }

        @Override
        public long rdx() {
            return rdx;
        }

        @Override
        public long r8() {
            return r8;
        }

        @Override
        public long r9() {
            return r9;
        }

        @Override
        public void exitRegister(int index, long value) {
            exitRegs[index] = value;
            exitRegsSet |= 1L << index;
        }

        @Override
        public byte[] read(long la, int len) {
            return retry(p -> p.enclaveRead(la, len));
        }

        @Override
        public void write(long la, byte[] data) {
            retry(p -> {
                p.enclaveWrite(la, data);
                return null;
            });
        }

        @Override
        public byte[] fetch(long la, int len) {
            return retry(p -> p.enclaveFetch(la, len));
        }

        @Override
        public long eaccept(long secinfo, long page) {
            return retry(p -> (long) p.enclu().eaccept(secinfo, page).code());
        }

        @Override
        public void ereport(long targetInfo, long reportData, long output) {
            retry(p -> {
                p.enclu().ereport(targetInfo, reportData, output);
                return null;
            });
        }

        @Override
        public long egetkey(long keyRequest, long output) {
            return retry(p -> (long) p.enclu().egetkey(keyRequest, output).code());
        }

        @Override
        public void emodpe(long secinfo, long page) {
            retry(p -> {
                p.enclu().emodpe(secinfo, page);
                return null;
            });
        }

        @Override
        public long eacceptcopy(long secinfo, long destination, long source) {
            return retry(p -> (long) p.enclu().eacceptcopy(secinfo, destination, source).code());
        }
    }
}
