package org.jsgx.x86;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;
import org.jsgx.cpu.Access;
import org.jsgx.cpu.ArchFault;
import org.jsgx.cpu.Enclu;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.Registers;

/**
 * One Unicorn engine executing enclave code for one logical processor: the processor's
 * pipeline between EENTER/ERESUME and the next exit.
 *
 * <p><b>Precise faults.</b> Unicorn 2.0.1 reports a memory fault with RIP at the start of the
 * translated block and with the registers already changed by the block's earlier instructions
 * (measured: three {@code inc rbx} then a faulting store stop with RIP = block start and
 * RBX = 3). Emulation therefore always runs with an instruction count: Unicorn then inserts its
 * counting hook before every instruction, which also stores RIP before every instruction, so a
 * fault stops with RIP at the faulting instruction and the state just before it — exactly what
 * AEX saves and ERESUME restarts from. The count doubles as the scheduling quantum of
 * {@link EnclaveExecutionLock}. Cost: ~10x fewer instructions per second than uncounted
 * emulation (BENCHMARKS.md, ecall section).
 *
 * <p><b>Unicorn 2.1: virtual TLB.</b> On 2.1 the engine translates linear addresses
 * itself ({@code UC_TLB_VIRTUAL}): Unicorn asks {@link #tlbFill} on every TLB miss, which answers
 * from {@link EnclaveMemoryMap} (identity onto the page's region, the model's permissions). An
 * access the map does not allow is sent to {@link #HOLE}, a physical page nothing is mapped at:
 * the unmapped-access hook then stops emulation at the faulting instruction with nothing of it
 * done (measured: RIP and registers exact, the store not performed, counted or not) and with
 * the access's page offset, which a plain refusal of the fill would not give (it reports only
 * the page, and MADDR needs the byte). The gain: a page without execute permission in its TLB
 * entry skips the self-modifying-code check that Unicorn otherwise makes on every store (2.1.4
 * with guest paging off treats every page as executable: ~20 ns per store instead of ~2-5).
 *
 * <p><b>Unicorn 2.1: uncounted runs.</b> There faults are precise without counting (measured),
 * so on x86-64 Linux hosts runs are uncounted (~4x faster on stores) and a turn of
 * {@link EnclaveExecutionLock} ends through {@link TurnEndHook}: a block hook in machine code
 * that, once a waiting thread has asked, calls {@code uc_emu_stop} before the next block runs —
 * RIP at that block, nothing of it done ({@code jsgx-x86/probe/unicorn21-block-hook-stop.c};
 * {@code uc_emu_stop} from the waiting thread itself stops inside a block with RIP at its start
 * and its earlier stores done: {@code unicorn21-stop-precision.c}). A stop from an instruction
 * hook (CPUID, IN/OUT, RDTSC) takes effect only at the end of the block, so {@link #undefined}
 * saves the state at the instruction and discards the rest of the run. Counted runs remain on
 * 2.0.1, on Unicorn versions after 2.1 (not measured: {@link Unicorn#blockHookStopPrecise}), on
 * other hosts, with {@code countEveryInstruction}, or when {@value #COUNTED_PROPERTY} is set; {@link #instructionsRetired} then counts quanta, else it is -1 (unknown).
 *
 * <p><b>Hooks only record.</b> Each hook stores a {@link Stop} and stops emulation; the run
 * loop maps pages, calls the cpu layer (ENCLU leaves, AEX) and restarts at the recorded RIP.
 * Nothing is fixed inside a hook (Unicorn drops some accesses fixed in place), and no Java
 * exception may leave a hook (it would kill the JVM), so hooks catch everything.
 */
