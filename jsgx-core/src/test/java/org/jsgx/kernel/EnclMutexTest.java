package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** encl->lock's hand-off: a thread asleep on the mutex is not overtaken by one arriving later. */
class EnclMutexTest {
    @Test
    void aSleepingWaiterGetsTheLockBeforeTheReleasingThreadRetakesIt() throws Exception {
        EnclMutex m = new EnclMutex();
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
        m.unlock();
        m.lock(); // like the fault path taking the lock again right away
        order.add("owner");
        m.unlock();
        waiter.join();
        assertThat(order).containsExactly("waiter", "owner");
    }

    @Test
    void theOwnerMayTakeItAgain() {
        EnclMutex m = new EnclMutex();
        m.lock();
        m.lock();
        assertThat(m.getHoldCount()).isEqualTo(2);
        m.unlock();
        m.unlock();
        assertThat(m.isLocked()).isFalse();
    }
}
