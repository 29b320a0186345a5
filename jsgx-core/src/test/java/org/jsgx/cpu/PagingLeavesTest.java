package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jsgx.cpu.PagingFaults.assertGp;
import static org.jsgx.cpu.PagingFaults.assertPf;
import static org.jsgx.cpu.PagingFaults.whileBusy;

import java.lang.foreign.MemorySegment;
import org.jsgx.cpu.testkit.TestEnclave;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** EPA, EBLOCK, ETRACK, EWB, ELDB and ELDU: every status code and fault. */
class PagingLeavesTest {
    /** An EPC frame nobody uses. */
    static final long FREE_FRAME = TestEnclave.SPARE + 0x10_0000;
    /** Ordinary memory (not EPC). */
    static final long RAM = 0x5000_0000L;

    TestEnclave t;
    Encls encls;
    long data;

    @BeforeEach
    void setUp() {
        t = TestEnclave.create();
        encls = t.os.encls();
        data = t.dataPages.get(0);
    }

    long slot(long va, int i) {
        return t.page(va).data().get(Struct.U64, 8L * i);
    }

    @Nested
    class EpaLeaf {
        @Test
        void createsAnEmptyVaPage() {
            t.page(FREE_FRAME).data().fill((byte) 0x5A);
            encls.epa(FREE_FRAME);
            EpcmEntry e = t.epcm(FREE_FRAME);
            assertThat(e.valid()).isTrue();
            assertThat(e.pageType()).isEqualTo(PageType.PT_VA);
            assertThat(e.perms()).isZero();
            assertThat(e.enclaveSecs()).isNull();
            assertThat(Bytes.allZero(t.content(FREE_FRAME))).isTrue();
        }

        @Test
        void faults() {
            assertGp(() -> encls.epa(PageType.PT_REG.value(), FREE_FRAME));
            assertGp(() -> encls.epa(FREE_FRAME + 8));
            assertPf(() -> encls.epa(RAM), RAM);
            whileBusy(t.page(FREE_FRAME), () -> assertGp(() -> encls.epa(FREE_FRAME)));
            assertThat(t.epcm(FREE_FRAME).valid()).isFalse();
            assertPf(() -> encls.epa(data), data);
            assertThat(t.epcm(data).pageType()).isEqualTo(PageType.PT_REG);
        }

        @Test
        void dispatchedByExecute() {
            Registers r = t.os.regs();
            r.rax = Encls.EPA;
            r.rbx = PageType.PT_VA.value();
            r.rcx = FREE_FRAME;
            encls.execute();
            assertThat(t.epcm(FREE_FRAME).pageType()).isEqualTo(PageType.PT_VA);
        }
    }

    @Nested
    class EblockLeaf {
        @Test
        void blocksAndStampsTheEpoch() {
            assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(encls.eblock(data)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.os.regs().rax).isZero();
            assertThat(t.os.regs().zf()).isFalse();
            assertThat(t.epcm(data).blocked()).isTrue();
            assertThat(t.epcm(data).bepoch()).isEqualTo(1);
        }

        @Test
        void statusCodes() {
            assertThat(encls.eblock(FREE_FRAME)).isEqualTo(SgxStatus.SGX_PG_INVLD);
            assertThat(t.os.regs().zf()).isTrue();
            assertThat(encls.eblock(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_PG_IS_SECS);
            assertThat(t.os.regs().cf()).isTrue();
            assertThat(t.os.regs().zf()).isFalse();
            long va = t.newVa();
            assertThat(encls.eblock(va)).isEqualTo(SgxStatus.SGX_NOTBLOCKABLE);
            assertThat(t.os.regs().cf()).isTrue();
            assertThat(encls.eblock(data)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(encls.eblock(data)).isEqualTo(SgxStatus.SGX_BLKSTATE);
            assertThat(t.os.regs().rax).isEqualTo(3);
            assertThat(t.os.regs().cf()).isTrue();
            whileBusy(t.page(t.code), () -> assertThat(encls.eblock(t.code)).isEqualTo(SgxStatus.SGX_EPC_PAGE_CONFLICT));
            whileBusy(t.page(TestEnclave.SECS),
                    () -> assertThat(encls.eblock(t.code)).isEqualTo(SgxStatus.SGX_ENTRYEPOCH_LOCKED));
            assertThat(t.epcm(t.code).blocked()).isFalse();
        }

        @Test
        void blocksTcsAndTrimPages() {
            assertThat(encls.eblock(t.tcs)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.epcm(t.tcs).blocked()).isTrue();
        }

        @Test
        void faults() {
            assertGp(() -> encls.eblock(data + 0x10));
            assertPf(() -> encls.eblock(RAM), RAM);
        }
    }

    @Nested
    class EtrackLeaf {
        @Test
        void completesOnlyWhenThreadsOfThePreviousCycleLeft() {
            t.enter();
            assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_PREV_TRK_INCMPL);
            assertThat(t.os.regs().rax).isEqualTo(17);
            assertThat(t.os.regs().zf()).isTrue();
            t.exit();
            assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
            // a thread that entered after the last ETRACK does not hold up the next one
            t.enter();
            assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_PREV_TRK_INCMPL);
            t.exit();
        }