final class X86Core implements AutoCloseable {
    /** Instructions per counted run: a turn's length while other threads of the enclave wait. */
    static final long QUANTUM = 200_000;
    /** Blocks an uncounted turn runs at least before a waiting thread's request ends it (~ a quantum). */
    static final long TURN_BLOCKS = 40_000;
    /** Set to {@code true} to run counted even where the turn-end hook would allow uncounted runs. */
    static final String COUNTED_PROPERTY = "jsgx.x86.counted";
    /** An {@code until} address no instruction can have (non-canonical), the same every call. */
    private static final long UNTIL = 0xDEAD_0000_0000_0000L;
    /** GPRs in GPRSGX order, then RFLAGS, FS/GS base and RIP: moved in one batch each way. */
    private static final int[] REG_IDS = {UcConst.UC_X86_REG_RAX, UcConst.UC_X86_REG_RCX, UcConst.UC_X86_REG_RDX,
        UcConst.UC_X86_REG_RBX, UcConst.UC_X86_REG_RSP, UcConst.UC_X86_REG_RBP, UcConst.UC_X86_REG_RSI,
        UcConst.UC_X86_REG_RDI, UcConst.UC_X86_REG_R8, UcConst.UC_X86_REG_R9, UcConst.UC_X86_REG_R10,
        UcConst.UC_X86_REG_R11, UcConst.UC_X86_REG_R12, UcConst.UC_X86_REG_R13, UcConst.UC_X86_REG_R14,
        UcConst.UC_X86_REG_R15, UcConst.UC_X86_REG_RFLAGS, UcConst.UC_X86_REG_FS_BASE, UcConst.UC_X86_REG_GS_BASE,
        UcConst.UC_X86_REG_RIP};
    static final int VECTOR_DB = 1, VECTOR_BP = 3, VECTOR_UD = 6;

    private final LogicalProcessor lp;
    private final Unicorn uc;
    private final EnclaveMemoryMap map;
    private final MemorySegment insn;
    private final Unicorn.RegisterBlock regs;
    private final long[] regValues = new long[REG_IDS.length];
    private final boolean rdtscTrapped;
    private Stop stop;
    /** Held while {@link #run} uses the engine; {@link #close} waits for it. */
    private final ReentrantLock running = new ReentrantLock();
    private volatile boolean closing;
    /** The previous fill, to refuse spinning on a fault a correct mapping did not cure. */
    private Stop.Fill lastFill;
    private Throwable hookFailure;
    private long instructionsRetired;
    /** Unicorn 2.1 mode: virtual TLB (see the class comment). */
    private final boolean virtualTlb;
    /** The linear page the fill hook last sent to {@link #HOLE}. */
    private long refusedPage;
    /** Physical page of refused accesses (virtual-TLB mode): above every user linear address, never mapped. */
    static final long HOLE = 1L << 47;

    private long aexCount;
    private EpcPage turnSecs;
    private EnclaveExecutionLock turnOf;
    /** Uncounted runs: the turn-end hook's user data (null when runs are counted). */
    private final TurnEndHook.Turn turnEnd;
    /** How waiting threads ask this engine to end its turn. */
    private final Runnable endTurn;
    /** CPU state saved by an instruction hook of an uncounted run (see {@link #undefined}), null if none. */
    private MemorySegment savedContext;
    /** Whether {@link #savedContext} holds the state to return to: the run's later accesses go to HOLE. */
    private boolean frozen;
    /** Exact count from a code hook (only when counting was asked for: it costs an upcall per instruction). */
    private long instructionsHooked;
    private final boolean hookCount;

    X86Core(LogicalProcessor lp) {
        this(lp, false);
    }

