package org.jsgx.x86;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jsgx.cpu.EpcPage;

/**
 * One fair lock per enclave (keyed by its SECS frame) that an engine holds while it executes
 * that enclave's code: its turn. Unicorn 2.x runs without multi-threaded TCG: LOCK-prefixed
 * instructions and XCHG are not atomic across two engines executing at the same time (a probe
 * lost half of the increments of a shared {@code lock inc}). Threads of one enclave therefore
 * take turns, each ending at an instruction boundary: every instruction is then atomic with
 * respect to the other threads, and spinlocks make progress because a spinning thread gives
 * up its turn when another thread waits.
 *
 * <p>A turn ends either after a counted quantum (the holder checks {@link #othersWaiting}) or,
 * for engines that run uncounted, when a thread that starts waiting asks the holder to end it
 * ({@link #acquire}'s request, set on the holder's turn-end hook). No request is lost: a waiter
 * counts itself in before it reads the holder, and a new holder reads the count after it has
 * published itself and reset its request, so one of the two always sees the other.
 */
final class EnclaveExecutionLock {
    private static final Map<EpcPage, EnclaveExecutionLock> LOCKS = Collections.synchronizedMap(new WeakHashMap<>());

    private final ReentrantLock lock = new ReentrantLock(true);
    private final AtomicInteger waiting = new AtomicInteger();
    /** Asks the engine holding the turn to end it; null between turns. */
    private volatile Runnable holder;

    private EnclaveExecutionLock() {
    }

    static EnclaveExecutionLock of(EpcPage secs) {
        return LOCKS.computeIfAbsent(secs, s -> new EnclaveExecutionLock());
    }

    /**
     * Waits for the turn (first asking the holder, if any, to end its turn), then holds it;
     * {@code endTurn} is how later waiters ask the caller to end this turn.
     */
    void acquire(Runnable endTurn) {
        waiting.incrementAndGet();
        try {
            Runnable h = holder;
            if (h != null) {
                h.run();
            }
            lock.lock();
        } finally {
            waiting.decrementAndGet();
        }
        holder = endTurn;
    }

    /** Whether another thread waits for the turn (the holder should end it). */
    boolean othersWaiting() {
        return waiting.get() > 0;
    }

    void release() {
        holder = null;
        lock.unlock();
    }
}