        @Test
        void faults() {
            assertGp(() -> encls.etrack(TestEnclave.SECS + 8));
            assertPf(() -> encls.etrack(RAM), RAM);
            assertPf(() -> encls.etrack(data), data);
            assertPf(() -> encls.etrack(FREE_FRAME), FREE_FRAME);
            whileBusy(t.page(TestEnclave.SECS), () -> assertGp(() -> encls.etrack(TestEnclave.SECS)));
        }
    }

    @Nested
    class EwbLeaf {
        long va;

        @BeforeEach
        void vaPage() {
            va = t.newVa();
        }

        @Test
        void writesPcmdVersionAndLinaddr() {
            long flagsBefore = t.epcm(data).secinfoFlags();
            long eid = t.secsState().eid();
            long children = t.secsState().children();
            assertThat(t.evict(data, va + 16, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
            Pcmd pcmd = new Pcmd(MemorySegment.ofArray(t.os.load(TestEnclave.backingPcmd(0), Pcmd.SIZE)));
            assertThat(pcmd.secInfo().flags()).isEqualTo(flagsBefore);
            assertThat(pcmd.secInfo().reservedBytesZero()).isTrue();
            assertThat(pcmd.enclaveId()).isEqualTo(eid);
            assertThat(pcmd.isZero(Pcmd.RESERVED, Pcmd.RESERVED_LEN)).isTrue();
            assertThat(pcmd.mac()).isNotEqualTo(new byte[16]);
            assertThat(new PageInfo(MemorySegment.ofArray(t.os.load(TestEnclave.PAGEINFO, 32))).linaddr()).isEqualTo(data);
            assertThat(slot(va, 2)).isNotZero();
            assertThat(t.epcm(data).valid()).isFalse();
            assertThat(t.secsState().children()).isEqualTo(children - 1);
            // the backing page is ciphertext, not the page
            assertThat(t.os.load(TestEnclave.backingPage(0), 4096)).isNotEqualTo(t.content(data));
        }

        @Test
        void versionsAreFreshPerEviction() {
            long second = t.dataPages.get(1);
            assertThat(t.evict(data, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.evict(second, va + 8, 1)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(slot(va, 0)).isNotEqualTo(slot(va, 1));
        }

        @Test
        void notBlocked() {
            assertThat(t.ewb(data, va, 0)).isEqualTo(SgxStatus.SGX_PAGE_NOT_BLOCKED);
            assertThat(t.os.regs().rax).isEqualTo(10);
            assertThat(t.epcm(data).valid()).isTrue();
            assertThat(slot(va, 0)).isZero();
        }

        @Test
        void notTrackedWithoutEtrack() {
            assertThat(encls.eblock(data)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.ewb(data, va, 0)).isEqualTo(SgxStatus.SGX_NOT_TRACKED);
            assertThat(t.os.regs().rax).isEqualTo(11);
            assertThat(t.epcm(data).valid()).isTrue();
            assertThat(slot(va, 0)).isZero();
            assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.ewb(data, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        }

        @Test
        void notTrackedWhileAThreadFromBeforeTheBlockIsInside() {
            t.enter();
            assertThat(encls.eblock(data)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.ewb(data, va, 0)).isEqualTo(SgxStatus.SGX_NOT_TRACKED);
            t.exit();
            assertThat(t.ewb(data, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        }

        @Test
        void trackedWhenTheThreadEnteredAfterTheCycle() {
            assertThat(encls.eblock(data)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
            t.enter();
            assertThat(t.ewb(data, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
            t.exit();
        }

        @Test
        void secsWithChildrenIsRefused() {
            assertThat(t.ewb(TestEnclave.SECS, va, 0)).isEqualTo(SgxStatus.SGX_CHILD_PRESENT);
            assertThat(t.os.regs().rax).isEqualTo(13);
            assertThat(t.epcm(TestEnclave.SECS).valid()).isTrue();
            assertThat(t.platform.evictedSecs()).isEmpty();
        }

        @Test
        void occupiedSlotIsReportedAndOverwritten() {
            t.page(va).data().set(Struct.U64, 0, 0x77L);
            assertThat(t.evict(data, va, 0)).isEqualTo(SgxStatus.SGX_VA_SLOT_OCCUPIED);
            assertThat(t.os.regs().cf()).isTrue();
            assertThat(t.os.regs().zf()).isFalse();
            assertThat(t.epcm(data).valid()).isFalse();
            assertThat(slot(va, 0)).isNotEqualTo(0x77L).isNotZero();
            assertThat(t.eldu(data, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        }

        @Test
        void vaPageIntoItsOwnSlotIsGp() {
            long va2 = t.newVa();
            assertGp(() -> t.ewb(va, va + 8, 0));
            assertThat(t.ewb(va, va2, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        }

        @Test
        void operandFaults() {
            encls.eblock(data);
            encls.etrack(TestEnclave.SECS);
            long pi = t.pageinfo(0, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), 0);
            assertGp(() -> encls.ewb(pi + 8, data, va));
            assertGp(() -> encls.ewb(pi, data + 8, va));
            assertPf(() -> encls.ewb(pi, RAM, va), RAM);
            assertGp(() -> encls.ewb(pi, data, va + 4));
            assertPf(() -> encls.ewb(pi, data, RAM), RAM);
            assertGp(() -> encls.ewb(pi, data, data + 8));
            assertGp(() -> encls.ewb(t.pageinfo(data, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), 0), data, va));
            assertGp(() -> encls.ewb(t.pageinfo(0, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0),
                    TestEnclave.SECS), data, va));
            assertGp(() -> encls.ewb(t.pageinfo(0, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0) + 64, 0),
                    data, va));
            assertGp(() -> encls.ewb(t.pageinfo(0, TestEnclave.backingPage(0) + 8, TestEnclave.backingPcmd(0), 0),
                    data, va));
            long ok = t.pageinfo(0, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), 0);
            whileBusy(t.page(data), () -> assertGp(() -> encls.ewb(ok, data, va)));
            whileBusy(t.page(va), () -> assertGp(() -> encls.ewb(ok, data, va)));
            assertPf(() -> encls.ewb(ok, FREE_FRAME, va), FREE_FRAME);
            assertPf(() -> encls.ewb(ok, data, t.code), t.code);
            assertPf(() -> encls.ewb(ok, data, FREE_FRAME), FREE_FRAME);
            // nothing happened
            assertThat(t.epcm(data).valid()).isTrue();
            assertThat(slot(va, 0)).isZero();
            assertThat(encls.ewb(ok, data, va)).isEqualTo(SgxStatus.SGX_SUCCESS);
        }
    }

    @Nested
    class EldLeaves {
        long va;

        @BeforeEach
        void evicted() {
            va = t.newVa();
            assertThat(t.evict(data, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        }

        @Test
        void elduLoadsUnblockedAndCountsTheChild() {
            long children = t.secsState().children();
            assertThat(t.eldu(data, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.os.regs().zf()).isFalse();
            EpcmEntry e = t.epcm(data);
            assertThat(e.valid()).isTrue();
            assertThat(e.blocked()).isFalse();
            assertThat(e.enclaveAddress()).isEqualTo(data);
            assertThat(e.enclaveSecs()).isSameAs(t.page(TestEnclave.SECS));
            assertThat(t.secsState().children()).isEqualTo(children + 1);
            assertThat(slot(va, 0)).isZero();
        }

        @Test
        void eldbLoadsBlockedAndCanBeEvictedWithoutNewTracking() {
            long pi = t.pageinfo(data, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), TestEnclave.SECS);
            assertThat(encls.eldb(pi, data, va)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.epcm(data).blocked()).isTrue();
            assertThat(t.ewb(data, va, 1)).isEqualTo(SgxStatus.SGX_SUCCESS);
        }

        @Test
        void eldbOfSecsAndVaLoadsUnblocked() {
            long va2 = t.newVa();
            assertThat(t.ewb(va, va2, 1)).isEqualTo(SgxStatus.SGX_SUCCESS);
            long pi = t.pageinfo(0, TestEnclave.backingPage(1), TestEnclave.backingPcmd(1), 0);
            assertThat(encls.eldb(pi, va, va2)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(t.epcm(va).blocked()).isFalse();
            assertThat(t.epcm(va).pageType()).isEqualTo(PageType.PT_VA);
            assertThat(slot(va, 0)).isNotZero();
        }

        @Test
        void operandFaults() {
            long pi = t.pageinfo(data, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), TestEnclave.SECS);
            assertGp(() -> encls.eldu(pi + 8, data, va));
            assertGp(() -> encls.eldu(pi, data + 8, va));
            assertPf(() -> encls.eldu(pi, RAM, va), RAM);
            assertGp(() -> encls.eldu(pi, data, va + 1));
            assertPf(() -> encls.eldu(pi, data, RAM), RAM);
            assertGp(() -> encls.eldu(t.pageinfo(data, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0) + 32,
                    TestEnclave.SECS), data, va));
            assertGp(() -> encls.eldu(t.pageinfo(data, TestEnclave.backingPage(0) + 16, TestEnclave.backingPcmd(0),
                    TestEnclave.SECS), data, va));
            long ok = t.pageinfo(data, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), TestEnclave.SECS);
            whileBusy(t.page(data), () -> assertGp(() -> encls.eldu(ok, data, va)));
            whileBusy(t.page(va), () -> assertGp(() -> encls.eldu(ok, data, va)));
            whileBusy(t.page(TestEnclave.SECS), () -> assertGp(() -> encls.eldu(ok, data, va)));
            assertPf(() -> encls.eldu(ok, t.code, va), t.code);
            assertPf(() -> encls.eldu(ok, data, t.code), t.code);
            assertPf(() -> encls.eldu(ok, data, FREE_FRAME), FREE_FRAME);
            assertPf(() -> encls.eldu(ok, data, data), data);
            assertGp(() -> encls.eldu(t.pageinfo(data, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0),
                    TestEnclave.SECS + 8), data, va));
            assertPf(() -> encls.eldu(t.pageinfo(data, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), RAM),
                    data, va), RAM);
            assertPf(() -> encls.eldu(t.pageinfo(data, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), t.code),
                    data, va), t.code);
            // nothing happened
            assertThat(t.epcm(data).valid()).isFalse();
            assertThat(slot(va, 0)).isNotZero();
            assertThat(t.eldu(data, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        }

        @Test
        void emptySlotFailsTheMac() {
            assertThat(t.eldu(data, va + 8, 0)).isEqualTo(SgxStatus.SGX_MAC_COMPARE_FAIL);
            assertThat(t.os.regs().rax).isEqualTo(9);
            assertThat(t.os.regs().zf()).isTrue();
        }

        @Test
        void worksOnAnSgx1Platform() {
            TestEnclave s1 = TestEnclave.builder().sgx1Only().build();
            long v = s1.newVa();
            long p = s1.dataPages.get(0);
            byte[] content = s1.content(p);
            assertThat(s1.evict(p, v, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(s1.eldu(p, v, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
            assertThat(s1.content(p)).isEqualTo(content);
        }
    }

    @Test
    void pagingLeavesAreDispatchedByExecute() {
        Registers r = t.os.regs();
        long va = t.newVa();
        r.rax = Encls.EBLOCK;
        r.rcx = data;
        encls.execute();
        assertThat(r.rax).isZero();
        assertThat(t.epcm(data).blocked()).isTrue();
        r.rax = Encls.ETRACK;
        r.rcx = TestEnclave.SECS;
        encls.execute();
        assertThat(r.rax).isZero();
        r.rax = Encls.EWB;
        r.rbx = t.pageinfo(0, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), 0);
        r.rcx = data;
        r.rdx = va;
        encls.execute();
        assertThat(r.rax).isZero();
        assertThat(t.epcm(data).valid()).isFalse();
        r.rax = Encls.ELDB;
        r.rbx = t.pageinfo(data, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), TestEnclave.SECS);
        encls.execute();
        assertThat(r.rax).isZero();
        assertThat(t.epcm(data).blocked()).isTrue();
        r.rax = Encls.ETRACK;
        r.rcx = TestEnclave.SECS;
        encls.execute();
        r.rax = Encls.EWB;
        r.rbx = t.pageinfo(0, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), 0);
        r.rcx = data;
        encls.execute();
        r.rax = Encls.ELDU;
        r.rbx = t.pageinfo(data, TestEnclave.backingPage(0), TestEnclave.backingPcmd(0), TestEnclave.SECS);
        encls.execute();
        assertThat(r.rax).isZero();
        assertThat(t.epcm(data).valid()).isTrue();
        assertThat(t.epcm(data).blocked()).isFalse();
    }
}