    X86Core(LogicalProcessor lp, boolean countEveryInstruction) {
        this.lp = lp;
        this.hookCount = countEveryInstruction;
        this.uc = Unicorn.openX86_64();
        this.virtualTlb = Unicorn.virtualTlbSupported();
        this.map = new EnclaveMemoryMap(uc, virtualTlb);
        if (virtualTlb) {
            uc.useVirtualTlb();
            uc.hookAdd(UcConst.UC_HOOK_TLB_FILL, uc.upcall(this, "tlbFill", Unicorn.TLBFILL), 0);
        }
        this.insn = uc.arena().allocate(16);
        this.regs = uc.new RegisterBlock(REG_IDS);
        MemorySegment invalid = uc.upcall(this, "memInvalid", Unicorn.EVENTMEM);
        if (virtualTlb) {
            // only HOLE: a memory hook over every address sends every store down Unicorn's slow
            // path (measured on 2.1.4: ~22 ns per store instead of ~2)
            uc.hookAdd(UcConst.UC_HOOK_MEM_INVALID, invalid, 0, HOLE, HOLE + EnclaveMemoryMap.PAGE - 1);
        } else {
            uc.hookAdd(UcConst.UC_HOOK_MEM_INVALID, invalid, 0);
        }
        uc.hookAdd(UcConst.UC_HOOK_INTR, uc.upcall(this, "interrupt", Unicorn.HOOKINTR), 0);
        // no UC_HOOK_INSN_INVALID: without it uc_emu_start returns UC_ERR_INSN_INVALID with RIP at
        // the instruction (measured, counted and uncounted), which saves an upcall per ENCLU
        // instructions that execute (or are no-ops) in Unicorn but #UD in enclave mode
        uc.hookAdd(UcConst.UC_HOOK_INSN, uc.upcall(this, "cpuid", Unicorn.INSN_CPUID), UcConst.UC_X86_INS_CPUID);
        MemorySegment sys = uc.upcall(this, "syscall", Unicorn.INSN_SYSCALL);
        uc.hookAdd(UcConst.UC_HOOK_INSN, sys, UcConst.UC_X86_INS_SYSCALL);
        uc.hookAdd(UcConst.UC_HOOK_INSN, sys, UcConst.UC_X86_INS_SYSENTER);
        uc.hookAdd(UcConst.UC_HOOK_INSN, uc.upcall(this, "in", Unicorn.INSN_IN), UcConst.UC_X86_INS_IN);
        uc.hookAdd(UcConst.UC_HOOK_INSN, uc.upcall(this, "out", Unicorn.INSN_OUT), UcConst.UC_X86_INS_OUT);
        if (countEveryInstruction) {
            uc.hookAdd(UcConst.UC_HOOK_CODE, uc.upcall(this, "code", Unicorn.HOOKCODE), 0);
        }
        boolean trapped = false;
        if (!lp.platform().capabilities().rdtscInEnclave()) {
            try {
                uc.hookAdd(UcConst.UC_HOOK_INSN, sys, UcConst.UC_X86_INS_RDTSC);
                trapped = true;
            } catch (UnicornException e) {
                // Unicorn 2.0.1 cannot hook RDTSC: it then executes (see report)
            }
        }
        this.rdtscTrapped = trapped;
        MemorySegment hook = virtualTlb && !countEveryInstruction && !Boolean.getBoolean(COUNTED_PROPERTY)
                && Unicorn.blockHookStopPrecise() ? TurnEndHook.code() : null;
        if (hook != null) {
            // its own arena: a waiting thread may still write a request after this engine closed
            turnEnd = new TurnEndHook.Turn(Arena.ofAuto(), Unicorn.emuStopAddress());
            uc.hookAdd(UcConst.UC_HOOK_BLOCK, hook, turnEnd.userData(), 0, 1L, 0L);
            endTurn = turnEnd::requestEnd;
        } else {
            turnEnd = null;
            endTurn = () -> { }; // counted: the quantum ends the turn
        }
    }

    /** What a thread waiting for the enclave's turn does to this engine (for tests: a stray request). */
    void requestTurnEnd() {
        endTurn.run();
    }

    /** Whether runs are uncounted, ended on request by the turn-end hook (else counted quanta). */
    boolean uncounted() {
        return turnEnd != null;
    }

    /** Whether this engine runs in Unicorn 2.1's virtual-TLB mode. */
    boolean virtualTlb() {
        return virtualTlb;
    }

    /** Whether RDTSC #UDs as on an SGX1-only part (needs a Unicorn that can hook it). */
    boolean rdtscTrapped() {
        return rdtscTrapped;
    }

    LogicalProcessor processor() {
        return lp;
    }

    /** Instructions in whole counted quanta (a lower bound); -1 when runs are uncounted. */
    long instructionsRetired() {
        return turnEnd != null ? -1 : instructionsRetired;
    }

    /** Exits by AEX (faults, #UD, traps) since the core was created. */
    long aexCount() {
        return aexCount;
    }

    /** Instructions started (a faulting one counts, and again when ERESUME restarts it); -1 if not counted. */
    long instructionsExecuted() {
        return hookCount ? instructionsHooked : -1;
    }

    EnclaveMemoryMap memoryMap() {
        return map;
    }

    /**
     * Stops a run in progress (from any thread: {@code uc_emu_stop} is safe there), waits for it
     * to return, then frees the engine; closing under a running {@code uc_emu_start} crashes
     * the process.
     */
    @Override
    public void close() {
        closing = true;
        while (!running.tryLock()) {
            uc.emuStop();
            Thread.onSpinWait();
        }
        try {
            uc.close();
            if (savedContext != null) {
                Unicorn.contextFree(savedContext);
                savedContext = null;
            }
        } finally {
            running.unlock();
        }
    }

