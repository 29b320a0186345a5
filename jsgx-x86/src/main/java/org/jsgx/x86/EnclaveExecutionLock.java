package org.jsgx.x86;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jsgx.cpu.EpcPage;

/**
 * One fair lock per enclave (keyed by its SECS frame) that an engine holds while it executes
 * that enclave's code. Unicorn 2.0 runs without multi-threaded TCG: LOCK-prefixed
 * instructions and XCHG are not atomic across two engines executing at the same time (a probe
 * lost half of the increments of a shared {@code lock inc}). Threads of one enclave therefore
 * take turns, each for at most a quantum of instructions, at instruction boundaries: every
 * instruction is then atomic with respect to the other threads, and spinlocks make progress
 * because a spinning thread gives up the lock at the end of its quantum.
 */
final class EnclaveExecutionLock {
    private static final Map<EpcPage, ReentrantLock> LOCKS = Collections.synchronizedMap(new WeakHashMap<>());

    private EnclaveExecutionLock() {
    }

    static ReentrantLock of(EpcPage secs) {
        return LOCKS.computeIfAbsent(secs, s -> new ReentrantLock(true));
    }
}
