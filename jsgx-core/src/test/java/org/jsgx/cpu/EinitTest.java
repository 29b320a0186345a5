package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EinitTest {
    private static final long BASE = 0x50_0000_0000L;
    private static final Attributes ATTRS = new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 0x3);
    private BuildKit kit = new BuildKit();
    private long secs;
    private byte[] mrEnclave;

    @BeforeEach
    void build() {
        buildEnclave(ATTRS);
    }

    private void buildEnclave(Attributes attrs) {
        secs = kit.ecreate(BuildKit.secs(BASE, 0x8000).attributes(attrs));
        long tcs = kit.eadd(secs, BASE, 0x100, BuildKit.tcs(0x1000, 1, 0x2000));
        kit.eextendPage(secs, tcs);
        kit.eadd(secs, BASE + 0x1000, 0x203, new byte[4096]);
        long code = kit.eadd(secs, BASE + 0x2000, 0x205, BuildKit.filled(2));
        kit.eextendPage(secs, code);
        mrEnclave = kit.state(secs).measurement.peekFinal();
    }

    /** A SIGSTRUCT for the built enclave, signed with the test key; callers may edit before signing. */
    private SigStruct sigstruct(java.util.function.Consumer<SigStruct> edit) throws Exception {
        SigStruct s = SigStruct.template();
        s.u32(SigStruct.DATE, 0x20261122);
        s.bytes(SigStruct.ENCLAVEHASH, mrEnclave);
        s.attributes(SigStruct.ATTRIBUTES, ATTRS);
        s.attributes(SigStruct.ATTRIBUTEMASK, new Attributes(-1L & ~Attributes.INIT, 0));
        s.u16(SigStruct.ISVPRODID, 0x1234);
        s.u16(SigStruct.ISVSVN, 3);
        edit.accept(s);
        return LaunchedEnclave.sign(s);
    }

    private void trustSigner(SigStruct s) {
        byte[] h = s.mrSigner();
        for (int i = 0; i < 4; i++) {
            kit.lp.wrmsrLeHash(i, Bytes.le64(h, 8 * i));
        }
    }

    private SgxStatus einit(SigStruct s, EinitToken t) {
        kit.lp.store(BuildKit.SIGSTRUCT, s.toByteArray());
        kit.lp.store(BuildKit.TOKEN, t.toByteArray());
        return kit.encls.einit(BuildKit.SIGSTRUCT, secs, BuildKit.TOKEN);
    }

    private SgxStatus einit(SigStruct s) {
        return einit(s, EinitToken.allocate());
    }

    private boolean initialized() {
        return new Secs(kit.data(secs)).initialized();
    }

    @Test
    void launchesWhenTheSignerHashIsInTheMsrs() throws Exception {
        SigStruct s = sigstruct(x -> { });
        trustSigner(s);
        assertThat(einit(s)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(kit.lp.regs().rax).isZero();
        assertThat(kit.lp.regs().zf()).isFalse();
        Secs secsView = new Secs(kit.data(secs));
        assertThat(secsView.initialized()).isTrue();
        assertThat(secsView.mrEnclave()).isEqualTo(mrEnclave);
        assertThat(secsView.mrSigner()).isEqualTo(Crypto.sha256(s.modulusLe()));
        assertThat(secsView.isvProdId()).isEqualTo(0x1234);
        assertThat(secsView.isvSvn()).isEqualTo(3);
        assertThat(kit.state(secs).padding()).isEqualTo(Rsa3072.hardcodedPadding());
    }

    @Test
    void initialisedEnclavesRefuseEinitEaddAndEextend() throws Exception {
        SigStruct s = sigstruct(x -> { });
        trustSigner(s);
        long page = kit.epcPage();
        assertThat(einit(s)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThatThrownBy(() -> einit(s)).isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> kit.eaddAt(page, secs, BASE + 0x3000, 0x203, new byte[4096]))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("EADD after EINIT");
        assertThat(kit.frame(page).epcm().valid()).isFalse();
        assertThatThrownBy(() -> kit.encls.eextend(secs, kit.pf.epc().sections().get(0).base() + 4096 * 3))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("EEXTEND after EINIT");
    }

    @Test
    void withoutTokenAnUntrustedSignerIsRefusedAndEinitCanBeRetried() throws Exception {
        SigStruct s = sigstruct(x -> { });
        assertThat(einit(s)).isEqualTo(SgxStatus.SGX_INVALID_EINITTOKEN);
        assertThat(kit.lp.regs().zf()).isTrue();
        assertThat(initialized()).isFalse();
        trustSigner(s);
        assertThat(einit(s)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    @Test
    void malformedSigstructs() throws Exception {
        trustSigner(sigstruct(x -> { }));
        assertThat(einit(sigstruct(x -> x.u8(3, 1)))).isEqualTo(SgxStatus.SGX_INVALID_SIG_STRUCT);
        assertThat(einit(sigstruct(x -> x.u32(SigStruct.TYPE, SigStruct.TYPE_DEBUG))))
                .isEqualTo(SgxStatus.SGX_INVALID_SIG_STRUCT);
        assertThat(einit(sigstruct(x -> x.u32(SigStruct.VENDOR, 0x1234)))).isEqualTo(SgxStatus.SGX_INVALID_SIG_STRUCT);
        assertThat(einit(sigstruct(x -> x.u8(SigStruct.HEADER2 + 4, 0x61)))).isEqualTo(SgxStatus.SGX_INVALID_SIG_STRUCT);
        assertThat(einit(sigstruct(x -> x.u8(100, 1)))).isEqualTo(SgxStatus.SGX_INVALID_SIG_STRUCT);
        assertThat(einit(sigstruct(x -> x.u8(1000, 1)))).isEqualTo(SgxStatus.SGX_INVALID_SIG_STRUCT);
        SigStruct e = sigstruct(x -> { });
        e.u32(SigStruct.EXPONENT, 65537);
        assertThat(einit(e)).isEqualTo(SgxStatus.SGX_INVALID_SIG_STRUCT);
        assertThat(einit(sigstruct(x -> x.u32(SigStruct.VENDOR, SigStruct.VENDOR_INTEL))))
                .isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    @Test
    void everySingleBitFlipIsRefused() throws Exception {
        SigStruct good = sigstruct(x -> { });
        trustSigner(good);
        byte[] b = good.toByteArray();
        List<int[]> ranges = List.of(new int[] {0, 128}, new int[] {900, 1028}, new int[] {SigStruct.MODULUS, 384},
                new int[] {SigStruct.SIGNATURE, 384}, new int[] {SigStruct.Q1, 384}, new int[] {SigStruct.Q2, 384});
        List<String> accepted = new ArrayList<>();
        int flips = 0;
        for (int[] r : ranges) {
            int from = r[0];
            int to = r[1] > 900 ? r[1] : r[0] + r[1];
            for (int i = from; i < to; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] f = b.clone();
                    f[i] ^= (byte) (1 << bit);
                    SgxStatus st = einit(SigStruct.of(f));
                    flips++;
                    SgxStatus expected = structurallyChecked(i) ? SgxStatus.SGX_INVALID_SIG_STRUCT
                            : SgxStatus.SGX_INVALID_SIGNATURE;
                    if (st != expected) {
                        accepted.add("byte " + i + " bit " + bit + ": " + st);
                    }
                }
            }
        }
        assertThat(accepted).isEmpty();
        assertThat(flips).isEqualTo(8 * (256 + 4 * 384));
        assertThat(initialized()).isFalse();
        assertThat(einit(good)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    /** Bytes EINIT checks before the signature: headers, vendor and reserved fields (KSS part). */
    private static boolean structurallyChecked(int i) {
        return i < 20 || (i >= 24 && i < 40) || (i >= 44 && i < 128) || (i >= 908 && i < 912)
                || (i >= 992 && i < 1008);
    }

    @Test
    void aSignatureOverAnotherMeasurementIsInvalidMeasurement() throws Exception {
        SigStruct s = sigstruct(x -> x.u8(SigStruct.ENCLAVEHASH, x.u8(SigStruct.ENCLAVEHASH) ^ 1));
        trustSigner(s);
        assertThat(einit(s)).isEqualTo(SgxStatus.SGX_INVALID_MEASUREMENT);
        assertThat(initialized()).isFalse();
    }

    @Test
    void attributeAndMiscselectMasks() throws Exception {
        trustSigner(sigstruct(x -> { }));
        assertThat(einit(sigstruct(x -> x.attributes(SigStruct.ATTRIBUTES, ATTRS.withFlags(Attributes.MODE64BIT)))))
                .isEqualTo(SgxStatus.SGX_INVALID_ATTRIBUTE);
        // a bit outside the mask does not matter
        assertThat(einit(sigstruct(x -> {
            x.attributes(SigStruct.ATTRIBUTES, ATTRS.withFlags(Attributes.MODE64BIT));
            x.attributes(SigStruct.ATTRIBUTEMASK, new Attributes(~(Attributes.INIT | Attributes.DEBUG), 0));
            x.u32(SigStruct.MISCSELECT, 1);
        }))).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    @Test
    void miscselectMaskMismatch() throws Exception {
        trustSigner(sigstruct(x -> { }));
        assertThat(einit(sigstruct(x -> {
            x.u32(SigStruct.MISCSELECT, 1);
            x.u32(SigStruct.MISCMASK, 1);
        }))).isEqualTo(SgxStatus.SGX_INVALID_ATTRIBUTE);
    }

    @Test
    void controlledAttributeNeedsTheLaunchSigner() throws Exception {
        kit = new BuildKit();
        Attributes le = ATTRS.withFlags(ATTRS.flags() | Attributes.EINITTOKENKEY);
        buildEnclave(le);
        SigStruct s = sigstruct(x -> x.attributes(SigStruct.ATTRIBUTES, le));
        assertThat(einit(s)).isEqualTo(SgxStatus.SGX_INVALID_ATTRIBUTE);
        trustSigner(s);
        assertThat(einit(s)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    @Test
    void kssIdentitiesNeedKssEnclaves() throws Exception {
        SigStruct s = sigstruct(x -> x.u8(SigStruct.ISVFAMILYID, 1));
        trustSigner(s);
        assertThat(einit(s)).isEqualTo(SgxStatus.SGX_INVALID_SIG_STRUCT);
    }

    @Test
    void pendingUnmaskedEventIsReportedAfterStructureChecks() throws Exception {
        SigStruct s = sigstruct(x -> { });
        trustSigner(s);
        kit.lp.unmaskedEventPending(true);
        assertThat(einit(sigstruct(x -> x.u8(0, 7)))).isEqualTo(SgxStatus.SGX_INVALID_SIG_STRUCT);
        assertThat(einit(s)).isEqualTo(SgxStatus.SGX_UNMASKED_EVENT);
        assertThat(kit.lp.regs().rax).isEqualTo(128);
        kit.lp.unmaskedEventPending(false);
        assertThat(einit(s)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    @Test
    void operandFaults() throws Exception {
        SigStruct s = sigstruct(x -> { });
        trustSigner(s);
        kit.lp.store(BuildKit.SIGSTRUCT, s.toByteArray());
        assertThatThrownBy(() -> kit.encls.einit(BuildKit.SIGSTRUCT + 64, secs, BuildKit.TOKEN))
                .isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> kit.encls.einit(BuildKit.SIGSTRUCT, secs, BuildKit.TOKEN + 256))
                .isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> kit.encls.einit(BuildKit.SIGSTRUCT, 0x7000_0000L, BuildKit.TOKEN))
                .isInstanceOf(PageFault.class);
        long tcsPage = kit.pf.epc().sections().get(0).base() + 4096;
        assertThatThrownBy(() -> kit.encls.einit(BuildKit.SIGSTRUCT, tcsPage, BuildKit.TOKEN))
                .isInstanceOf(PageFault.class).hasMessageContaining("SECS");
        assertThat(initialized()).isFalse();
    }

    // ---- the EINITTOKEN path ----

    /** A token as a launch enclave on {@code pf} would mint it (key from the EINIT dependencies). */
    static EinitToken mint(Platform pf, byte[] leHash, byte[] mrEnclave, byte[] mrSigner, Attributes attrs,
                           Attributes maskedLe) {
        EinitToken t = EinitToken.allocate();
        t.valid(1);
        t.attributes(EinitToken.ATTRIBUTES, attrs);
        t.bytes(EinitToken.MRENCLAVE, mrEnclave);
        t.bytes(EinitToken.MRSIGNER, mrSigner);
        t.bytes(EinitToken.CPUSVNLE, pf.capabilities().cpuSvn());
        t.u16(EinitToken.ISVPRODIDLE, 0x20);
        t.u16(EinitToken.ISVSVNLE, 7);
        t.attributes(EinitToken.MASKEDATTRIBUTESLE, maskedLe);
        t.bytes(EinitToken.KEYID, Crypto.sha256(new byte[] {9}));
        return macToken(pf, leHash, t);
    }

    static EinitToken macToken(Platform pf, byte[] leHash, EinitToken t) {
        byte[] k = KeyDerivation.derive(pf.fuses(), Einit.tokenKeyDependencies(pf, t, leHash));
        t.bytes(EinitToken.MAC, Crypto.cmac(k, t.macedBytes()));
        return t;
    }

    private EinitToken token(java.util.function.Consumer<EinitToken> edit, SigStruct s) {
        EinitToken t = mint(kit.pf, kit.lp.leHashBytes(), mrEnclave, s.mrSigner(), ATTRS,
                new Attributes(Attributes.MODE64BIT | Attributes.EINITTOKENKEY, 0x3));
        edit.accept(t);
        return macToken(kit.pf, kit.lp.leHashBytes(), t);
    }

    @Test
    void aValidTokenLaunchesAnEnclaveOfAnUntrustedSigner() throws Exception {
        SigStruct s = sigstruct(x -> { });
        assertThat(einit(s, token(t -> { }, s))).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(initialized()).isTrue();
    }

    @Test
    void aTokenForAnotherEnclaveIsInvalidMeasurement() throws Exception {
        SigStruct s = sigstruct(x -> { });
        assertThat(einit(s, token(t -> t.u8(EinitToken.MRENCLAVE, t.u8(EinitToken.MRENCLAVE) ^ 1), s)))
                .isEqualTo(SgxStatus.SGX_INVALID_MEASUREMENT);
        assertThat(einit(s, token(t -> t.u8(EinitToken.MRSIGNER, 0), s))).isEqualTo(SgxStatus.SGX_INVALID_MEASUREMENT);
        assertThat(initialized()).isFalse();
    }

    @Test
    void aTamperedTokenFailsItsMac() throws Exception {
        SigStruct s = sigstruct(x -> { });
        for (int off : new int[] {EinitToken.ATTRIBUTES, EinitToken.MRENCLAVE + 5, EinitToken.MRSIGNER + 31,
                EinitToken.KEYID, EinitToken.ISVSVNLE, EinitToken.MASKEDMISCSELECTLE, EinitToken.MAC + 15}) {
            EinitToken t = token(x -> { }, s);
            t.u8(off, t.u8(off) ^ 0x10);
            assertThat(einit(s, t)).as("flip at %d", off).isEqualTo(SgxStatus.SGX_INVALID_EINITTOKEN);
        }
        assertThat(initialized()).isFalse();
    }

    @Test
    void aTokenMacedWithAnotherPlatformsKeyIsRefused() throws Exception {
        SigStruct s = sigstruct(x -> { });
        Platform other = Platform.builder().seed(99).build();
        EinitToken t = mint(other, kit.lp.leHashBytes(), mrEnclave, s.mrSigner(), ATTRS,
                new Attributes(Attributes.MODE64BIT, 0x3));
        assertThat(einit(s, t)).isEqualTo(SgxStatus.SGX_INVALID_EINITTOKEN);
        // and a token MACed for another launch-enclave signer
        EinitToken u = mint(kit.pf, new byte[32], mrEnclave, s.mrSigner(), ATTRS,
                new Attributes(Attributes.MODE64BIT, 0x3));
        assertThat(einit(s, u)).isEqualTo(SgxStatus.SGX_INVALID_EINITTOKEN);
    }

    @Test
    void aDebugLaunchEnclavesTokenCannotLaunchAProductionEnclave() throws Exception {
        kit = new BuildKit();
        Attributes prod = new Attributes(Attributes.MODE64BIT, 0x3);
        buildEnclave(prod);
        SigStruct s = sigstruct(x -> x.attributes(SigStruct.ATTRIBUTES, prod));
        EinitToken debugLe = mint(kit.pf, kit.lp.leHashBytes(), mrEnclave, s.mrSigner(), prod,
                new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 0x3));
        assertThat(einit(s, debugLe)).isEqualTo(SgxStatus.SGX_INVALID_EINITTOKEN);
        EinitToken prodLe = mint(kit.pf, kit.lp.leHashBytes(), mrEnclave, s.mrSigner(), prod,
                new Attributes(Attributes.MODE64BIT, 0x3));
        assertThat(einit(s, prodLe)).isEqualTo(SgxStatus.SGX_SUCCESS);
    }

    @Test
    void tokenReservedFieldsCpusvnAndAttributes() throws Exception {
        SigStruct s = sigstruct(x -> { });
        assertThat(einit(s, token(t -> t.valid(3), s))).isEqualTo(SgxStatus.SGX_INVALID_EINITTOKEN);
        assertThat(einit(s, token(t -> t.u8(220, 1), s))).isEqualTo(SgxStatus.SGX_INVALID_EINITTOKEN);
        assertThat(einit(s, token(t -> t.u8(EinitToken.CPUSVNLE, 0xFF), s))).isEqualTo(SgxStatus.SGX_INVALID_CPUSVN);
        assertThat(einit(s, token(t -> t.attributes(EinitToken.ATTRIBUTES, ATTRS.withFlags(Attributes.MODE64BIT)), s)))
                .isEqualTo(SgxStatus.SGX_INVALID_ATTRIBUTE);
        assertThat(initialized()).isFalse();
    }
}
