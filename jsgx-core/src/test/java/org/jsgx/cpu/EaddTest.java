package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EaddTest {
    private static final long BASE = 0x10_0000_0000L;
    private final BuildKit kit = new BuildKit();
    private long secs;

    @BeforeEach
    void create() {
        secs = kit.ecreate(BuildKit.secs(BASE, 0x10000));
    }

    @Test
    void addsARegularPageWithItsPermissionsAndContent() {
        byte[] content = BuildKit.filled(5);
        long page = kit.eadd(secs, BASE + 0x3000, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.X), content);
        EpcmEntry e = kit.frame(page).epcm();
        assertThat(e.valid()).isTrue();
        assertThat(e.pageType()).isEqualTo(PageType.PT_REG);
        assertThat(e.perms()).isEqualTo(SecInfo.R | SecInfo.X);
        assertThat(e.enclaveAddress()).isEqualTo(BASE + 0x3000);
        assertThat(e.enclaveSecs()).isSameAs(kit.frame(secs));
        assertThat(e.pending() || e.modified() || e.pr() || e.blocked()).isFalse();
        assertThat(kit.data(page).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(content);
        assertThat(kit.state(secs).children()).isEqualTo(1);
        Measurement m = new Measurement(1, 0x10000);
        m.eadd(0x3000, 0x205);
        assertThat(kit.state(secs).measurement.peekFinal()).isEqualTo(m.peekFinal());
    }

    @Test
    void aTcsIsMeasuredWithoutPermissionsAndItsProcessorFieldsCleared() {
        Tcs tcs = Tcs.allocate().ossa(0x2000).nssa(2).oentry(0x100).flags(Tcs.FLAG_DBGOPTIN).cssa(1);
        tcs.aep(0x1234);
        tcs.state(1);
        long page = kit.eadd(secs, BASE, SecInfo.flags(PageType.PT_TCS, SecInfo.RWX), tcs.toByteArray());
        EpcmEntry e = kit.frame(page).epcm();
        assertThat(e.pageType()).isEqualTo(PageType.PT_TCS);
        assertThat(e.perms()).isZero();
        Tcs in = new Tcs(kit.data(page));
        assertThat(in.flags() & Tcs.FLAG_DBGOPTIN).isZero();
        assertThat(in.cssa()).isZero();
        assertThat(in.aep()).isZero();
        assertThat(in.state()).isZero();
        assertThat(in.nssa()).isEqualTo(2);
        Measurement m = new Measurement(1, 0x10000);
        m.eadd(0, 0x100);
        assertThat(kit.state(secs).measurement.peekFinal()).isEqualTo(m.peekFinal());
    }

    @Test
    void onlyRegAndTcsPagesMayBeAdded() {
        for (PageType pt : new PageType[] {PageType.PT_SECS, PageType.PT_VA, PageType.PT_TRIM}) {
            assertThatThrownBy(() -> kit.eadd(secs, BASE, SecInfo.flags(pt, SecInfo.R), new byte[4096]))
                    .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("PT_REG or PT_TCS");
        }
        assertThatThrownBy(() -> kit.eadd(secs, BASE, 0x0901, new byte[4096]))
                .isInstanceOf(GeneralProtectionFault.class);
    }

    @Test
    void secinfoStateBitsAreReservedForEadd() {
        for (long bit : new long[] {SecInfo.PENDING, SecInfo.MODIFIED, SecInfo.PR, 0x40, 1L << 16}) {
            assertThatThrownBy(() -> kit.eadd(secs, BASE, 0x201 | bit, new byte[4096]))
                    .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("reserved");
        }
    }

    @Test
    void duplicateEaddIntoTheSamePageIsAPageFault() {
        long page = kit.eadd(secs, BASE, 0x203, new byte[4096]);
        assertThatThrownBy(() -> kit.eaddAt(page, secs, BASE + 0x1000, 0x203, new byte[4096]))
                .isInstanceOfSatisfying(PageFault.class, pf -> assertThat(pf.address()).isEqualTo(page));
        assertThat(kit.frame(page).epcm().enclaveAddress()).isEqualTo(BASE);
        assertThat(kit.state(secs).children()).isEqualTo(1);
    }

    @Test
    void theSameLinearAddressTwiceIsNotCheckedByHardware() {
        kit.eadd(secs, BASE, 0x203, new byte[4096]);
        kit.eadd(secs, BASE, 0x203, new byte[4096]);
        assertThat(kit.state(secs).children()).isEqualTo(2);
    }

    @Test
    void linearAddressMustBeInsideElrange() {
        assertThatThrownBy(() -> kit.eadd(secs, BASE + 0x10000, 0x203, new byte[4096]))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("ELRANGE");
        assertThatThrownBy(() -> kit.eadd(secs, BASE - 0x1000, 0x203, new byte[4096]))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("ELRANGE");
    }

    @Test
    void writeWithoutReadIsRefused() {
        assertThatThrownBy(() -> kit.eadd(secs, BASE, 0x202, new byte[4096]))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("W without R");
    }

    @Test
    void tcsReservedBytesMustBeZero() {
        byte[] tcs = BuildKit.tcs(0x1000, 1, 0);
        tcs[100] = 1;
        assertThatThrownBy(() -> kit.eadd(secs, BASE, 0x100, tcs))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("TCS reserved");
    }

    @Test
    void secsOperandMustBeAValidSecsInTheEpc() {
        long reg = kit.eadd(secs, BASE, 0x203, new byte[4096]);
        assertThatThrownBy(() -> kit.eadd(reg, BASE + 0x1000, 0x203, new byte[4096]))
                .isInstanceOfSatisfying(PageFault.class, pf -> assertThat(pf.address()).isEqualTo(reg));
        assertThatThrownBy(() -> kit.eadd(0x3000_0000L, BASE + 0x1000, 0x203, new byte[4096]))
                .isInstanceOfSatisfying(PageFault.class, pf -> assertThat(pf.address()).isEqualTo(0x3000_0000L));
        long unused = kit.epcPage();
        assertThatThrownBy(() -> kit.eadd(unused, BASE + 0x1000, 0x203, new byte[4096]))
                .isInstanceOf(PageFault.class);
    }

    @Test
    void pageInfoAlignment() {
        long page = kit.epcPage();
        kit.lp.store(BuildKit.SRC, new byte[4096]);
        kit.stageSecInfo(0x203);
        kit.stagePageInfo(BASE + 0x10, BuildKit.SRC, BuildKit.SECINFO, secs);
        assertThatThrownBy(() -> kit.encls.eadd(BuildKit.PAGEINFO, page)).hasMessageContaining("LINADDR");
        kit.stagePageInfo(BASE, BuildKit.SRC + 1, BuildKit.SECINFO, secs);
        assertThatThrownBy(() -> kit.encls.eadd(BuildKit.PAGEINFO, page)).hasMessageContaining("SRCPGE");
        kit.stagePageInfo(BASE, BuildKit.SRC, BuildKit.SECINFO + 8, secs);
        assertThatThrownBy(() -> kit.encls.eadd(BuildKit.PAGEINFO, page)).hasMessageContaining("SECINFO");
        kit.stagePageInfo(BASE, BuildKit.SRC, BuildKit.SECINFO, secs + 64);
        assertThatThrownBy(() -> kit.encls.eadd(BuildKit.PAGEINFO, page)).hasMessageContaining("SECS");
        assertThatThrownBy(() -> kit.encls.eadd(BuildKit.PAGEINFO + 16, page)).hasMessageContaining("PAGEINFO");
        assertThat(kit.frame(page).epcm().valid()).isFalse();
    }

    @Test
    void sourceInTheEpcReadsAsAbortPage() {
        long other = kit.eadd(secs, BASE, 0x203, BuildKit.filled(1));
        long page = kit.epcPage();
        kit.stageSecInfo(0x203);
        kit.stagePageInfo(BASE + 0x1000, other, BuildKit.SECINFO, secs);
        kit.encls.eadd(BuildKit.PAGEINFO, page);
        byte[] got = kit.data(page).toArray(ValueLayout.JAVA_BYTE);
        assertThat(got).containsOnly((byte) 0xFF);
    }
}
