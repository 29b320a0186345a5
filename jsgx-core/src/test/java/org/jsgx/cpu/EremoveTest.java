package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EremoveTest {
    private static final long BASE = 0x30_0000_0000L;
    private final BuildKit kit = new BuildKit();

    @Test
    void anInvalidPageIsASuccessWithoutChange() {
        long unused = kit.epcPage();
        assertThat(kit.encls.eremove(unused)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(kit.lp.regs().zf()).isFalse();
    }

    @Test
    void secsWithChildrenIsRefusedUntilTheyAreRemoved() {
        long secs = kit.ecreate(BuildKit.secs(BASE, 0x4000));
        long a = kit.eadd(secs, BASE, 0x203, new byte[4096]);
        long b = kit.eadd(secs, BASE + 0x1000, 0x100, BuildKit.tcs(0x2000, 1, 0));
        assertThat(kit.encls.eremove(secs)).isEqualTo(SgxStatus.SGX_CHILD_PRESENT);
        assertThat(kit.lp.regs().rax).isEqualTo(13);
        assertThat(kit.lp.regs().zf()).isTrue();
        assertThat(kit.frame(secs).epcm().valid()).isTrue();
        assertThat(kit.encls.eremove(a)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(kit.frame(a).epcm().valid()).isFalse();
        assertThat(kit.encls.eremove(secs)).isEqualTo(SgxStatus.SGX_CHILD_PRESENT);
        assertThat(kit.encls.eremove(b)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(kit.state(secs).children()).isZero();
        assertThat(kit.encls.eremove(secs)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(kit.frame(secs).epcm().valid()).isFalse();
        assertThat(kit.frame(secs).secsState()).isNull();
        assertThat(kit.lp.regs().zf()).isFalse();
    }

    @Test
    void aRemovedFrameCanBeReused() {
        long secs = kit.ecreate(BuildKit.secs(BASE, 0x4000));
        long a = kit.eadd(secs, BASE, 0x203, new byte[4096]);
        kit.encls.eremove(a);
        kit.eaddAt(a, secs, BASE + 0x2000, 0x201, new byte[4096]);
        assertThat(kit.frame(a).epcm().enclaveAddress()).isEqualTo(BASE + 0x2000);
    }

    @Test
    void operandChecks() {
        assertThatThrownBy(() -> kit.encls.eremove(kit.epcPage() + 8)).isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> kit.encls.eremove(0x6000_0000L)).isInstanceOf(PageFault.class);
    }
}
