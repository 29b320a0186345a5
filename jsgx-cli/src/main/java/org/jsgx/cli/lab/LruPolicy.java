package org.jsgx.cli.lab;

import java.util.LinkedHashMap;
import java.util.Map;

/** Exact least-recently-used (what the accessed-bit approximations aim at). */
public final class LruPolicy implements ReplacementPolicy {
    @Override
    public String name() {
        return "lru";
    }

    @Override
    public long faults(int[] trace, int capacity) {
        long[] faults = {0};
        Map<Integer, Boolean> m = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> e) {
                return size() > capacity;
            }
        };
        for (int page : trace) {
            if (m.get(page) == null) {
                faults[0]++;
                m.put(page, Boolean.TRUE);
            }
        }
        return faults[0];
    }
}
