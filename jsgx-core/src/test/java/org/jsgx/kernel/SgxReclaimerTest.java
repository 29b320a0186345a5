package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.jsgx.harness.EpcOversubscription;
import org.jsgx.harness.EpcOversubscription.SgxEpcCgroupSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reclaimer as a thread under real oversubscription: four enclaves of together four times
 * the EPC, two threads each, write and re-read every byte of their heaps while ksgxswapd
 * reclaims; EPC cgroup limits; and tampering with what EWB wrote.
 */
class SgxReclaimerTest {
    /** 192 pages of EPC; each enclave 192 pages (heap 175 + image 9 + SSA/stack holes). */
    static final long EPC_PAGES = 192, HEAP = 175;

    @Test
    @Timeout(60)
    void fourEnclavesAtFourTimesTheEpcReadBackEveryByte() throws Exception {
        try (EpcOversubscription w = new EpcOversubscription(EPC_PAGES, 4, HEAP, 2, null)) {
            long enclavePages = 0;
            for (var e : w.enclaves) {
                enclavePages += e.encl.size / 4096;
            }
            assertThat(enclavePages).isGreaterThanOrEqualTo(4 * EPC_PAGES);
            assertThat(w.runAll(2, 50)).as("pages read back different from what was written").isZero();
            SgxStats.Snapshot s = w.kernel.sgxStats();
            System.out.print(s.format());
            assertThat(s.ewb()).as("EWB").isGreaterThan(4 * EPC_PAGES);
            assertThat(s.eldu()).as("ELDU").isGreaterThan(0);
            assertThat(s.wakeups()).as("ksgxswapd wake-ups").isGreaterThan(0);
            assertThat(s.pagesLost()).isZero();
            assertThat(w.kernel.warnings()).isEmpty();
            assertAccounting(w);
        }
    }

    /** Free + every enclave's resident pages, SECS and VA pages = the whole EPC; cgroups agree. */
    static void assertAccounting(EpcOversubscription w) {
        SgxDriver drv = w.kernel.sgx();
        // let ksgxswapd finish its batch so nothing is in flight
        drv.reclaimer.stop();
        long held = 0;
        for (var e : w.enclaves) {
            SgxEnclave encl = drv.enclave(e.encl.task, e.encl.fd);
            assertThat(encl.reclaimerHeld.get()).isZero();
            held += encl.epcPagesHeld();
        }
        assertThat(drv.allocator.freePages() + held).as("free + held").isEqualTo(drv.allocator.totalPages());
        long charged = 0;
        for (SgxEpcCgroup g : drv.reclaimer.groups()) {
            charged += g.current();
        }
        assertThat(charged).as("cgroup charges").isEqualTo(held);
    }

