package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EENTER/EEXIT register conventions, EREPORT and EGETKEY on a launched enclave. */
class EncluTest {
    private static final long BASE = 0x60_0000_0000L;
    private static final Attributes ATTRS = new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 0x3);
    private BuildKit kit;
    private LaunchedEnclave enc;
    private LogicalProcessor lp;

    @BeforeEach
    void launch() throws Exception {
        kit = new BuildKit();
        enc = new LaunchedEnclave(kit, BASE, ATTRS, 2, BuildKit.filled(1));
        lp = kit.lp;
    }

    @Test
    void eenterAndEexitFollowTheRegisterConventions() {
        lp.regs().rsp = 0x7ffe_0000L;
        lp.regs().rbp = 0x7ffe_0100L;
        lp.regs().fsBase = 0x1111;
        enc.enter(lp);
        Registers r = lp.regs();
        assertThat(lp.enclaveMode()).isTrue();
        assertThat(r.rax).isZero(); // CSSA
        assertThat(r.rcx).isEqualTo(0x40_1000L); // return address
        assertThat(r.rip).isEqualTo(BASE + LaunchedEnclave.OENTRY);
        assertThat(r.fsBase).isEqualTo(BASE); // OFSBASGX = 0
        EpcPage tcs = kit.pf.epc().page(enc.pt.translate(BASE, Access.READ, true));
        assertThat(new Tcs(tcs.data()).state()).isEqualTo(1);
        assertThat(new Tcs(tcs.data()).aep()).isEqualTo(0x40_2000L);
        // URSP/URBP land in GPRSGX of SSA frame 0 (the last 184 bytes of the page at +0x1000)
        MemorySegment ssa0 = kit.pf.epc().page(enc.pt.translate(BASE + 0x1000, Access.READ, true)).data();
        GprSgx g = GprSgx.ofFrame(ssa0);
        assertThat(g.reg(GprSgx.URSP)).isEqualTo(0x7ffe_0000L);
        assertThat(g.reg(GprSgx.URBP)).isEqualTo(0x7ffe_0100L);

        r.rsp = 0x1234;
        lp.enclu().eexit(0x40_3000L);
        assertThat(lp.enclaveMode()).isFalse();
        assertThat(r.rip).isEqualTo(0x40_3000L);
        assertThat(r.rcx).isEqualTo(0x40_2000L); // AEP
        assertThat(r.rsp).isEqualTo(0x1234); // not restored by hardware
        assertThat(r.fsBase).isEqualTo(0x1111);
        assertThat(new Tcs(tcs.data()).state()).isZero();
        assertThat(kit.state(enc.secs).threadsInside()).isZero();
    }

    @Test
    void aPteZappedBetweenTheChecksAndTheEntryFaultsWithNothingChanged() {
        // the reclaimer may zap the SSA page's PTE after EENTER checked the frame: the later
        // translation must fault before the processor enters, as the one instruction would
        long ssaPage = BASE + 0x1000;
        int[] translations = {0};
        AddressSpace racy = (la, access, user) -> {
            if ((la & ~0xFFFL) == ssaPage && ++translations[0] > 1) {
                throw new PageFault(la, PageFault.PFEC_U | access.pfecBits(), "PTE zapped by the reclaimer");
            }
            return enc.pt.translate(la, access, user);
        };
        lp.addressSpace(racy);
        assertThatThrownBy(() -> enc.enter(lp)).isInstanceOf(PageFault.class);
        assertThat(translations[0]).as("the frame was checked, then translated again").isGreaterThan(1);
        assertThat(lp.enclaveMode()).isFalse();
        EpcPage tcs = kit.pf.epc().page(enc.pt.translate(BASE, Access.READ, true));
        assertThat(new Tcs(tcs.data()).state()).isZero();
        assertThat(new Tcs(tcs.data()).cssa()).isZero();
        assertThat(kit.state(enc.secs).threadsInside()).isZero();
        // with the PTE back the same EENTER goes in
        lp.addressSpace(enc.pt);
        enc.enter(lp);
        assertThat(lp.enclaveMode()).isTrue();
    }

    @Test
    void aBusyTcsCannotBeEnteredTwice() {
        enc.enter(lp);
        LogicalProcessor other = kit.pf.cpu(1);
        assertThatThrownBy(() -> enc.enter(other)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("ACTIVE");
        assertThat(kit.state(enc.secs).threadsInside()).isEqualTo(1);
    }

    @Test
    void entryChecks() throws Exception {
        lp.cpl(0);
        assertThatThrownBy(() -> lp.enclu().eenter(BASE, 0)).isInstanceOf(InvalidOpcodeFault.class);
        lp.cpl(3);
        assertThatThrownBy(() -> lp.enclu().eenter(BASE + 8, 0)).isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> lp.enclu().eenter(BASE + LaunchedEnclave.DATA, 0)).isInstanceOf(PageFault.class)
                .hasMessageContaining("not a TCS");
        assertThatThrownBy(() -> lp.enclu().eenter(BASE, 0x8000_0000_0000L))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("AEP");
        assertThatThrownBy(() -> lp.enclu().ereport(BASE, BASE, BASE)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("outside enclave mode");
        // CSSA == NSSA: no free SSA frame
        EpcPage tcs = kit.pf.epc().page(enc.pt.translate(BASE, Access.READ, true));
        new Tcs(tcs.data()).cssa(2);
        assertThatThrownBy(() -> enc.enter(lp)).isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("NSSA");
        assertThat(lp.enclaveMode()).isFalse();
    }

    @Test
    void anUninitialisedEnclaveCannotBeEntered() {
        BuildKit k = new BuildKit();
        long secs = k.ecreate(BuildKit.secs(BASE, 0x4000));
        long tcs = k.eadd(secs, BASE, 0x100, BuildKit.tcs(0x1000, 1, 0));
        k.eadd(secs, BASE + 0x1000, 0x203, new byte[4096]);
        TestPageTable pt = new TestPageTable();
        pt.map(BASE, tcs);
        pt.map(BASE + 0x1000, tcs + 4096);
        k.lp.addressSpace(pt);
        k.lp.cpl(3);
        assertThatThrownBy(() -> k.lp.enclu().eenter(BASE, 0)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("not initialized");
    }

    @Test
    void ereportDescribesTheEnclaveAndTheTargetCanVerifyItsMac() {
        enc.enter(lp);
        Secs secs = new Secs(kit.data(enc.secs));
        TargetInfo self = TargetInfo.allocate().measurement(secs.mrEnclave()).attributes(secs.attributes())
                .miscSelect(secs.miscSelect());
        enc.poke(LaunchedEnclave.DATA, self.toByteArray());
        byte[] reportData = new byte[64];
        reportData[0] = 0x42;
        enc.poke(LaunchedEnclave.DATA + 0x200, reportData);
        lp.enclu().ereport(BASE + LaunchedEnclave.DATA, BASE + LaunchedEnclave.DATA + 0x200,
                BASE + LaunchedEnclave.DATA + 0x400);
        Report rep = new Report(MemorySegment.ofArray(enc.peek(LaunchedEnclave.DATA + 0x400, Report.SIZE)));
        assertThat(rep.mrEnclave()).isEqualTo(secs.mrEnclave());
        assertThat(rep.mrSigner()).isEqualTo(enc.sigstruct.mrSigner());
        assertThat(rep.isvProdId()).isEqualTo(0x77);
        assertThat(rep.isvSvn()).isEqualTo(2);
        assertThat(rep.attributes().has(Attributes.INIT)).isTrue();
        assertThat(rep.miscSelect()).isEqualTo(1);
        assertThat(rep.reportData()).isEqualTo(reportData);
        assertThat(rep.cpuSvn()).isEqualTo(kit.pf.capabilities().cpuSvn());

        // the target (here the enclave itself) verifies the MAC with EGETKEY(REPORT_KEY, KEYID)
        KeyRequest req = KeyRequest.allocate().keyName(KeyRequest.REPORT_KEY).keyId(rep.keyId());
        byte[] key = getKey(req);
        assertThat(Crypto.cmac(key, rep.body())).isEqualTo(rep.mac());
    }

    @Test
    void aReportForAnotherTargetDoesNotVerifyWithOurKey() {
        enc.enter(lp);
        TargetInfo other = TargetInfo.allocate().measurement(new byte[32]).attributes(ATTRS);
        enc.poke(LaunchedEnclave.DATA, other.toByteArray());
        lp.enclu().ereport(BASE + LaunchedEnclave.DATA, BASE + LaunchedEnclave.DATA + 0x200,
                BASE + LaunchedEnclave.DATA + 0x400);
        Report rep = new Report(MemorySegment.ofArray(enc.peek(LaunchedEnclave.DATA + 0x400, Report.SIZE)));
        byte[] key = getKey(KeyRequest.allocate().keyName(KeyRequest.REPORT_KEY).keyId(rep.keyId()));
        assertThat(Crypto.cmac(key, rep.body())).isNotEqualTo(rep.mac());
    }

    @Test
    void ereportOperandChecks() {
        enc.enter(lp);
        long d = BASE + LaunchedEnclave.DATA;
        assertThatThrownBy(() -> lp.enclu().ereport(d + 0x40, d, d + 0x400)).isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> lp.enclu().ereport(d, d + 0x40, d + 0x400)).isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> lp.enclu().ereport(d, d, 0x10_0000L)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("ELRANGE");
        long ro = BASE + LaunchedEnclave.RO;
        assertThatThrownBy(() -> lp.enclu().ereport(d, d, ro)).isInstanceOfSatisfying(PageFault.class, pf -> {
            assertThat(pf.address()).isEqualTo(ro);
            assertThat(pf.sgx()).isTrue();
        });
        assertThatThrownBy(() -> lp.enclu().ereport(BASE, d, d + 0x400)).isInstanceOf(PageFault.class)
                .hasMessageContaining("PT_TCS");
    }

    private byte[] getKey(KeyRequest req) {
        enc.poke(LaunchedEnclave.DATA + 0xE00, req.toByteArray());
        SgxStatus st = lp.enclu().egetkey(enc.base + LaunchedEnclave.DATA + 0xE00, enc.base + LaunchedEnclave.DATA + 0xD00);
        if (st != SgxStatus.SGX_SUCCESS) {
            throw new AssertionError("EGETKEY: " + st);
        }
        return enc.peek(LaunchedEnclave.DATA + 0xD00, 16);
    }

    private SgxStatus egetkey(KeyRequest req) {
        enc.poke(LaunchedEnclave.DATA + 0xE00, req.toByteArray());
        return lp.enclu().egetkey(enc.base + LaunchedEnclave.DATA + 0xE00, enc.base + LaunchedEnclave.DATA + 0xD00);
    }

    @Test
    void sealKeysFollowThePolicy() throws Exception {
        enc.enter(lp);
        KeyRequest byEnclave = KeyRequest.allocate().keyName(KeyRequest.SEAL_KEY)
                .keyPolicy(KeyRequest.POLICY_MRENCLAVE).isvSvn(2).cpuSvn(kit.pf.capabilities().cpuSvn());
        KeyRequest bySigner = KeyRequest.allocate().keyName(KeyRequest.SEAL_KEY)
                .keyPolicy(KeyRequest.POLICY_MRSIGNER).isvSvn(2).cpuSvn(kit.pf.capabilities().cpuSvn());
        byte[] k1 = getKey(byEnclave);
        byte[] s1 = getKey(bySigner);
        assertThat(getKey(byEnclave)).isEqualTo(k1); // deterministic
        assertThat(k1).isNotEqualTo(s1);
        assertThat(getKey(KeyRequest.allocate().keyName(KeyRequest.SEAL_KEY).keyPolicy(KeyRequest.POLICY_MRSIGNER)
                .isvSvn(1).cpuSvn(kit.pf.capabilities().cpuSvn()))).isNotEqualTo(s1); // older SVN, other key
        lp.enclu().eexit(0x40_0000L);
        lp.cpl(0);

        // a second enclave from the same signer with other code: same MRSIGNER key, other MRENCLAVE key
        LaunchedEnclave twin = new LaunchedEnclave(kit, BASE + 0x10_0000, ATTRS, 2, BuildKit.filled(2));
        LaunchedEnclave saved = enc;
        enc = twin;
        twin.enter(lp);
        assertThat(getKey(bySigner)).isEqualTo(s1);
        assertThat(getKey(byEnclave)).isNotEqualTo(k1);
        enc = saved;
        lp.enclu().eexit(0x40_0000L);
        lp.cpl(0);

        // the same enclave on a platform with other fuses gets other keys
        BuildKit otherKit = new BuildKit(Platform.builder().seed(7).build());
        LaunchedEnclave elsewhere = new LaunchedEnclave(otherKit, BASE, ATTRS, 2, BuildKit.filled(1));
        enc = elsewhere;
        lp = otherKit.lp;
        elsewhere.enter(lp);
        assertThat(getKey(byEnclave)).isNotEqualTo(k1);
    }

    @Test
    void egetkeyStatusCodes() {
        enc.enter(lp);
        byte[] svn = kit.pf.capabilities().cpuSvn();
        assertThat(egetkey(KeyRequest.allocate().keyName(5))).isEqualTo(SgxStatus.SGX_INVALID_KEYNAME);
        assertThat(lp.regs().rax).isEqualTo(256);
        assertThat(lp.regs().zf()).isTrue();
        assertThat(egetkey(KeyRequest.allocate().keyName(KeyRequest.PROVISION_KEY)))
                .isEqualTo(SgxStatus.SGX_INVALID_ATTRIBUTE);
        assertThat(egetkey(KeyRequest.allocate().keyName(KeyRequest.EINITTOKEN_KEY)))
                .isEqualTo(SgxStatus.SGX_INVALID_ATTRIBUTE);
        assertThat(egetkey(KeyRequest.allocate().keyName(KeyRequest.SEAL_KEY).isvSvn(3).cpuSvn(svn)))
                .isEqualTo(SgxStatus.SGX_INVALID_ISVSVN);
        byte[] above = svn.clone();
        above[5] = 1;
        assertThat(egetkey(KeyRequest.allocate().keyName(KeyRequest.SEAL_KEY).cpuSvn(above)))
                .isEqualTo(SgxStatus.SGX_INVALID_CPUSVN);
        byte[] out = enc.peek(LaunchedEnclave.DATA + 0xD00, 16);
        assertThat(out).containsOnly(0); // errors write nothing
        assertThat(egetkey(KeyRequest.allocate().keyName(KeyRequest.REPORT_KEY))).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(lp.regs().zf()).isFalse();
    }

    @Test
    void egetkeyFaults() {
        enc.enter(lp);
        KeyRequest reserved = KeyRequest.allocate().keyName(KeyRequest.REPORT_KEY);
        reserved.u8(100, 1);
        assertThatThrownBy(() -> egetkey(reserved)).isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> egetkey(KeyRequest.allocate().keyPolicy(0x40)))
                .isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> egetkey(KeyRequest.allocate().keyPolicy(KeyRequest.POLICY_CONFIGID)))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("KSS");
        long d = BASE + LaunchedEnclave.DATA;
        assertThatThrownBy(() -> lp.enclu().egetkey(d + 0x10, d)).isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> lp.enclu().egetkey(d, d + 8)).isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> lp.enclu().egetkey(d, BASE + LaunchedEnclave.RO)).isInstanceOf(PageFault.class);
        assertThatThrownBy(() -> lp.enclu().egetkey(d, 0x20_0000L)).isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("ELRANGE");
    }

    @Test
    void aLaunchEnclavesTokenKeyIsTheKeyEinitChecks() throws Exception {
        // the launch enclave: EINITTOKENKEY set, signer in the LE hash MSRs
        BuildKit k = new BuildKit();
        Attributes leAttrs = new Attributes(Attributes.MODE64BIT | Attributes.EINITTOKENKEY, 0x3);
        LaunchedEnclave le = new LaunchedEnclave(k, BASE, leAttrs, 7, BuildKit.filled(3));
        enc = le;
        lp = k.lp;
        le.enter(lp);
        Secs leSecs = new Secs(k.data(le.secs));
        byte[] keyId = Crypto.sha256(new byte[] {1});
        Attributes mask = new Attributes(Attributes.MODE64BIT, 0x3);
        KeyRequest req = KeyRequest.allocate().keyName(KeyRequest.EINITTOKEN_KEY).isvSvn(7)
                .cpuSvn(k.pf.capabilities().cpuSvn()).attributeMask(mask).keyId(keyId);
        byte[] tokenKey = getKey(req);
        lp.enclu().eexit(0x40_0000L);
        lp.cpl(0);

        // an enclave from another signer, launched with the LE's token
        long secs = k.ecreate(BuildKit.secs(BASE + 0x10_0000, 0x4000));
        k.eadd(secs, BASE + 0x10_0000, 0x203, new byte[4096]);
        byte[] mr = k.state(secs).measurement.peekFinal();
        SigStruct app = SigStruct.template();
        app.bytes(SigStruct.ENCLAVEHASH, mr);
        app.attributes(SigStruct.ATTRIBUTES, new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 0x3));
        app = resign(app);
        EinitToken t = EinitToken.allocate();
        t.valid(1);
        t.attributes(EinitToken.ATTRIBUTES, new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 0x3));
        t.bytes(EinitToken.MRENCLAVE, mr);
        t.bytes(EinitToken.MRSIGNER, app.mrSigner());
        t.bytes(EinitToken.CPUSVNLE, k.pf.capabilities().cpuSvn());
        t.u16(EinitToken.ISVPRODIDLE, leSecs.isvProdId());
        t.u16(EinitToken.ISVSVNLE, 7);
        t.attributes(EinitToken.MASKEDATTRIBUTESLE, mask.or(new Attributes(3, 0)).and(leSecs.attributes()));
        t.u32(EinitToken.MASKEDMISCSELECTLE, 0);
        t.bytes(EinitToken.KEYID, keyId);
        t.bytes(EinitToken.MAC, Crypto.cmac(tokenKey, t.macedBytes()));
        // the LE hash MSRs still hold the LE's signer, which differs from the app's signer
        k.lp.store(BuildKit.SIGSTRUCT, app.toByteArray());
        k.lp.store(BuildKit.TOKEN, t.toByteArray());
        assertThat(k.encls.einit(BuildKit.SIGSTRUCT, secs, BuildKit.TOKEN)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    /** Signs with a second key, so the app's MRSIGNER is not the LE's. */
    private static SigStruct resign(SigStruct s) throws Exception {
        return LaunchedEnclave.sign(s,
                (java.security.interfaces.RSAPrivateCrtKey) org.jsgx.host.RsaKeys.generate().getPrivate());
    }
}