    /** Runs until the processor leaves enclave mode (EEXIT or AEX). */
    void run() {
        if (!lp.enclaveMode()) {
            throw new IllegalStateException("processor " + lp.id() + " is not in enclave mode");
        }
        Registers r = lp.regs();
        EnclaveExecutionLock turn = turnLock(lp.activeSecs());
        Runnable exit = null;
        running.lock();
        turn.acquire(endTurn);
        beginTurn(turn);
        try {
            if (closing) {
                throw new IllegalStateException("x86 engine closed");
            }
            if (map.resync(lp)) {
                uc.flushTranslations();
            }
            writeRegs(r);
            lastFill = null;
            while (exit == null) {
                stop = null;
                hookFailure = null;
                int err = uc.emuStart(r.rip, UNTIL, 0, turnEnd != null ? 0 : QUANTUM);
                if (!(stop instanceof Stop.Fill)) {
                    lastFill = null;
                }
                if (frozen) {
                    thaw();
                }
                readRegs(r);
                if (hookFailure != null) {
                    throw new IllegalStateException("x86 engine hook failed at RIP 0x" + Long.toHexString(r.rip),
                            hookFailure);
                }
                Stop s = stop;
                if (s == null && err == UcConst.UC_ERR_INSN_INVALID) {
                    s = new Stop.Invalid(r.rip); // ENCLU, or an opcode Unicorn cannot execute
                }
                if (closing) {
                    throw new IllegalStateException("x86 engine closed while processor " + lp.id() + " ran");
                }
                if (s == null) {
                    if (err != UcConst.UC_ERR_OK) {
                        throw new UnicornException(String.format("uc_emu_start at RIP 0x%x", r.rip), err,
                                Unicorn.strerror(err));
                    }
                    // a counted quantum ran out, or the turn-end hook stopped at a block boundary
                    if (turnEnd == null) {
                        instructionsRetired += QUANTUM;
                    }
                    if (turn.othersWaiting()) {
                        turn.release();
                        turn.acquire(endTurn);
                    }
                    // a fresh budget and no request either way: a late request from a thread that
                    // waited for another enclave this engine ran before must not stop every run
                    beginTurn(turn);
                    continue;
                }
                exit = handle(s, r);
                if (exit instanceof AexExit) {
                    aexCount++;
                }
            }
        } finally {
            if (frozen) {
                thaw();
            }
            turn.release();
            running.unlock();
        }
        // leave the enclave outside the turn: the fault sink may take its time
        exit.run();
    }

    /**
     * Starts an uncounted turn: a fresh budget and no request, then a request at once if a
     * thread already waits (it may have asked the previous holder, or none).
     */
    private void beginTurn(EnclaveExecutionLock turn) {
        if (turnEnd != null) {
            turnEnd.begin(TURN_BLOCKS);
            if (turn.othersWaiting()) {
                turnEnd.requestEnd();
            }
        }
    }

    /** The enclave's execution lock, looked up again only when this processor enters another enclave. */
    private EnclaveExecutionLock turnLock(EpcPage secs) {
        if (secs != turnSecs) {
            turnOf = EnclaveExecutionLock.of(secs);
            turnSecs = secs;
        }
        return turnOf;
    }

    /** Acts on one stop; returns the exit to perform, or null to keep running. */
    private Runnable handle(Stop s, Registers r) {
        switch (s) {
            case Stop.Fill f -> {
                r.rip = f.rip();
                if (virtualTlb) {
                    uc.flushTlb(); // drop the entry that sent the page to HOLE
                }
                if (f.equals(lastFill)) {
                    throw new IllegalStateException(String.format(
                            "Unicorn faults again on %s at 0x%x (RIP 0x%x) after the page was mapped as the model allows",
                            f.access(), f.address(), f.rip()));
                }
                ArchFault fault = map.fill(lp, f.address(), f.access());
                if (fault != null) {
                    lastFill = null;
                    return (AexExit) () -> lp.aex(fault, f.rip());
                }
                lastFill = f;
                uc.regWrite(UcConst.UC_X86_REG_RIP, f.rip());
                return null;
            }
            case Stop.Fault f -> {
                r.rip = f.rip();
                return (AexExit) () -> lp.aex(f.fault(), f.rip());
            }
            case Stop.Event e -> {
                r.rip = e.rip();
                return (AexExit) () -> lp.aex(e.vector(), 0, 0, e.resumeRip());
            }
            case Stop.Invalid i -> {
                r.rip = i.rip();
                if (!isEnclu(i.rip())) {
                    return (AexExit) () -> lp.aex(VECTOR_UD, 0, 0, i.rip());
                }
                return enclu(r, i.rip());
            }
        }
    }

