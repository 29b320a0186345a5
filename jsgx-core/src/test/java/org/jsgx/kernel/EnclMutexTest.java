package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** encl->lock's anti-starvation: a waiter that kept losing is handed the lock. */
class EnclMutexTest {
    @Test
    void aStarvedWaiterGetsTheLockBeforeTheReleasingThreadRetakesIt() throws Exception {
        EnclMutex m = new EnclMutex();
        boolean handedOff = false;
        // a round in which the woken waiter wins a race on its own is legitimate and ends without
        // a hand-off; how often that happens depends on the machine (on some runs every one of 50
        // rounds did), so rounds go on until a hand-off was seen or 10 s have passed
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!handedOff && System.nanoTime() < deadline) {
            List<String> order = new CopyOnWriteArrayList<>();
            m.lock();
            Thread waiter = Thread.ofPlatform().start(() -> {
                m.lock();
                order.add("waiter");
                m.unlock();
            });
            while (!m.hasQueuedThread(waiter)) { // past its spin, asleep in the queue
                Thread.onSpinWait();
            }
            // the fault path's pattern: drop the lock and take it again at once, until the
            // woken waiter that keeps losing asks for the hand-off (or wins a race on its own)
            while (order.isEmpty() && !m.handoffRequested()) {
                m.unlock();
                m.lock();
            }
            handedOff = m.handoffRequested();
            m.unlock();
            m.lock(); // with the hand-off requested this waits for the waiter
            order.add("owner");
            m.unlock();
            waiter.join();
            if (handedOff) {
                assertThat(order).containsExactly("waiter", "owner");
            }
            assertThat(m.handoffRequested()).isFalse(); // cleared by the waiter that took the lock
        }
        assertThat(handedOff).as("a waiter losing every race asks for the hand-off").isTrue();
    }

    @Test
    void theOwnerMayTakeItAgain() {
        EnclMutex m = new EnclMutex();
        m.lock();
        m.lock();
        assertThat(m.holdCount()).isEqualTo(2);
        m.unlock();
        assertThat(m.isLocked()).isTrue();
        m.unlock();
        assertThat(m.isLocked()).isFalse();
    }

    @Test
    void onlyTheOwnerMayUnlock() throws Exception {
        EnclMutex m = new EnclMutex();
        m.lock();
        Throwable[] thrown = new Throwable[1];
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                m.unlock();
            } catch (IllegalMonitorStateException e) {
                thrown[0] = e;
            }
        });
        other.join();
        assertThat(thrown[0]).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(m.isLocked()).isTrue();
        m.unlock();
    }
}
