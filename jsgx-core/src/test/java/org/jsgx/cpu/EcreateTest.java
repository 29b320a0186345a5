package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EcreateTest {
    private final BuildKit kit = new BuildKit();
    private static final long BASE = 0x7f00_0000_0000L;

    @Test
    void createsAValidSecsWithAFreshEid() {
        long a = kit.ecreate(BuildKit.secs(BASE, 0x40000));
        long b = kit.ecreate(BuildKit.secs(BASE, 0x40000));
        EpcmEntry e = kit.frame(a).epcm();
        assertThat(e.valid()).isTrue();
        assertThat(e.pageType()).isEqualTo(PageType.PT_SECS);
        assertThat(e.perms()).isZero();
        assertThat(kit.state(a).eid()).isNotEqualTo(kit.state(b).eid());
        Secs secs = new Secs(kit.data(a));
        assertThat(secs.size()).isEqualTo(0x40000);
        assertThat(secs.baseAddr()).isEqualTo(BASE);
        assertThat(secs.initialized()).isFalse();
    }

    @Test
    void overwritesIdentityInputsInsteadOfCheckingThem() {
        Secs s = BuildKit.secs(BASE, 0x2000);
        s.u16(Secs.ISVPRODID, 7);
        s.bytes(Secs.MRENCLAVE, new byte[] {1, 2, 3});
        long a = kit.ecreate(s);
        Secs secs = new Secs(kit.data(a));
        assertThat(secs.isvProdId()).isZero();
        assertThat(secs.mrEnclave()).containsOnly(0);
    }

    @Test
    void operandAlignmentAndEpcChecks() {
        long page = kit.epcPage();
        kit.lp.store(BuildKit.SRC, BuildKit.secs(BASE, 0x2000).toByteArray());
        kit.stageSecInfo(SecInfo.flags(PageType.PT_SECS, 0));
        kit.stagePageInfo(0, BuildKit.SRC, BuildKit.SECINFO, 0);
        assertThatThrownBy(() -> kit.encls.ecreate(BuildKit.PAGEINFO + 8, page))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("PAGEINFO");
        assertThatThrownBy(() -> kit.encls.ecreate(BuildKit.PAGEINFO, page + 0x800))
                .isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> kit.encls.ecreate(BuildKit.PAGEINFO, 0x2000_0000L))
                .isInstanceOfSatisfying(PageFault.class, pf -> {
                    assertThat(pf.address()).isEqualTo(0x2000_0000L);
                    assertThat(pf.sgx()).isTrue();
                });
        assertThat(kit.frame(page).epcm().valid()).isFalse();
    }

    @Test
    void pageInfoChecks() {
        expectGp(k -> k.stagePageInfo(0, BuildKit.SRC + 8, BuildKit.SECINFO, 0), "SRCPGE");
        expectGp(k -> k.stagePageInfo(0, BuildKit.SRC, BuildKit.SECINFO + 32, 0), "SECINFO");
        expectGp(k -> k.stagePageInfo(0x1000, BuildKit.SRC, BuildKit.SECINFO, 0), "LINADDR");
        expectGp(k -> k.stagePageInfo(0, BuildKit.SRC, BuildKit.SECINFO, 0x1000), "SECS");
    }

    @Test
    void secinfoChecks() {
        expectGp(k -> k.stageSecInfo(SecInfo.flags(PageType.PT_REG, 0)), "PT_SECS");
        expectGp(k -> k.stageSecInfo(SecInfo.flags(PageType.PT_SECS, 0) | 0x40), "reserved");
        expectGp(k -> k.stageSecInfo(SecInfo.flags(PageType.PT_SECS, 0) | (1L << 20)), "reserved");
        expectGp(k -> {
            SecInfo si = SecInfo.of(SecInfo.flags(PageType.PT_SECS, 0));
            si.u8(40, 1);
            k.lp.store(BuildKit.SECINFO, si.toByteArray());
        }, "reserved");
    }

    @Test
    void aValidEpcPageIsRefusedWithAPageFault() {
        long a = kit.ecreate(BuildKit.secs(BASE, 0x2000));
        kit.lp.store(BuildKit.SRC, BuildKit.secs(BASE, 0x2000).toByteArray());
        kit.stageSecInfo(SecInfo.flags(PageType.PT_SECS, 0));
        kit.stagePageInfo(0, BuildKit.SRC, BuildKit.SECINFO, 0);
        long eid = kit.state(a).eid();
        assertThatThrownBy(() -> kit.encls.ecreate(BuildKit.PAGEINFO, a)).isInstanceOf(PageFault.class);
        assertThat(kit.state(a).eid()).isEqualTo(eid);
    }

    @Test
    void xfrmMiscselectAndSsaChecks() {
        expectSecsGp(s -> s.attributes(new Attributes(Attributes.MODE64BIT, 0x1)), "XFRM");
        expectSecsGp(s -> s.attributes(new Attributes(Attributes.MODE64BIT, 0x3 | (1L << 40))), "XFRM");
        expectSecsGp(s -> s.attributes(new Attributes(Attributes.MODE64BIT, 0x3 | 0xE0)), "XFRM"); // AVX-512 w/o AVX
        expectSecsGp(s -> s.attributes(new Attributes(Attributes.MODE64BIT, 0x3 | 0x8)), "XFRM"); // half of MPX
        expectSecsGp(s -> s.miscSelect(0x2), "MISCSELECT");
        expectSecsGp(s -> s.ssaFrameSize(0), "SSAFRAMESIZE");
        // a valid, richer XFRM fits one page: AVX + AVX-512 + PKRU need 2696 + 184 + 16 bytes
        kit.ecreate(BuildKit.secs(BASE, 0x2000).miscSelect(1)
                .attributes(new Attributes(Attributes.MODE64BIT, 0x2E7)));
    }

    @Test
    void ssaFrameMustHoldXsaveMiscAndGprsgx() {
        Platform amx = Platform.builder().capabilities(new SgxCapabilities(true, true, true, 1,
                new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 0x3 | (3L << 17)), 31, 47, new byte[16],
                true)).build();
        BuildKit k = new BuildKit(amx);
        Secs s = BuildKit.secs(BASE, 0x2000).attributes(new Attributes(Attributes.MODE64BIT, 0x3 | (3L << 17)));
        s.ssaFrameSize(2); // AMX TILEDATA ends at 11008: 2 pages are too few
        assertThatThrownBy(() -> k.ecreate(s)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("SSAFRAMESIZE");
        k.ecreate(s.ssaFrameSize(3));
    }

    @Test
    void sizeAndBaseRules() {
        expectSecsGp(s -> s.size(0x1000), "SIZE");
        expectSecsGp(s -> s.size(0x3000), "SIZE");
        expectSecsGp(s -> s.size(0x4000).baseAddr(BASE + 0x2000), "naturally aligned");
        expectSecsGp(s -> s.baseAddr(0x8000_0000_0000L), "canonical");
        expectSecsGp(s -> s.size(1L << 47).baseAddr(0), "maximum");
        expectSecsGp(s -> s.attributes(new Attributes(0, 0x3)).baseAddr(1L << 32), "4 GiB");
        expectSecsGp(s -> s.attributes(new Attributes(0, 0x3)).baseAddr(0).size(1L << 31), "maximum");
        // the largest allowed sizes pass
        kit.ecreate(BuildKit.secs(0, 1L << 46));
        kit.ecreate(BuildKit.secs(0, 1L << 30).attributes(new Attributes(0, 0x3)));
    }

    @Test
    void attributeAndReservedFieldChecks() {
        expectSecsGp(s -> s.attributes(new Attributes(Attributes.MODE64BIT | Attributes.INIT, 0x3)), "INIT");
        expectSecsGp(s -> s.attributes(new Attributes(Attributes.MODE64BIT | 0x8, 0x3)), "ATTRIBUTES");
        expectSecsGp(s -> s.u8(30, 1), "24..47");
        expectSecsGp(s -> s.u8(100, 1), "96..127");
        expectSecsGp(s -> s.u8(170, 1), "160..191");
        expectSecsGp(s -> s.u8(4095, 1), "262..4095");
        expectSecsGp(s -> s.configId(new byte[] {1}), "KSS");
        expectSecsGp(s -> s.configSvn(1), "KSS");
        kit.ecreate(BuildKit.secs(BASE, 0x2000).configSvn(3)
                .attributes(new Attributes(Attributes.MODE64BIT | Attributes.KSS, 0x3)));
    }

    @Test
    void kssFieldsAreReservedOnAPartWithoutKss() {
        BuildKit k = new BuildKit(Platform.builder().capabilities(SgxCapabilities.sgx1Only()).build());
        Secs s = BuildKit.secs(BASE, 0x2000);
        s.configSvn(1);
        assertThatThrownBy(() -> k.ecreate(s)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("without KSS");
    }

    @Test
    void enclsPrologue() {
        kit.lp.cpl(3);
        assertThatThrownBy(() -> kit.ecreate(BuildKit.secs(BASE, 0x2000))).isInstanceOf(InvalidOpcodeFault.class);
        kit.lp.cpl(0);
        kit.pf.featureControl(Platform.FEATURE_CONTROL_LOCK);
        assertThatThrownBy(() -> kit.ecreate(BuildKit.secs(BASE, 0x2000)))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("not enabled");
    }

    private void expectSecsGp(Consumer<Secs> change, String reason) {
        Secs s = BuildKit.secs(BASE, 0x2000);
        change.accept(s);
        long before = countValid();
        assertThatThrownBy(() -> kit.ecreate(s)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining(reason);
        assertThat(countValid()).isEqualTo(before);
    }

    private void expectGp(Consumer<BuildKit> stageBad, String reason) {
        long page = kit.epcPage();
        kit.lp.store(BuildKit.SRC, BuildKit.secs(BASE, 0x2000).toByteArray());
        kit.stageSecInfo(SecInfo.flags(PageType.PT_SECS, 0));
        kit.stagePageInfo(0, BuildKit.SRC, BuildKit.SECINFO, 0);
        stageBad.accept(kit);
        assertThatThrownBy(() -> kit.encls.ecreate(BuildKit.PAGEINFO, page))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining(reason);
        assertThat(kit.frame(page).epcm().valid()).isFalse();
    }

    private long countValid() {
        long[] n = {0};
        kit.pf.epc().forEachTouched(p -> n[0] += p.epcm().valid() ? 1 : 0);
        return n[0];
    }
}