    /** ENCLU executed by enclave code: the leaf runs in the cpu layer on the synced registers. */
    private Runnable enclu(Registers r, long rip) {
        int leaf = (int) r.rax;
        long rcx = r.rcx;
        try {
            lp.enclu().execute();
        } catch (ArchFault f) {
            return (AexExit) () -> lp.aex(f, rip);
        }
        if (!lp.enclaveMode()) {
            return () -> { }; // EEXIT: RIP, RCX and the outside FS/GS are already in lp.regs()
        }
        r.rip = rip + 3;
        if (leaf == Enclu.EACCEPTCOPY) {
            // the leaf wrote the page from Java: drop code translated from its old contents
            uc.removeTranslations(rcx & -EnclaveMemoryMap.PAGE, (rcx & -EnclaveMemoryMap.PAGE) + 4096);
        }
        writeRegs(r);
        return null;
    }

    private boolean isEnclu(long rip) {
        MemorySegment b = insn.asSlice(0, 3);
        return uc.memRead(rip, b) == UcConst.UC_ERR_OK && (b.get(JAVA_BYTE, 0) & 0xFF) == 0x0F
                && (b.get(JAVA_BYTE, 1) & 0xFF) == 0x01 && (b.get(JAVA_BYTE, 2) & 0xFF) == 0xD7;
    }

    private int byteAt(long rip) {
        MemorySegment b = insn.asSlice(0, 1);
        return uc.memRead(rip, b) == UcConst.UC_ERR_OK ? b.get(JAVA_BYTE, 0) & 0xFF : -1;
    }

    /** The registers EENTER/ERESUME/AEX and the leaves exchange with the engine, in {@link #REG_IDS} order. */
    private void writeRegs(Registers r) {
        long[] v = regValues;
        r.gprsInto(v);
        v[16] = r.rflags;
        v[17] = r.fsBase;
        v[18] = r.gsBase;
        v[19] = r.rip;
        regs.write(v);
    }

    private void readRegs(Registers r) {
        long[] v = regValues;
        regs.read(v);
        r.gprs(v); // v[0..15]
        r.rflags = v[16];
        r.fsBase = v[17];
        r.gsBase = v[18];
        r.rip = v[19];
    }

    private long rip() {
        return uc.regRead(UcConst.UC_X86_REG_RIP);
    }

    /** An exit that is an AEX (counted). */
    private interface AexExit extends Runnable {
    }

    // ---- hooks (upcalls from Unicorn): record a stop, never throw ----

    void code(MemorySegment engine, long address, int size, MemorySegment user) {
        instructionsHooked++;
    }

    /**
     * Unicorn 2.1's TLB miss ({@code vaddr} is the page): answers with the page's mapping when
     * it allows {@code type} (identity: the page's region is at its linear address), else sends
     * the access to {@link #HOLE}, where {@link #memInvalid} catches it with its exact offset.
     */
    boolean tlbFill(MemorySegment engine, long vaddr, int type, MemorySegment entry, MemorySegment user) {
        try {
            Access access = switch (type) {
                case UcConst.UC_MEM_WRITE -> Access.WRITE;
                case UcConst.UC_MEM_FETCH -> Access.EXECUTE;
                default -> Access.READ;
            };
            if (frozen) {
                tlbEntry(entry, HOLE, ucProt(access)); // the run is over (see undefined)
                return true;
            }
            int perms = map.perms(vaddr);
            if (perms > 0 && (perms & ucProt(access)) != 0) {
                tlbEntry(entry, vaddr & -EnclaveMemoryMap.PAGE, perms);
                return true;
            }
            if ((vaddr & -EnclaveMemoryMap.PAGE) != ((UNTIL - 1) & -EnclaveMemoryMap.PAGE)) {
                // (uc_emu_start translates the page before `until` when it returns, to drop code
                // cached there: not an access of the enclave; refusing it would turn the run's
                // result into UC_ERR_EXCEPTION)
                refusedPage = vaddr & -EnclaveMemoryMap.PAGE;
            }
            tlbEntry(entry, HOLE, ucProt(access));
            return true;
        } catch (Throwable t) {
            hookFailure = t;
        }
        return false;
    }

