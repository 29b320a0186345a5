package org.jsgx.cpu;

import java.util.concurrent.ConcurrentHashMap;

/** Test paging: explicit linear → physical page mappings, identity everywhere else. */
final class TestPageTable implements AddressSpace {
    private final ConcurrentHashMap<Long, Long> map = new ConcurrentHashMap<>();

    void map(long linear, long physical) {
        map.put(linear >>> 12, physical & ~0xFFFL);
    }

    @Override
    public long translate(long linear, Access access, boolean user) {
        Long pa = map.get(linear >>> 12);
        return pa == null ? linear : pa | (linear & 0xFFF);
    }
}
