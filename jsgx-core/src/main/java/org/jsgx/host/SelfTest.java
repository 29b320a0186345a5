package org.jsgx.host;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.jsgx.cpu.ArchFault;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.GeneralProtectionFault;
import org.jsgx.cpu.KeyRequest;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.Measurement;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.Report;
import org.jsgx.cpu.Rsa3072;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.cpu.SigStruct;
import org.jsgx.cpu.TargetInfo;
import org.jsgx.cpu.Tcs;
import org.jsgx.host.kselftest.KernelSelftests;
import org.jsgx.host.sgxs.SgxsMeasure;
import org.jsgx.host.sgxs.SgxsMode;
import org.jsgx.host.sgxs.SgxsRecord;
import org.jsgx.kernel.EnclaveBuilder;

/**
 * `jsgx selftest`: builds the bundled sample enclave in a fresh model platform and walks it
 * through measurement, signing, launch control, entry, attestation and sealing, checking each
 * architectural outcome; then runs the Linux kernel's SGX selftests by name against the driver
 * model. Needs no files and no SGX hardware.
 */
public final class SelfTest {
    /** The bundled sample enclave: TCS, two SSA frames, data, code, an unmeasured heap page. */
    static final long BASE = 0x7f00_0000_0000L;
    static final long SIZE = 0x10000;
    static final long DATA = 0x3000;
    static final long CODE = 0x4000;
    static final long HEAP = 0x5000;
    static final Attributes ATTRS = new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 0x3);

    /** One check's outcome. */
    public record Result(String name, boolean passed, String detail) {
    }

    private final List<Result> results = new ArrayList<>();
    private final Consumer<Result> listener;
    private final Platform pf = Platform.create();
    private final LogicalProcessor lp = pf.cpu(0);
    private final EnclaveBuilder b = new EnclaveBuilder(pf, lp);
    private RSAPrivateCrtKey key;
    private SigStruct sig;

    /** What the kernel selftest group runs against (default: the test enclave written in Java). */
    private final org.jsgx.host.kselftest.KselftestEnclave kselftestEnclave;
    private final String kselftestLabel;

    private SelfTest(Consumer<Result> listener, org.jsgx.host.kselftest.KselftestEnclave enclave, String label) {
        this.listener = listener;
        this.kselftestEnclave = enclave;
        this.kselftestLabel = label;
    }

    /** Runs every check, reporting each to {@code listener} as it completes. */
    public static List<Result> run(Consumer<Result> listener) {
        return run(listener, org.jsgx.host.kselftest.TestEncl.JAVA, "");
    }

    /**
     * Runs every check with the kernel selftests against {@code enclave} (e.g. the real
     * test_encl.elf on the x86 engine); {@code label} tags those results, e.g. "x86".
     */
    public static List<Result> run(Consumer<Result> listener, org.jsgx.host.kselftest.KselftestEnclave enclave,
            String label) {
        SelfTest t = new SelfTest(listener, enclave, label);
        t.all();
        return t.results;
    }

    private void all() {
        check("measurement: SDM record layouts and test vectors", this::vectors);
        check("build: ECREATE/EADD/EEXTEND of the sample enclave equals its SGXS measurement", this::build);
        check("sign: RSA-3072 e=3 SIGSTRUCT with valid signature and Q1/Q2", this::sign);
        check("launch: untrusted signer without token is SGX_INVALID_EINITTOKEN", () ->
                expect(b.einit(sig, null), SgxStatus.SGX_INVALID_EINITTOKEN));
        check("launch: one flipped signature bit is SGX_INVALID_SIGNATURE", this::flipped);
        check("launch: EINIT with the signer in IA32_SGXLEPUBKEYHASH0..3 succeeds", this::launch);
        check("launch: EADD after EINIT is #GP", this::eaddAfterInit);
        check("isolation: a non-enclave read of EPC memory returns abort-page ones", this::abortPage);
        check("enter: EENTER/EEXIT register conventions", this::enterExit);
        check("attest: EREPORT's MAC verifies with the target's EGETKEY(REPORT_KEY)", this::attest);
        check("seal: SEAL keys follow KEYPOLICY and the ISVSVN check", this::seal);
        kernelSelftests();
    }

    /**
     * The second group: every scenario of the Linux kernel's SGX selftests
     * (tools/testing/selftests/sgx), under its kernel name, against the driver model.
     */
    private void kernelSelftests() {
        KernelSelftests.Scale scale = KernelSelftests.Scale.fromSystemProperties();
        for (String name : KernelSelftests.names()) {
            String tag = kselftestLabel.isEmpty() ? "sgx kselftest: " : "sgx kselftest (" + kselftestLabel + "): ";
            check(tag + name, () -> expect(KernelSelftests.run(name, scale, true, kselftestEnclave),
                    KernelSelftests.Status.PASS));
        }
    }

    private void check(String name, ThrowingRunnable r) {
        Result res;
        try {
            r.run();
            res = new Result(name, true, "");
        } catch (AssertionError | RuntimeException e) {
            res = new Result(name, false, String.valueOf(e.getMessage()));
        } catch (Exception e) {
            res = new Result(name, false, e.toString());
        }
        results.add(res);
        listener.accept(res);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void expect(Object got, Object want) {
        if (!want.equals(got)) {
            throw new AssertionError("expected " + want + ", got " + got);
        }
    }

    private static void expectTrue(boolean cond, String what) {
        if (!cond) {
            throw new AssertionError(what);
        }
    }

    private void vectors() {
        expect(HexFormat.of().formatHex(new Measurement(1, 0x2000).peekFinal()),
                "9e197c8837c6d65632dbdd59cd7df4f1a25b68d8e4e5eb6ca3b20b05311fecb8");
        Measurement m = new Measurement(1, 0x2000);
        m.eadd(0x1000, 0x100);
        expect(HexFormat.of().formatHex(m.peekFinal()),
                "11ef7ff1c56f61a6859722b16d806d7e42f745c26e21f1ad760f7e1f03bdf221");
    }

    /** The sample enclave's pages: offset, SECINFO flags, content, measured. */
    private record Page(long offset, long flags, byte[] content, boolean measured) {
    }

    private static List<Page> samplePages() {
        byte[] code = new byte[4096];
        // mov rbx, rcx; mov eax, 4 (EEXIT); enclu — the shape of a minimal enclave exit stub
        byte[] stub = {0x48, (byte) 0x89, (byte) 0xcb, (byte) 0xb8, 4, 0, 0, 0, 0x0f, 0x01, (byte) 0xd7};
        System.arraycopy(stub, 0, code, 0, stub.length);
        byte[] data = new byte[4096];
        byte[] msg = "jsgx sample enclave".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(msg, 0, data, 0, msg.length);
        byte[] tcs = Tcs.allocate().ossa(0x1000).nssa(2).oentry(CODE).toByteArray();
        return List.of(
                new Page(0, SecInfo.flags(PageType.PT_TCS, 0), tcs, true),
                new Page(0x1000, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W), new byte[4096], false),
                new Page(0x2000, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W), new byte[4096], false),
                new Page(DATA, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W), data, true),
                new Page(CODE, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.X), code, true),
                new Page(HEAP, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W), new byte[4096], false));
    }

    /** The sample enclave as an SGXS stream (the same records the leaves hash). */
    static byte[] sampleSgxs() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new SgxsRecord.Ecreate(1, SIZE).bytes());
        for (Page p : samplePages()) {
            o.writeBytes(new SgxsRecord.Eadd(p.offset, p.flags).bytes());
            if (p.measured) {
                for (int c = 0; c < 4096; c += 256) {
                    o.writeBytes(new SgxsRecord.Eextend(p.offset + c, Arrays.copyOfRange(p.content, c, c + 256)).bytes());
                }
            }
        }
        return o.toByteArray();
    }

    private byte[] mrEnclave;

    private void build() throws Exception {
        b.ecreate(BASE, SIZE, 1, ATTRS, 0);
        for (Page p : samplePages()) {
            long epc = b.eadd(p.offset, p.flags, p.content);
            if (p.measured) {
                for (int c = 0; c < 4096; c += 256) {
                    b.eextend(epc, c);
                }
            }
        }
        mrEnclave = SgxsMeasure.measure(sampleSgxs(), SgxsMode.STRICT).mrenclave();
    }

    private void sign() {
        key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        sig = SigStructSigner.sign(SigStructFields.builder().enclaveHash(mrEnclave).attributes(ATTRS)
                .isvProdId(1).isvSvn(2).date(0x20261122).build(), key);
        expectTrue(Rsa3072.signatureValid(sig.modulusLe(), sig.signatureLe(), sig.signedData()), "signature invalid");
        expectTrue(Rsa3072.q1q2Valid(sig.modulusLe(), sig.signatureLe(), sig.q1Le(), sig.q2Le()), "Q1/Q2 invalid");
    }

    private void flipped() {
        b.writeLeHash(sig.mrSigner());
        byte[] f = sig.toByteArray();
        f[SigStruct.ISVSVN] ^= 1;
        expect(b.einit(SigStruct.of(f), null), SgxStatus.SGX_INVALID_SIGNATURE);
        expectTrue(!b.secsView().initialized(), "a refused EINIT changed the SECS");
    }

    private void launch() {
        expect(b.einit(sig, null), SgxStatus.SGX_SUCCESS);
        expectTrue(Arrays.equals(b.secsView().mrEnclave(), mrEnclave), "SECS.MRENCLAVE differs from the SGXS hash");
        expectTrue(Arrays.equals(b.secsView().mrSigner(), RsaKeys.mrSigner(key)), "SECS.MRSIGNER wrong");
    }

    private void eaddAfterInit() {
        try {
            b.eadd(0x6000, SecInfo.flags(PageType.PT_REG, SecInfo.R), new byte[4096]);
            throw new AssertionError("EADD after EINIT completed");
        } catch (GeneralProtectionFault expected) {
            // the architectural outcome
        }
    }

    private void abortPage() {
        long epc = b.addressSpace().translate(BASE + DATA, org.jsgx.cpu.Access.READ, false);
        byte[] got = lp.load(epc, 16);
        for (byte x : got) {
            expect(x, (byte) 0xFF);
        }
    }

    private EpcPage page(long offset) {
        return pf.epc().page(b.addressSpace().translate(BASE + offset, org.jsgx.cpu.Access.READ, true));
    }

    private void enter() {
        lp.addressSpace(b.addressSpace());
        lp.cpl(3);
        lp.regs().rip = 0x40_1000;
        lp.regs().rsp = 0x7ffc_0000L;
        lp.enclu().eenter(BASE, 0x40_2000);
    }

    private void exit() {
        lp.enclu().eexit(0x40_3000);
        lp.cpl(0);
        lp.addressSpace(org.jsgx.cpu.AddressSpace.IDENTITY);
    }

    private void enterExit() {
        enter();
        try {
            expect(lp.regs().rip, BASE + CODE);
            expect(lp.regs().rax, 0L);
            expect(lp.regs().rcx, 0x40_1000L);
            expect(new Tcs(page(0).data()).state(), 1L);
        } finally {
            exit();
        }
        expect(lp.regs().rcx, 0x40_2000L);
        expect(new Tcs(page(0).data()).state(), 0L);
        expectTrue(!lp.enclaveMode(), "still in enclave mode");
    }

    private void poke(long offset, byte[] v) {
        MemorySegment.copy(MemorySegment.ofArray(v), 0, page(offset & ~0xFFFL).data(), offset & 0xFFF, v.length);
    }

    private byte[] peek(long offset, int len) {
        return page(offset & ~0xFFFL).data().asSlice(offset & 0xFFF, len).toArray(ValueLayout.JAVA_BYTE);
    }

    private byte[] egetkey(KeyRequest req) {
        poke(HEAP + 0x800, req.toByteArray());
        SgxStatus st = lp.enclu().egetkey(BASE + HEAP + 0x800, BASE + HEAP + 0x700);
        expect(st, SgxStatus.SGX_SUCCESS);
        return peek(HEAP + 0x700, 16);
    }

    private void attest() {
        enter();
        try {
            org.jsgx.cpu.Secs secs = b.secsView();
            TargetInfo self = TargetInfo.allocate().measurement(secs.mrEnclave()).attributes(secs.attributes());
            poke(HEAP, self.toByteArray());
            poke(HEAP + 0x200, Crypto.sha256(new byte[] {1, 2, 3}));
            lp.enclu().ereport(BASE + HEAP, BASE + HEAP + 0x200, BASE + HEAP + 0x400);
            Report r = new Report(MemorySegment.ofArray(peek(HEAP + 0x400, Report.SIZE)));
            expectTrue(Arrays.equals(r.mrEnclave(), mrEnclave), "REPORT.MRENCLAVE wrong");
            byte[] k = egetkey(KeyRequest.allocate().keyName(KeyRequest.REPORT_KEY).keyId(r.keyId()));
            expectTrue(Arrays.equals(Crypto.cmac(k, r.body()), r.mac()), "REPORT MAC does not verify");
        } finally {
            exit();
        }
    }

    private void seal() {
        enter();
        try {
            byte[] svn = pf.capabilities().cpuSvn();
            KeyRequest req = KeyRequest.allocate().keyName(KeyRequest.SEAL_KEY)
                    .keyPolicy(KeyRequest.POLICY_MRENCLAVE).isvSvn(2).cpuSvn(svn);
            byte[] k1 = egetkey(req);
            expectTrue(Arrays.equals(k1, egetkey(req)), "SEAL key not deterministic");
            byte[] k2 = egetkey(KeyRequest.allocate().keyName(KeyRequest.SEAL_KEY)
                    .keyPolicy(KeyRequest.POLICY_MRSIGNER).isvSvn(2).cpuSvn(svn));
            expectTrue(!Arrays.equals(k1, k2), "MRENCLAVE and MRSIGNER policies gave the same key");
            poke(HEAP + 0x800, KeyRequest.allocate().keyName(KeyRequest.SEAL_KEY).isvSvn(3).cpuSvn(svn).toByteArray());
            expect(lp.enclu().egetkey(BASE + HEAP + 0x800, BASE + HEAP + 0x700), SgxStatus.SGX_INVALID_ISVSVN);
        } catch (ArchFault f) {
            throw new AssertionError(f.getMessage());
        } finally {
            exit();
        }
    }
}