    /** Fills a {@code uc_tlb_entry}: physical address, then permissions. */
    private static void tlbEntry(MemorySegment entry, long paddr, int perms) {
        MemorySegment e = entry.reinterpret(16);
        e.set(JAVA_LONG, 0, paddr);
        e.set(JAVA_INT, 8, perms);
    }

    private static int ucProt(Access a) {
        return switch (a) {
            case READ -> UcConst.UC_PROT_READ;
            case WRITE -> UcConst.UC_PROT_WRITE;
            case EXECUTE -> UcConst.UC_PROT_EXEC;
        };
    }

    boolean memInvalid(MemorySegment engine, int type, long address, int size, long value, MemorySegment user) {
        if (frozen) {
            return false; // an access after the stop recorded by undefined(): it never happened
        }
        try {
            Access access = switch (type) {
                case UcConst.UC_MEM_WRITE_UNMAPPED, UcConst.UC_MEM_WRITE_PROT -> Access.WRITE;
                case UcConst.UC_MEM_FETCH_UNMAPPED, UcConst.UC_MEM_FETCH_PROT -> Access.EXECUTE;
                default -> Access.READ;
            };
            long la = virtualTlb && (address & -EnclaveMemoryMap.PAGE) == HOLE
                    ? refusedPage | (address & (EnclaveMemoryMap.PAGE - 1)) : address;
            stop = new Stop.Fill(la, access, rip());
        } catch (Throwable t) {
            hookFailure = t;
        }
        return false;
    }

    /**
     * Unicorn reports software interrupts (INT n, INT3, INT1) with RIP already past the
     * instruction and exceptions (#DE, #GP, ...) with RIP at the faulting instruction; the
     * bytes before RIP tell the two apart.
     */
    void interrupt(MemorySegment engine, int intno, MemorySegment user) {
        try {
            if (frozen) {
                uc.emuStop(); // raised after the stop recorded by undefined(): it never happened
                return;
            }
            long rip = rip();
            if (byteAt(rip - 2) == 0xCD && byteAt(rip - 1) == intno) {
                stop = new Stop.Event(VECTOR_UD, rip - 2, rip - 2); // INT n: #UD in enclave mode
            } else if (intno == VECTOR_BP && byteAt(rip - 1) == 0xCC) {
                stop = new Stop.Event(VECTOR_BP, rip - 1, rip); // INT3: a trap, resumes after it
            } else if (intno == VECTOR_DB && byteAt(rip - 1) == 0xF1) {
                stop = new Stop.Event(VECTOR_DB, rip - 1, rip); // INT1 (ICEBP): a trap
            } else {
                stop = new Stop.Event(intno, rip, rip); // a fault raised by the instruction at RIP
            }
            uc.emuStop();
        } catch (Throwable t) {
            hookFailure = t;
        }
    }

    /**
     * An instruction that is #UD in enclave mode: record it and stop before it has effect.
     * Counted runs stop right there. An uncounted run goes on to the end of the block (Unicorn
     * checks for a stop only between blocks here: measured, {@code
     * jsgx-x86/probe/unicorn21-insn-hook-stop.c}), so the state at the instruction is saved and
     * the rest of the run is frozen: every later access goes to {@link #HOLE} and faults before
     * it is made, and {@link #thaw} restores the saved state when the run has returned.
     */
    private void undefined() {
        if (frozen) {
            return; // a later instruction of the frozen block: it never happened
        }
        try {
            stop = new Stop.Event(VECTOR_UD, rip(), rip());
            if (turnEnd != null) {
                if (savedContext == null) {
                    savedContext = uc.contextAlloc();
                }
                uc.contextSave(savedContext);
                frozen = true;
                uc.flushTlb();
            }
            uc.emuStop();
        } catch (Throwable t) {
            hookFailure = t;
        }
    }

    /** Back to the state {@link #undefined} saved, with the TLB refilled from the model again. */
    private void thaw() {
        frozen = false;
        uc.contextRestore(savedContext);
        uc.flushTlb();
    }

    int cpuid(MemorySegment engine, MemorySegment user) {
        undefined();
        return 1; // skip the instruction: its registers stay as they were
    }

    void syscall(MemorySegment engine, MemorySegment user) {
        undefined();
    }

    int in(MemorySegment engine, int port, int size, MemorySegment user) {
        undefined();
        return 0;
    }

    void out(MemorySegment engine, int port, int size, int value, MemorySegment user) {
        undefined();
    }
}
