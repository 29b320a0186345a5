package org.jsgx.kernel;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * encl->lock: a struct mutex, which spins optimistically (mutex_optimistic_spin) while the
 * owner is running rather than sleeping at once. Its holders — the fault handler around one
 * ELDU, ksgxswapd around one EBLOCK or EWB — hold it for microseconds, so a waiter that parked
 * would pay more in the futex wake-up than it waits. [MODEL] Whether the owner is on a CPU is
 * not visible here: the spin is bounded by {@link #SPIN_NANOS} instead, then the thread sleeps.
 *
 * <p>Anti-starvation as in the kernel's mutex: a running thread may take the lock ahead of the
 * sleepers (no convoy: the lock is not left idle while a sleeper wakes up), but the top waiter
 * that keeps losing sets MUTEX_FLAG_HANDOFF, and from then on only it may take the lock. The
 * kernel sets the flag when the woken top waiter finds the lock taken again; [MODEL] here when
 * it has lost for {@link #HANDOFF_NANOS} (AQS does not say whether a retry follows a wake-up).
 * Without it the fault path, which re-takes the lock a microsecond after dropping it, kept
 * ksgxswapd asleep on it for hundreds of microseconds, until the free pages ran out; a strictly
 * fair lock instead made every hand-off wait for a futex wake-up.
 */
final class EnclMutex {
    /** A few critical sections' worth: longer than an ELDU or EWB, far shorter than a time slice. */
    static final long SPIN_NANOS = 10_000;
    /** How long the top waiter may lose before it asks for the hand-off. */
    static final long HANDOFF_NANOS = 20_000;

    private final Sync sync = new Sync();

    /** When the owner took the lock (written by the owner only), for {@link KernelTiming}. */
    private long heldSince;

    private static final class Sync extends AbstractQueuedSynchronizer {
        /** MUTEX_FLAG_HANDOFF: only the top waiter may take the lock. */
        volatile boolean handoff;
        /** The top waiter that lost, and since when (written by that waiter only). */
        private Thread losing;
        private long losingSince;

        @Override
        protected boolean tryAcquire(int n) {
            Thread me = Thread.currentThread();
            int c = getState();
            if (c != 0) {
                if (getExclusiveOwnerThread() == me) {
                    setState(c + n); // nested acquire by the owner
                    return true;
                }
            } else if (!handoff || getFirstQueuedThread() == me) {
                if (compareAndSetState(0, n)) {
                    setExclusiveOwnerThread(me);
                    if (losing == me) {
                        losing = null;
                        handoff = false;
                    }
                    return true;
                }
            }
            if (!handoff && hasQueuedThreads() && getFirstQueuedThread() == me) {
                long now = System.nanoTime();
                if (losing != me) {
                    losing = me;
                    losingSince = now;
                } else if (now - losingSince > HANDOFF_NANOS) {
                    handoff = true;
                }
            }
            return false;
        }

        @Override
        protected boolean tryRelease(int n) {
            if (getExclusiveOwnerThread() != Thread.currentThread()) {
                throw new IllegalMonitorStateException();
            }
            int c = getState() - n;
            if (c == 0) {
                setExclusiveOwnerThread(null);
            }
            setState(c);
            return c == 0;
        }

        int holds() {
            return getState();
        }

        @Override
        protected boolean isHeldExclusively() {
            return getExclusiveOwnerThread() == Thread.currentThread();
        }
    }

    /** mutex_lock: take it, spin while it is held, then sleep. */
    void lock() {
        acquire();
        if (KernelTiming.ON && sync.holds() == 1) {
            heldSince = System.nanoTime();
        }
    }

    private void acquire() {
        if (sync.tryAcquire(1)) {
            return;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        do {
            Thread.onSpinWait();
            if (sync.holds() == 0 && !sync.handoff && sync.tryAcquire(1)) {
                return;
            }
        } while (System.nanoTime() < deadline);
        sync.acquire(1);
    }

    void unlock() {
        if (KernelTiming.ON && sync.holds() == 1 && sync.isHeldExclusively()) {
            KernelTiming.lockHeld(System.nanoTime() - heldSince);
        }
        sync.release(1);
    }

    boolean isLocked() {
        return sync.holds() != 0;
    }

    int holdCount() {
        return sync.isHeldExclusively() ? sync.holds() : 0;
    }

    boolean hasQueuedThread(Thread t) {
        return sync.isQueued(t);
    }

    boolean handoffRequested() {
        return sync.handoff;
    }
}
