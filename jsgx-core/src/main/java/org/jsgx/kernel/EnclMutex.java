package org.jsgx.kernel;

import java.util.concurrent.locks.ReentrantLock;

/**
 * encl->lock: a struct mutex, which spins optimistically (mutex_optimistic_spin) while the
 * owner is running rather than sleeping at once. Its holders — the fault handler around one
 * ELDU, ksgxswapd around one EBLOCK or EWB — hold it for microseconds, so a waiter that parked
 * would pay more in the futex wake-up than it waits. [MODEL] Whether the owner is on a CPU is
 * not visible here: the spin is bounded by {@link #SPIN_NANOS} instead, then the thread sleeps.
 *
 * <p>A sleeping waiter is not starved: the kernel's woken top waiter that still finds the lock
 * taken sets MUTEX_FLAG_HANDOFF, and from then on the unlock hands the mutex to it rather than
 * to a thread arriving or spinning. Here the lock is fair and nobody takes it past a queued
 * waiter. Without this the fault path, which re-takes the lock a microsecond after dropping
 * it, kept ksgxswapd asleep on it for hundreds of microseconds until the free pages ran out.
 */
final class EnclMutex extends ReentrantLock {
    /** A few critical sections' worth: longer than an ELDU or EWB, far shorter than a time slice. */
    static final long SPIN_NANOS = 10_000;

    EnclMutex() {
        super(true);
    }

    @Override
    public void lock() {
        if (!hasQueuedThreads() && tryLock()) {
            return;
        }
        if (isHeldByCurrentThread()) {
            super.lock(); // a nested acquire (ReentrantLock semantics) need not spin
            return;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        do {
            Thread.onSpinWait();
            if (!isLocked() && !hasQueuedThreads() && tryLock()) {
                return;
            }
        } while (System.nanoTime() < deadline);
        super.lock();
    }
}
