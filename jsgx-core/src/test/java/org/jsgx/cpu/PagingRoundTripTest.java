package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jsgx.cpu.testkit.TestEnclave;
import org.junit.jupiter.api.Test;

/** Evicting a whole initialised enclave and loading it back restores it bit for bit. */
class PagingRoundTripTest {

    /** What must survive a round trip: content and EPCM state of a frame. */
    private record Snapshot(byte[] content, String epcm, long perms, long addr) {
        static Snapshot of(TestEnclave t, long la) {
            EpcmEntry e = t.epcm(la);
            return new Snapshot(t.content(la), String.valueOf(e.secinfoFlags()) + e.blocked(), e.perms(),
                    e.enclaveAddress());
        }

        boolean same(Snapshot o) {
            return java.util.Arrays.equals(content, o.content) && epcm.equals(o.epcm) && perms == o.perms
                    && addr == o.addr;
        }
    }

    @Test
    void evictEverythingThenReloadInAnyOrder() {
        TestEnclave t = TestEnclave.builder().dataPages(8).build();
        List<Long> children = new ArrayList<>();
        children.add(t.tcs);
        for (int i = 0; i < t.nssa; i++) {
            children.add(t.ssa + 0x1000L * i);
        }
        children.add(t.code);
        children.addAll(t.dataPages);
        Map<Long, Snapshot> before = new HashMap<>();
        for (long la : children) {
            before.put(la, Snapshot.of(t, la));
        }
        byte[] secsBefore = t.content(TestEnclave.SECS);
        byte[] mrBefore = t.secs().mrEnclave();
        assertThat(mrBefore).isEqualTo(t.mrEnclave);
        long eid = t.secsState().eid();

        // children into VA page 1, then the SECS, then VA page 1 into VA page 2
        long va1 = t.newVa();
        long va2 = t.newVa();
        Map<Long, Integer> slotOf = new HashMap<>();
        int slot = 0;
        for (long la : children) {
            slotOf.put(la, slot);
            assertThat(t.evict(la, va1 + 8L * slot, slot)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.epcm(la).valid()).isFalse();
            slot++;
        }
        assertThat(t.secsState().children()).isZero();
        int secsSlot = slot++;
        assertThat(t.ewb(TestEnclave.SECS, va1 + 8L * secsSlot, secsSlot)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.epcm(TestEnclave.SECS).valid()).isFalse();
        assertThat(t.platform.evictedSecs()).containsKey(eid);
        int vaSlot = slot++;
        assertThat(t.ewb(va1, va2, vaSlot)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.epcm(va1).valid()).isFalse();

        // reload: VA page 1 into a different frame, the SECS into a different frame, children shuffled
        long va1New = TestEnclave.SPARE;
        assertThat(t.eldu(va1New, 0, 0, va2, vaSlot)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.epcm(va1New).pageType()).isEqualTo(PageType.PT_VA);
        long secsNew = TestEnclave.SPARE + 0x1000;
        assertThat(t.eldu(secsNew, 0, 0, va1New + 8L * secsSlot, secsSlot)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.platform.evictedSecs()).isEmpty();
        assertThat(t.page(secsNew).secsState().eid()).isEqualTo(eid);
        assertThat(t.content(secsNew)).isEqualTo(secsBefore);
        List<Long> order = new ArrayList<>(children);
        Collections.shuffle(order, new Random(42));
        for (long la : order) {
            int s = slotOf.get(la);
            assertThat(t.eldu(la, la, secsNew, va1New + 8L * s, s)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.epcm(la).enclaveSecs()).isSameAs(t.page(secsNew));
        }

        for (long la : children) {
            assertThat(Snapshot.of(t, la).same(before.get(la))).as("page 0x%x", la).isTrue();
        }
        assertThat(t.page(secsNew).secsState().children()).isEqualTo(children.size());
        assertThat(new Secs(t.page(secsNew).data()).mrEnclave()).isEqualTo(mrBefore);
        // every VA slot used is empty again
        for (int s = 0; s < slot - 1; s++) {
            assertThat(t.page(va1New).data().get(Struct.U64, 8L * s)).isZero();
        }
        assertThat(t.page(va2).data().get(Struct.U64, 8L * vaSlot)).isZero();
    }

    @Test
    void enclaveRunsAfterRoundTrip() {
        TestEnclave t = TestEnclave.create();
        long va = t.newVa();
        long data = t.dataPages.get(0);
        byte[] expected = t.content(data);
        assertThat(t.evict(data, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.eldu(data, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        t.enter();
        assertThat(t.app.enclaveRead(data, 4096)).isEqualTo(expected);
        t.exit();
    }
}
