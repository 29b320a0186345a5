package org.jsgx.cli.lab;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/** First in, first out: the oldest load is evicted, use is ignored. */
public final class FifoPolicy implements ReplacementPolicy {
    @Override
    public String name() {
        return "fifo";
    }

    @Override
    public long faults(int[] trace, int capacity) {
        ArrayDeque<Integer> q = new ArrayDeque<>();
        Set<Integer> resident = new HashSet<>();
        long faults = 0;
        for (int page : trace) {
            if (resident.contains(page)) {
                continue;
            }
            faults++;
            if (resident.size() == capacity) {
                resident.remove(q.pollFirst());
            }
            resident.add(page);
            q.addLast(page);
        }
        return faults;
    }
}
