package org.jsgx.x86;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jsgx.cpu.EnclaveEngine;
import org.jsgx.cpu.LogicalProcessor;

/**
 * The x86-64 execution engine: runs real enclave machine code on Unicorn (libunicorn.so.2,
 * bound with the Foreign Function &amp; Memory API). Each logical processor gets its own Unicorn
 * instance ({@link X86Core}: uc_engine is not thread-safe) mapping the same EPC frames, so
 * several threads can be inside one enclave through different TCSs.
 *
 * <p>Use: {@code lp.enclu().eenter(tcs, aep); engine.run(lp);} — {@link #run} returns when the
 * processor has left the enclave by EEXIT (RIP = the EEXIT target) or by AEX (RIP = AEP, the
 * SSA frame holds the exact faulting RIP and EXITINFO, a #PF has gone to the platform's
 * fault sink). ERESUME then {@code run} again continues.
 */
public final class X86Engine implements EnclaveEngine, AutoCloseable {
    private final Map<LogicalProcessor, X86Core> cores = new ConcurrentHashMap<>();
    private final boolean countInstructions;
    /** The core found last: most callers run one processor, so this skips the map on every entry. */
    private volatile X86Core last;

    /** @throws UnicornUnavailableException when libunicorn.so.2 cannot be loaded */
    public X86Engine() {
        this(false);
    }

    /**
     * @param countInstructions count every instruction exactly with a code hook (an upcall per
     *                          instruction: for reports, not for speed)
     */
    public X86Engine(boolean countInstructions) {
        Unicorn.version();
        this.countInstructions = countInstructions;
    }

    /** True when libunicorn.so.2 can be loaded. */
    public static boolean available() {
        return Unicorn.available();
    }

    /** Why the engine is unavailable (names the missing library), or null. */
    public static String unavailableReason() {
        return Unicorn.unavailableReason();
    }

    /** The loaded Unicorn's version as "major.minor.patch" (uc_version: one byte each, high first). */
    public static String unicornVersion() {
        int v = Unicorn.version();
        return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF);
    }

    @Override
    public void run(LogicalProcessor lp) {
        core(lp).run();
    }

    /** The engine of {@code lp} (created on first use). */
    X86Core core(LogicalProcessor lp) {
        X86Core c = last;
        if (c != null && c.processor() == lp) {
            return c;
        }
        c = cores.computeIfAbsent(lp, p -> new X86Core(p, countInstructions));
        last = c;
        return c;
    }

    /**
     * Instructions {@code lp} has executed in whole quanta (a lower bound, for measurements), or
     * -1 when its runs are uncounted (Unicorn 2.1, see {@link X86Core}).
     */
    public long instructionsRetired(LogicalProcessor lp) {
        X86Core c = cores.get(lp);
        return c == null ? 0 : c.instructionsRetired();
    }

    /** AEXs {@code lp} has taken on this engine. */
    public long aexCount(LogicalProcessor lp) {
        X86Core c = cores.get(lp);
        return c == null ? 0 : c.aexCount();
    }

    /** Exact instructions {@code lp} executed, or -1 when the engine was made without counting. */
    public long instructionsExecuted(LogicalProcessor lp) {
        X86Core c = cores.get(lp);
        return c == null ? (countInstructions ? 0 : -1) : c.instructionsExecuted();
    }

    @Override
    public void close() {
        last = null;
        cores.values().forEach(X86Core::close);
        cores.clear();
    }
}
