package org.jsgx.cli.lab;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Evicts a uniformly random resident page (seeded: runs are reproducible). */
public final class RandomPolicy implements ReplacementPolicy {
    private final long seed;

    public RandomPolicy(long seed) {
        this.seed = seed;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public long faults(int[] trace, int capacity) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] slots = new int[capacity];
        Map<Integer, Integer> where = new HashMap<>();
        int used = 0;
        long faults = 0;
        for (int page : trace) {
            if (where.containsKey(page)) {
                continue;
            }
            faults++;
            int slot;
            if (used < capacity) {
                slot = used++;
            } else {
                slot = rnd.nextInt(capacity);
                where.remove(slots[slot]);
            }
            slots[slot] = page;
            where.put(page, slot);
        }
        return faults;
    }
}
