package org.jsgx.kernel;

import java.util.concurrent.locks.ReentrantLock;

/**
 * encl->lock: a struct mutex, which spins optimistically (mutex_optimistic_spin) while the
 * owner is running rather than sleeping at once. Its holders — the fault handler around one
 * ELDU, ksgxswapd around one EBLOCK or EWB — hold it for microseconds, so a waiter that parked
 * would pay more in the futex wake-up than it waits. [MODEL] Whether the owner is on a CPU is
 * not visible here: the spin is bounded by {@link #SPIN_NANOS} instead, then the thread sleeps.
 */
final class EnclMutex extends ReentrantLock {
    /** A few critical sections' worth: longer than an ELDU or EWB, far shorter than a time slice. */
    static final long SPIN_NANOS = 10_000;

    @Override
    public void lock() {
        if (tryLock()) {
            return;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        do {
            Thread.onSpinWait();
            if (!isLocked() && tryLock()) {
                return;
            }
        } while (System.nanoTime() < deadline);
        super.lock();
    }
}
