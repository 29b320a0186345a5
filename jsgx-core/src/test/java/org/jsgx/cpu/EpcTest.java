package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EpcTest {

    @Test
    void defaultEpcIs128MiB() {
        Platform pf = Platform.create();
        assertThat(pf.epc().totalPages()).isEqualTo((128L << 20) / 4096);
    }

    @Test
    void a64GiBEpcCostsNothingUntilPagesAreTouched() {
        Platform pf = Platform.builder().epcSize(64L << 30).build();
        EpcSection s = pf.epc().sections().get(0);
        assertThat(s.pageCount()).isEqualTo((64L << 30) / 4096);
        assertThat(pf.epc().touchedPages()).isEmpty();
        EpcPage last = s.pageAt(s.pageCount() - 1);
        assertThat(last.allocated()).isFalse();
        last.data().set(Struct.U64, 0, 42);
        assertThat(last.allocated()).isTrue();
        assertThat(pf.epc().touchedPages()).containsExactly(last);
        assertThat(pf.epc().page(last.pa() + 0x10)).isSameAs(last);
    }

    @Test
    void sectionsAreSeparateAndAddressesOutsideAreNotEpc() {
        Platform pf = Platform.builder().epcSections(List.of(1L << 20, 2L << 20)).build();
        List<EpcSection> secs = pf.epc().sections();
        assertThat(secs).hasSize(2);
        assertThat(secs.get(1).base()).isGreaterThanOrEqualTo(secs.get(0).base() + secs.get(0).size());
        assertThat(pf.epc().contains(secs.get(0).base() + secs.get(0).size())).isFalse();
        assertThat(pf.epc().page(0x1000)).isNull();
    }

    @Test
    void badSectionGeometryIsRefused() {
        assertThatThrownBy(() -> new EpcSection(0x1001, 0x1000)).hasMessageContaining("multiples of 4096");
    }

    @Test
    void nonEnclaveReadsOfEpcGetAbortPageSemantics() {
        Platform pf = Platform.create();
        LogicalProcessor lp = pf.cpu(0);
        long epc = pf.epc().sections().get(0).base();
        pf.epc().page(epc).data().set(Struct.U64, 0, 7);
        assertThat(lp.load(epc, 8)).containsOnly((byte) 0xFF);
        lp.store(epc, new byte[] {1, 2, 3});
        assertThat(pf.epc().page(epc).data().get(Struct.U64, 0)).isEqualTo(7);
    }

    @Test
    void launchHashMsrsDefaultToIntelsKeyAndNeedFlc() {
        Platform pf = Platform.create();
        LogicalProcessor lp = pf.cpu(0);
        assertThat(java.util.HexFormat.of().formatHex(lp.leHashBytes()))
                .isEqualTo("acb77012053e05a63d413b8bbae8fb6c5d73b3f2996d91c43bbbf90959c0f8d4");
        lp.wrmsrLeHash(0, 5);
        assertThat(lp.rdmsrLeHash(0)).isEqualTo(5);
        assertThat(pf.cpu(1).rdmsrLeHash(0)).isEqualTo(Platform.INTEL_LE_PUBKEY_HASH[0]);
        Platform locked = Platform.builder().capabilities(SgxCapabilities.defaults().withLaunchControl(false)).build();
        assertThatThrownBy(() -> locked.cpu(0).wrmsrLeHash(0, 5)).isInstanceOf(GeneralProtectionFault.class);
    }
}
