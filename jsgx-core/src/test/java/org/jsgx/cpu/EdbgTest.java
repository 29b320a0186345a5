package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EdbgTest {
    private static final long BASE = 0x40_0000_0000L;
    private final BuildKit kit = new BuildKit();

    @Test
    void readsAndWritesADebugEnclavesPages() {
        long secs = kit.ecreate(BuildKit.secs(BASE, 0x4000));
        long page = kit.eadd(secs, BASE, 0x201, BuildKit.filled(3)); // read-only page: EPCM RWX ignored
        assertThat(kit.encls.edbgrd(page + 8)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(kit.lp.regs().rbx).isEqualTo(kit.data(page).get(Struct.U64, 8));
        assertThat(kit.encls.edbgwr(page + 16, 0x0123456789abcdefL)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(kit.data(page).get(Struct.U64, 16)).isEqualTo(0x0123456789abcdefL);
    }

    @Test
    void aProductionEnclaveIsNotDebuggable() {
        Secs s = BuildKit.secs(BASE, 0x4000).attributes(new Attributes(Attributes.MODE64BIT, 0x3));
        long secs = kit.ecreate(s);
        long page = kit.eadd(secs, BASE, 0x203, BuildKit.filled(3));
        assertThatThrownBy(() -> kit.encls.edbgrd(page)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("DEBUG");
        assertThatThrownBy(() -> kit.encls.edbgwr(page, 1)).isInstanceOf(GeneralProtectionFault.class);
        assertThat(kit.data(page).get(Struct.U64, 0)).isNotEqualTo(1L);
    }

    @Test
    void tcsAccessIsLimited() {
        long secs = kit.ecreate(BuildKit.secs(BASE, 0x4000));
        long tcs = kit.eadd(secs, BASE, 0x100, BuildKit.tcs(0x1000, 1, 0x40));
        assertThat(kit.encls.edbgrd(tcs + Tcs.OENTRY)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(kit.lp.regs().rbx).isEqualTo(0x40);
        assertThatThrownBy(() -> kit.encls.edbgrd(tcs + 72)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("SGX_TCS_LIMIT");
        assertThatThrownBy(() -> kit.encls.edbgwr(tcs + Tcs.OENTRY, 0)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("FLAGS");
        assertThat(kit.encls.edbgwr(tcs + Tcs.FLAGS, Tcs.FLAG_DBGOPTIN)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(new Tcs(kit.data(tcs)).flags()).isEqualTo(Tcs.FLAG_DBGOPTIN);
    }

    @Test
    void secsAndInvalidPagesFault() {
        long secs = kit.ecreate(BuildKit.secs(BASE, 0x4000));
        assertThatThrownBy(() -> kit.encls.edbgrd(secs)).isInstanceOf(PageFault.class);
        assertThatThrownBy(() -> kit.encls.edbgwr(secs, 0)).isInstanceOf(PageFault.class);
        long unused = kit.epcPage();
        assertThatThrownBy(() -> kit.encls.edbgrd(unused)).isInstanceOf(PageFault.class);
        assertThatThrownBy(() -> kit.encls.edbgrd(unused + 4)).isInstanceOf(GeneralProtectionFault.class);
        // the busy lock is released after a fault
        long page = kit.eadd(secs, BASE, 0x203, new byte[4096]);
        assertThat(kit.encls.edbgrd(page)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }
}