    @Test
    @Timeout(60)
    void aGroupNeverExceedsItsLimitAndOthersAreNotReclaimedForIt() throws Exception {
        Map<String, SgxEpcCgroup> made = new HashMap<>();
        var small = new SgxEpcCgroupSpec("small", 48, made);
        // EPC 512 pages: the unlimited enclave (root) fits entirely; "small" must page within 48
        try (EpcOversubscription w = new EpcOversubscription(512, 2, 100, 1,
                new SgxEpcCgroupSpec[] {null, small})) {
            SgxEpcCgroup g = made.get("small");
            long[] peak = {0};
            Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak[0] = Math.max(peak[0], g.current());
                    Thread.onSpinWait();
                }
            });
            // fault the root enclave in first: it must stay resident while "small" pages
            var root = w.enclaves.get(0).threads.get(0);
            assertThat(w.call(root, EpcOversubscription.WRITE_VERIFY, 0, 100, 1, 7)).isZero();
            long rootEwbBefore = w.kernel.sgxStats().ewb();
            var t = w.enclaves.get(1).threads.get(0);
            for (int pass = 0; pass < 2; pass++) {
                assertThat(w.call(t, EpcOversubscription.WRITE_VERIFY, 0, 100, 1, pass)).isZero();
            }
            watcher.interrupt();
            SgxEnclave rootEncl = w.kernel.sgx().enclave(w.enclaves.get(0).encl.task, w.enclaves.get(0).encl.fd);
            assertThat(peak[0]).as("peak sgx_epc.current").isLessThanOrEqualTo(48);
            assertThat(g.events().max()).as("events max").isGreaterThan(0);
            assertThat(rootEncl.residentAndEvicted()[1]).as("root pages evicted for the small group").isZero();
            assertThat(w.kernel.sgxStats().ewb()).isGreaterThan(rootEwbBefore);
            assertThat(w.call(root, EpcOversubscription.VERIFY, 0, 100, 1, 7)).isZero();
            assertAccounting(w);
        }
    }

    @Test
    @Timeout(60)
    void aGroupWithNothingReclaimableOomKillsItsEnclave() throws Exception {
        Map<String, SgxEpcCgroup> made = new HashMap<>();
        // an enclave larger than the EPC runs in a group without a real limit; then sgx_epc.max
        // drops to 1 page: the next fault reclaims the whole group LRU (the SECS follows its last
        // child), and the SECS itself can then not be charged back: nothing left -> OOM kill
        try (EpcOversubscription w = new EpcOversubscription(64, 1, 100, 1,
                new SgxEpcCgroupSpec[] {new SgxEpcCgroupSpec("tiny", 1000, made)})) {
            SgxEpcCgroup g = made.get("tiny");
            var t = w.enclaves.getFirst().threads.getFirst();
            assertThat(w.call(t, EpcOversubscription.WRITE_VERIFY, 0, 100, 1, 1)).isZero();
            g.max(1);
            assertThatThrownBy(() -> w.call(t, EpcOversubscription.VERIFY, 0, 100, 1, 1))
                    .isInstanceOf(EpcOversubscription.EnclaveException.class)
                    .satisfies(e -> assertThat(((EpcOversubscription.EnclaveException) e).vector).isEqualTo(14));
            assertThat(g.events().oomKill()).isEqualTo(1);
            // the killed enclave's pages are freed as its threads are forced out: asynchronous
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (g.current() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(g.current()).isZero();
            SgxEnclave encl = w.kernel.sgx().enclave(w.enclaves.getFirst().encl.task, w.enclaves.getFirst().encl.fd);
            assertThat(encl.oomKilled()).isTrue();
        }
    }

    // ---- evictable VA pages (beyond upstream) ----

    /** EPC of 96 pages, one enclave with 2048 heap pages: five VA pages, most of them full. */
    static final long VA_EPC = 96, VA_HEAP = 2048;

    @Test
    @Timeout(120)
    void vaPagesAreEvictedAndReloadedAndEveryByteReadsBack() throws Exception {
        try (EpcOversubscription w = new EpcOversubscription(VA_EPC, 1, VA_HEAP, 1, null)) {
            var t = w.enclaves.getFirst().threads.getFirst();
            SgxEnclave encl = w.kernel.sgx().enclave(w.enclaves.getFirst().encl.task, w.enclaves.getFirst().encl.fd);
            for (int pass = 0; pass < 3; pass++) {
                assertThat(w.call(t, EpcOversubscription.WRITE_VERIFY, 0, VA_HEAP, 1, pass)).as("mismatches").isZero();
                assertVaChainSound(encl);
            }
            // ksgxswapd keeps reclaiming (VA pages included) after the last pass: stop it so the
            // snapshot and the enclave's live counts below describe the same moment
            w.kernel.sgx().reclaimer.stop();
            SgxStats.Snapshot s = w.kernel.sgxStats();
            System.out.print(s.format());
            assertThat(encl.vaPageCount()).as("VA pages").isGreaterThanOrEqualTo(4);
            assertThat(s.vaEvicted()).as("VA pages evicted").isGreaterThan(0);
            assertThat(s.vaReloaded()).as("VA pages reloaded").isGreaterThan(0);
            assertThat(s.enclaves().getFirst().vaEvicted()).isEqualTo(encl.vaPagesEvicted());
            assertThat(s.pagesLost()).isZero();
            assertThat(w.kernel.warnings()).isEmpty();
            assertAccounting(w);
        }
    }

    /**
     * The chain of versions: every evicted page (child, SECS, VA page) has its version in exactly
     * one used slot; an evicted VA page's chain of parents ends at a resident VA page without a
     * cycle; evicted VA pages are full; the slot reserve covers every resident page.
     */
    static void assertVaChainSound(SgxEnclave encl) {
        encl.lock.lock();
        try {
            Map<SgxVaPage, Integer> pointing = new HashMap<>();
            for (SgxEnclPage p : encl.pageArray.values()) {
                if (p.epcPage == null && p.vaPage != null) {
                    pointing.merge(p.vaPage, 1, Integer::sum);
                }
            }
            if (encl.secs.epcPage == null) {
                pointing.merge(encl.secs.vaPage, 1, Integer::sum);
            }
            int evicted = 0;
            for (SgxVaPage va : encl.vaPages) {
                if (va.resident()) {
                    assertThat(va.parent).isNull();
                    continue;
                }
                evicted++;
                assertThat(va.full()).as("an evicted VA page is full").isTrue();
                pointing.merge(va.parent, 1, Integer::sum);
                java.util.Set<SgxVaPage> seen = new java.util.HashSet<>();
                SgxVaPage x = va;
                while (!x.resident()) {
                    assertThat(seen.add(x)).as("cycle in the VA chain").isTrue();
                    assertThat(encl.vaPages).contains(x.parent);
                    x = x.parent;
                }
            }
            assertThat(evicted).isEqualTo(encl.vaEvictedCount);
            for (SgxVaPage va : encl.vaPages) {
                assertThat(SgxVaPage.SLOT_COUNT - va.freeSlots()).as("used slots of VA page " + va.index)
                        .isEqualTo(pointing.getOrDefault(va, 0));
            }
            assertThat(encl.freeVaSlots()).as("slot reserve").isGreaterThanOrEqualTo(encl.residentPages());
        } finally {
            encl.lock.unlock();
        }
    }

    @Test
    @Timeout(120)
    void corruptedEvictedVaPageIsSigbusNotWrongData() throws Exception {
        tamperVa(false);
    }

    @Test
    @Timeout(120)
    void corruptedEvictedVaPagePcmdIsSigbusNotWrongData() throws Exception {
        tamperVa(true);
    }

    /**
     * Flips a bit of an evicted VA page's backing copy (or its PCMD's MAC): a page whose version
     * sits in it can no longer be loaded, so touching it is SIGBUS (the vDSO reports #PF), and
     * nothing is read; pages that do not need that VA page still read back.
     */
    private static void tamperVa(boolean pcmd) throws Exception {
        try (EpcOversubscription w = new EpcOversubscription(VA_EPC, 1, VA_HEAP, 2, null)) {
            var t = w.enclaves.getFirst().threads.getFirst();
            SgxEnclave encl = w.kernel.sgx().enclave(w.enclaves.getFirst().encl.task, w.enclaves.getFirst().encl.fd);
            long heap = w.enclaves.getFirst().heapBase();
            // passes until, at the end of one, a full VA page whose pages are all out can go: the
            // reclaimer's two looks are made here (the first clears "used", the second evicts)
            int seed = 0;
            SgxVaPage va = null;
            long victim = -1, other = -1;
            java.util.Set<Long> dependents = new java.util.HashSet<>();
            while (va == null && seed < 12) {
                assertThat(w.call(t, EpcOversubscription.WRITE_VERIFY, 0, VA_HEAP, 1, ++seed)).isZero();
                encl.lock.lock();
                try {
                    encl.reclaimVaPages(w.platform.reservedCpu());
                    encl.reclaimVaPages(w.platform.reservedCpu());
                    for (SgxVaPage x : encl.vaPages) {
                        if (!x.resident() && x.parent.resident()) {
                            va = x;
                            break;
                        }
                    }
                    if (va == null) {
                        continue;
                    }
                    // every page whose version hangs below va (directly or through evicted VA pages)
                    for (SgxEnclPage ep : encl.pageArray.values()) {
                        for (SgxVaPage x = ep.epcPage == null ? ep.vaPage : null; x != null; x = x.parent) {
                            if (x == va) {
                                dependents.add(ep.address);
                                break;
                            }
                        }
                    }
                    for (long p = 0; p < VA_HEAP && (victim < 0 || other < 0); p++) {
                        SgxEnclPage ep = encl.page(heap + p * 4096);
                        if (dependents.contains(ep.address)) {
                            victim = victim < 0 ? p : victim;
                        } else if (ep.epcPage == null && ep.vaPage != null && ep.vaPage.resident() && other < 0) {
                            other = p;
                        }
                    }
                    SgxBacking.Backing b = encl.backing.va(va.index);
                    long pa = pcmd ? b.pcmd() + 112 : b.contents() + 8;
                    var f = w.kernel.ram().frame(pa);
                    f.set(java.lang.foreign.ValueLayout.JAVA_BYTE, pa & 0xFFF,
                            (byte) (f.get(java.lang.foreign.ValueLayout.JAVA_BYTE, pa & 0xFFF) ^ 1));
                } finally {
                    encl.lock.unlock();
                }
            }
            assertThat(va).as("an evicted VA page whose parent is resident").isNotNull();
            int lastSeed = seed;
            assertThat(victim).as("a heap page whose version is in the evicted VA page").isGreaterThanOrEqualTo(0);
            assertThat(other).as("an evicted heap page whose VA page is resident").isGreaterThanOrEqualTo(0);
            long v = victim;
            // one attempt: the unresolved AEX leaves the TCS's only SSA frame in use
            assertThatThrownBy(() -> w.call(t, EpcOversubscription.COPY_OUT, v, 1, 1, 0))
                    .isInstanceOf(EpcOversubscription.EnclaveException.class)
                    .satisfies(e -> {
                        var ee = (EpcOversubscription.EnclaveException) e;
                        assertThat(ee.vector).as("#PF reported by the vDSO (the kernel's SIGBUS)").isEqualTo(14);
                        // the victim, or a page entering needs first (TCS, SSA) if it hangs there too
                        assertThat(dependents).as("faulting page depends on the damaged VA page").contains(ee.address);
                    });
            assertThat(t.task.mm().read(t.op + 2048, 64)).as("nothing copied out").containsOnly((byte) 0);
            assertThat(w.kernel.warnings()).anyMatch(m -> m.startsWith("ELDU of VA page"));
            // a page that does not depend on the damaged VA page still reads back intact (through
            // the enclave's second TCS: the first one's SSA frame is taken by the reported fault),
            // when entering does not itself need a page that hangs below it
            if (dependents.stream().allMatch(a -> a >= heap)) {
                var t2 = w.enclaves.getFirst().threads.get(1);
                assertThat(w.call(t2, EpcOversubscription.VERIFY, other, 1, 1, lastSeed)).isZero();
            }
        }
    }

    // ---- tampering with what EWB wrote ----

    enum Target { CONTENTS, PCMD, VA_SLOT }

    @Test
    @Timeout(60)
    void corruptedBackingPageIsSigbusNotWrongData() throws Exception {
        tamper(Target.CONTENTS);
    }

    @Test
    @Timeout(60)
    void corruptedPcmdIsSigbusNotWrongData() throws Exception {
        tamper(Target.PCMD);
    }

    @Test
    @Timeout(60)
    void corruptedVaSlotIsSigbusNotWrongData() throws Exception {
        tamper(Target.VA_SLOT);
    }

    private static void tamper(Target target) throws Exception {
        try (EpcOversubscription w = new EpcOversubscription(128, 1, 200, 1, null)) {
            var t = w.enclaves.getFirst().threads.getFirst();
            assertThat(w.call(t, EpcOversubscription.WRITE_VERIFY, 0, 200, 1, 3)).isZero();
            SgxEnclave encl = w.kernel.sgx().enclave(w.enclaves.getFirst().encl.task, w.enclaves.getFirst().encl.fd);
            long heap = w.enclaves.getFirst().heapBase();
            long victim = -1;
            SgxBacking.Backing b = null;
            encl.lock.lock();
            try {
                for (long p = 0; p < 200 && victim < 0; p++) {
                    SgxEnclPage ep = encl.page(heap + p * 4096);
                    if (ep.epcPage == null && ep.vaPage != null) {
                        victim = p;
                        b = encl.backing.get((ep.address - encl.base) >>> 12);
                        long pa = switch (target) {
                            case CONTENTS -> b.contents() + 100;
                            case PCMD -> b.pcmd() + 64; // the MAC
                            case VA_SLOT -> -1;
                        };
                        if (pa >= 0) {
                            var f = w.kernel.ram().frame(pa);
                            f.set(java.lang.foreign.ValueLayout.JAVA_BYTE, pa & 0xFFF,
                                    (byte) (f.get(java.lang.foreign.ValueLayout.JAVA_BYTE, pa & 0xFFF) ^ 1));
                        } else {
                            // the VA slot sits in an EPC page: only the CPU can write it, so
                            // model a hostile/buggy kernel swapping in another page's version
                            SgxVaPage va = ep.vaPage;
                            var epc = w.platform.epc().page(va.epcPage.pa).data();
                            long v = epc.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, ep.vaOffset);
                            epc.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, ep.vaOffset, v + 1);
                        }
                    }
                }
            } finally {
                encl.lock.unlock();
            }
            assertThat(victim).as("an evicted heap page").isGreaterThanOrEqualTo(0);
            long v = victim;
            assertThatThrownBy(() -> w.call(t, EpcOversubscription.COPY_OUT, v, 1, 1, 0))
                    .isInstanceOf(EpcOversubscription.EnclaveException.class)
                    .satisfies(e -> {
                        var ee = (EpcOversubscription.EnclaveException) e;
                        assertThat(ee.vector).as("#PF reported by the vDSO (the kernel's SIGBUS)").isEqualTo(14);
                        assertThat(ee.address).isEqualTo(heap + v * 4096);
                    });
            // nothing was copied out: the buffer is still zero
            assertThat(t.task.mm().read(t.op + 2048, 64)).containsOnly((byte) 0);
            assertThat(w.kernel.warnings()).anyMatch(m -> m.startsWith("ELDU of"));
        }
    }
}
