package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class PageTableTest {

    @Test
    void behavesLikeAMapAcrossEveryLevelAndBeyond48Bits() {
        PageTable t = new PageTable();
        Map<Long, Pte> model = new HashMap<>();
        Random rnd = new Random(7);
        long[] interesting = {0, 1, 511, 512, (1L << 18) - 1, 1L << 18, (1L << 27) + 5, (1L << 35) + 3,
            (1L << 36) - 1, 1L << 36, -1L, 0x7effffe00L, 0x7ffff7fc0L};
        for (int i = 0; i < 20_000; i++) {
            long vpn = i % 3 == 0 ? interesting[rnd.nextInt(interesting.length)]
                    : rnd.nextBoolean() ? rnd.nextLong(1L << 36) : 0x7effffe00L + rnd.nextInt(4096);
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    Pte p = new Pte(rnd.nextLong() & ~0xFFFL, 0, true);
                    t.put(vpn, p);
                    model.put(vpn, p);
                }
                case 1 -> assertThat(t.remove(vpn)).isSameAs(model.remove(vpn));
                default -> assertThat(t.get(vpn)).isSameAs(model.get(vpn));
            }
        }
        for (var e : model.entrySet()) {
            assertThat(t.get(e.getKey())).isSameAs(e.getValue());
        }
    }

    @Test
    void concurrentInstallsUnderOneNewTableAreAllKept() throws Exception {
        for (int round = 0; round < 50; round++) {
            PageTable t = new PageTable();
            long base = (long) round << 27; // a fresh PDPT/PD/PT path each round
            int threads = 4;
            CountDownLatch go = new CountDownLatch(1);
            Thread[] ts = new Thread[threads];
            for (int k = 0; k < threads; k++) {
                int id = k;
                ts[k] = Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = id; i < 512; i += threads) {
                        t.put(base + i, new Pte((long) i << 12, 0, true));
                    }
                });
            }
            go.countDown();
            for (Thread th : ts) {
                th.join();
            }
            for (int i = 0; i < 512; i++) {
                assertThat(t.get(base + i)).as("vpn %d", base + i).isNotNull();
                assertThat(t.get(base + i).pa).isEqualTo((long) i << 12);
            }
        }
    }

    @Test
    void theGenerationMovesOnEveryChangeAndOnlyThen() {
        PageTable t = new PageTable();
        long g = t.generation();
        t.put(5, new Pte(0x1000, 0, true));
        assertThat(t.generation()).isGreaterThan(g);
        g = t.generation();
        t.get(5);
        assertThat(t.remove(6)).isNull(); // nothing there: no translation changed
        assertThat(t.generation()).isEqualTo(g);
        t.changed(); // re-protected in place
        assertThat(t.generation()).isGreaterThan(g);
        g = t.generation();
        assertThat(t.remove(5)).isNotNull();
        assertThat(t.generation()).isGreaterThan(g);
        g = t.generation();
        t.put(-1L, new Pte(0x2000, 0, true)); // beyond 48 bits
        assertThat(t.generation()).isGreaterThan(g);
    }
}
