package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jsgx.cpu.PageType;
import org.junit.jupiter.api.Test;

/** The enclave's page array (an xarray): insert, lookup, erase, growth and ordered walks. */
class SgxPageArrayTest {
    private static SgxEnclPage page(long pfn) {
        return new SgxEnclPage(null, pfn << 12, Mman.VM_READ, PageType.PT_REG);
    }

    @Test
    void insertRefusesATakenIndexAndKeepsTheFirstEntry() {
        SgxPageArray a = new SgxPageArray();
        SgxEnclPage first = page(0x7_0000_0000L), second = page(0x7_0000_0000L);
        assertThat(a.putIfAbsent(0x7_0000_0000L, first)).isNull();
        assertThat(a.putIfAbsent(0x7_0000_0000L, second)).isSameAs(first);
        assertThat(a.get(0x7_0000_0000L)).isSameAs(first);
        assertThat(a.size()).isEqualTo(1);
    }

    @Test
    void lookupsMissEverywhereElseAcrossEveryLevel() {
        SgxPageArray a = new SgxPageArray();
        assertThat(a.get(5)).isNull();
        a.putIfAbsent(5, page(5));
        // the tree grows from one level (indices < 64) to the height a 48-bit address needs
        a.putIfAbsent(0xF_FFFF_FFFFL, page(0xF_FFFF_FFFFL));
        assertThat(a.get(5)).isNotNull();
        assertThat(a.get(0xF_FFFF_FFFFL)).isNotNull();
        for (long miss : new long[] {4, 6, 64, 5 + 64, 0xF_FFFF_FFFEL, 0x10_0000_0000L, Long.MAX_VALUE, -1L}) {
            assertThat(a.get(miss)).as("index 0x%x", miss).isNull();
            assertThat(a.containsKey(miss)).isFalse();
        }
    }

    @Test
    void eraseRemovesOnlyThatIndexAndClearEmptiesTheArray() {
        SgxPageArray a = new SgxPageArray();
        for (long i = 100; i < 300; i++) {
            a.putIfAbsent(i, page(i));
        }
        assertThat(a.remove(150).address).isEqualTo(150L << 12);
        assertThat(a.remove(150)).isNull();
        assertThat(a.remove(1L << 40)).isNull();
        assertThat(a.get(150)).isNull();
        assertThat(a.get(151)).isNotNull();
        assertThat(a.size()).isEqualTo(199);
        assertThat(a.putIfAbsent(150, page(150))).isNull(); // the slot is free again
        a.clear();
        assertThat(a.isEmpty()).isTrue();
        assertThat(a.get(151)).isNull();
        assertThat(a.values()).isEmpty();
    }

    @Test
    void valuesWalkTheEntriesInIndexOrder() {
        SgxPageArray a = new SgxPageArray();
        long[] order = {0x7_0000_4000L, 3, 0x7_0000_0001L, 64, 0x7_0000_0000L, 4095, 4096};
        for (long i : order) {
            a.putIfAbsent(i, page(i));
        }
        List<Long> seen = new ArrayList<>();
        for (SgxEnclPage p : a.values()) {
            seen.add(p.address >>> 12);
        }
        assertThat(seen).containsExactly(3L, 64L, 4095L, 4096L, 0x7_0000_0000L, 0x7_0000_0001L, 0x7_0000_4000L);
    }

    @Test
    void aConcurrentReaderSeesEveryPublishedEntryWhileTheTreeGrows() throws Exception {
        SgxPageArray a = new SgxPageArray();
        int n = 20_000;
        AtomicReference<String> error = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            for (int round = 0; round < 200 && error.get() == null; round++) {
                int count = a.size();
                // entries 0..count-1 were all inserted before count was raised past them
                for (long i = 0; i < count; i++) {
                    if (a.get(i << 12) == null) {
                        error.set("index " + (i << 12) + " missing with size " + count);
                        return;
                    }
                }
            }
        });
        reader.start();
        for (long i = 0; i < n; i++) {
            a.putIfAbsent(i << 12, page(i << 12));
        }
        reader.join();
        assertThat(error.get()).isNull();
        assertThat(a.size()).isEqualTo(n);
    }
}
