package org.jsgx.kernel;

import java.util.concurrent.locks.ReentrantLock;

/**
 * mutex_lock with the kernel's optimistic spinning: a contended mutex whose owner is running
 * is spun on for a while before the task sleeps, because the owner (an ENCLS on another CPU)
 * usually lets go within microseconds and a sleep/wake-up costs far more. Java's lock parks
 * almost at once, and waking a parked thread costs tens of microseconds on a VM.
 */
final class Mutex {
    /** How long to spin before sleeping (the kernel spins while the owner is on a CPU). */
    static final long SPIN_NANOS = 50_000;

    private Mutex() {
    }

    static void lock(ReentrantLock l) {
        if (l.tryLock()) {
            return;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        do {
            Thread.onSpinWait();
            if (!l.isLocked() && l.tryLock()) {
                return;
            }
        } while (System.nanoTime() < deadline);
        l.lock();
    }
}
