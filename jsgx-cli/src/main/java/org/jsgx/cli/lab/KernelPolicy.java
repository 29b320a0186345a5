package org.jsgx.cli.lab;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The Linux SGX reclaimer's policy as {@code SgxReclaimer} implements it: pages join the LRU's
 * tail when loaded; sgx_reclaim_pages isolates batches of 16 from the head, gives a page whose
 * accessed bit is set a second chance (bit cleared, back to the tail) and evicts the rest;
 * ksgxswapd runs when fewer than 32 pages are free and stops at 64, and a fault that finds no
 * free page reclaims a batch directly. A loaded page starts accessed: the retried access that
 * follows the fault sets the bit. The watermarks keep up to 64 frames free, which is part of
 * the policy's cost.
 */
public final class KernelPolicy implements ReplacementPolicy {
    static final int NR_TO_SCAN = 16, NR_LOW_PAGES = 32, NR_HIGH_PAGES = 64;

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public long faults(int[] trace, int capacity) {
        ArrayDeque<Integer> lru = new ArrayDeque<>();
        Map<Integer, boolean[]> resident = new HashMap<>();
        int free = capacity;
        long faults = 0;
        for (int page : trace) {
            boolean[] accessed = resident.get(page);
            if (accessed != null) {
                accessed[0] = true;
                continue;
            }
            faults++;
            while (free == 0) {
                free += batch(lru, resident);
            }
            free--;
            resident.put(page, new boolean[] {true});
            lru.addLast(page);
            if (free < NR_LOW_PAGES && capacity > NR_HIGH_PAGES) {
                int idle = 0;
                while (free < NR_HIGH_PAGES && idle < 4) {
                    int n = batch(lru, resident);
                    free += n;
                    idle = n == 0 ? idle + 1 : 0;
                }
            }
        }
        return faults;
    }

    private static int batch(ArrayDeque<Integer> lru, Map<Integer, boolean[]> resident) {
        int freed = 0;
        for (int i = 0; i < NR_TO_SCAN && !lru.isEmpty(); i++) {
            int p = lru.pollFirst();
            boolean[] a = resident.get(p);
            if (a[0]) {
                a[0] = false;
                lru.addLast(p);
            } else {
                resident.remove(p);
                freed++;
            }
        }
        return freed;
    }
}
