package org.jsgx.cli.lab;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Belady's MIN (offline optimal): on a fault evict the resident page whose next use is
 * farthest in the future. Needs the whole trace, so it is the lower bound the online policies
 * are measured against.
 */
public final class BeladyPolicy implements ReplacementPolicy {
    @Override
    public String name() {
        return "belady";
    }

    @Override
    public long faults(int[] trace, int capacity) {
        int n = trace.length;
        int[] nextUse = new int[n];
        Map<Integer, Integer> last = new HashMap<>();
        for (int i = n - 1; i >= 0; i--) {
            Integer nx = last.get(trace[i]);
            nextUse[i] = nx == null ? Integer.MAX_VALUE - (n - i) : nx; // never again: farthest, distinct
            last.put(trace[i], i);
        }
        // resident pages ordered by next use; each entry is (nextUse, page)
        TreeSet<long[]> byNext = new TreeSet<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        Map<Integer, long[]> resident = new HashMap<>();
        long faults = 0;
        for (int i = 0; i < n; i++) {
            int page = trace[i];
            long[] e = resident.remove(page);
            if (e != null) {
                byNext.remove(e);
            } else {
                faults++;
                if (resident.size() == capacity) {
                    long[] victim = byNext.pollLast();
                    resident.remove((int) victim[1]);
                }
            }
            long[] ne = {nextUse[i], page};
            byNext.add(ne);
            resident.put(page, ne);
        }
        return faults;
    }
}
