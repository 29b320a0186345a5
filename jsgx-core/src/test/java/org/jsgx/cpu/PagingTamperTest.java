package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.jsgx.cpu.testkit.TestEnclave;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every single-bit change of an evicted page or its PCMD, a wrong LINADDR or SECS, and a
 * replayed older version are refused with SGX_MAC_COMPARE_FAIL, and nothing is loaded.
 */
class PagingTamperTest {
    private TestEnclave t;
    private long va;
    private long page;
    private byte[] original;

    @BeforeEach
    void evictOnePage() {
        t = TestEnclave.create();
        va = t.newVa();
        page = t.dataPages.get(1);
        original = t.content(page);
        assertThat(t.evict(page, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    private long slotValue() {
        return t.page(va).data().get(Struct.U64, 0);
    }

    private void flip(long address, int bit) {
        byte[] b = t.os.load(address + bit / 8, 1);
        b[0] ^= (byte) (1 << (bit % 8));
        t.os.store(address + bit / 8, b);
    }

    /** Loads with one bit flipped, expects refusal with nothing changed, flips it back. */
    private void assertRefused(long address, int bit) {
        long slot = slotValue();
        flip(address, bit);
        SgxStatus s = t.eldu(page, va, 0);
        flip(address, bit);
        assertThat(s).as("bit %d at 0x%x", bit, address).isEqualTo(SgxStatus.SGX_MAC_COMPARE_FAIL);
        assertThat(t.epcm(page).valid()).isFalse();
        assertThat(slotValue()).isEqualTo(slot);
    }

    @Test
    void everyBitOfTheCiphertextIsAuthenticated() {
        for (int bit = 0; bit < 4096 * 8; bit++) {
            assertRefused(TestEnclave.backingPage(0), bit);
        }
        assertThat(t.os.regs().zf()).isTrue();
        assertThat(t.eldu(page, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.content(page)).isEqualTo(original);
    }

    @Test
    void everyBitOfThePcmdIsAuthenticated() {
        for (int bit = 0; bit < Pcmd.SIZE * 8; bit++) {
            assertRefused(TestEnclave.backingPcmd(0), bit);
        }
        assertThat(t.eldu(page, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.content(page)).isEqualTo(original);
    }

    @Test
    void wrongLinearAddressIsRefused() {
        long other = t.dataPages.get(2);
        assertThat(t.eldu(page, page + 0x1000, TestEnclave.SECS, va, 0)).isEqualTo(SgxStatus.SGX_MAC_COMPARE_FAIL);
        // the same bytes cannot be loaded as another page of the enclave either
        assertThat(t.eldu(page, other, TestEnclave.SECS, va, 0)).isEqualTo(SgxStatus.SGX_MAC_COMPARE_FAIL);
        assertThat(t.epcm(page).valid()).isFalse();
        assertThat(t.eldu(page, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    @Test
    void wrongSecsIsRefused() {
        // a second enclave on the same platform: same key, different EID
        long otherSecs = TestEnclave.SPARE;
        t.os.store(TestEnclave.SRC, t.secs().toByteArray().clone());
        Secs src = new Secs(java.lang.foreign.MemorySegment.ofArray(t.os.load(TestEnclave.SRC, 4096)));
        src.attributes(src.attributes().withFlags(src.attributes().flags() & ~Attributes.INIT));
        src.segment().asSlice(Secs.MRENCLAVE, 32).fill((byte) 0);
        src.segment().asSlice(Secs.MRSIGNER, 32).fill((byte) 0);
        src.u16(Secs.ISVPRODID, 0);
        src.u16(Secs.ISVSVN, 0);
        t.os.store(TestEnclave.SRC, src.toByteArray());
        long si = t.secinfo(SecInfo.flags(PageType.PT_SECS, 0));
        t.os.encls().ecreate(t.pageinfo(0, TestEnclave.SRC, si, 0), otherSecs);
        assertThat(t.eldu(page, page, otherSecs, va, 0)).isEqualTo(SgxStatus.SGX_MAC_COMPARE_FAIL);
        assertThat(t.epcm(page).valid()).isFalse();
        assertThat(t.page(otherSecs).secsState().children()).isZero();
        assertThat(t.eldu(page, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    @Test
    void replayOfAnOlderVersionIsRefused() {
        // keep the old eviction, reload, modify, evict again to another backing slot
        byte[] oldPage = t.os.load(TestEnclave.backingPage(0), 4096);
        byte[] oldPcmd = t.os.load(TestEnclave.backingPcmd(0), Pcmd.SIZE);
        assertThat(t.eldu(page, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        t.page(page).data().set(Struct.U64, 0, 0x1122334455667788L);
        assertThat(t.evict(page, va, 1)).isEqualTo(SgxStatus.SGX_SUCCESS);
        long slot = slotValue();
        // replay the first eviction against the slot holding the newer version
        t.os.store(TestEnclave.backingPage(1), oldPage);
        t.os.store(TestEnclave.backingPcmd(1), oldPcmd);
        assertThat(t.eldu(page, va, 1)).isEqualTo(SgxStatus.SGX_MAC_COMPARE_FAIL);
        assertThat(t.epcm(page).valid()).isFalse();
        assertThat(slotValue()).isEqualTo(slot);
    }

    @Test
    void loadingTwiceIsRefusedBecauseTheSlotIsEmptied() {
        assertThat(t.eldu(page, va, 0)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(slotValue()).isZero();
        assertThat(t.os.encls().eremove(page)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.eldu(page, va, 0)).isEqualTo(SgxStatus.SGX_MAC_COMPARE_FAIL);
        assertThat(t.epcm(page).valid()).isFalse();
    }

    @Test
    void anotherPlatformsKeyIsRefused() {
        // the same bytes on a platform with another seed: CR_BASE_PK differs
        TestEnclave other = TestEnclave.builder().seed(99).build();
        long otherVa = other.newVa();
        other.page(otherVa).data().set(Struct.U64, 0, slotValue());
        other.os.store(TestEnclave.backingPage(0), t.os.load(TestEnclave.backingPage(0), 4096));
        other.os.store(TestEnclave.backingPcmd(0), t.os.load(TestEnclave.backingPcmd(0), Pcmd.SIZE));
        assertThat(other.evict(page, otherVa + 8, 1)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(other.eldu(page, otherVa, 0)).isEqualTo(SgxStatus.SGX_MAC_COMPARE_FAIL);
    }
}
