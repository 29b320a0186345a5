package org.jsgx.launch;

import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.util.Arrays;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Bytes;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.EinitToken;
import org.jsgx.cpu.KeyRequest;
import org.jsgx.cpu.Report;
import org.jsgx.cpu.SigStruct;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.engine.EnclaveContext;
import org.jsgx.engine.EnclaveProgram;

/**
 * The launch enclave's code, run inside the LE by the Java-logic engine. One call mints one
 * token: RDI points at a request in untrusted memory (the SIGSTRUCT, then at +2048 the
 * enclave's SECS.ATTRIBUTES), RSI at the untrusted output (the 304-byte token, then at +304 a
 * u32 status: 0 or a {@link LaunchRefusal} code). The LE learns its own identity with EREPORT,
 * derives the launch key with EGETKEY(EINITTOKEN_KEY) and fills the token's LE fields so that
 * EINIT's key derivation reproduces exactly that key (SDM EINIT, "consistency note").
 */
final class LaunchEnclaveProgram implements EnclaveProgram {
    /** Offsets in the LE's data page. */
    static final long KEYREQUEST = 0x000, KEY = 0x200, TARGETINFO = 0x400, REPORTDATA = 0x600, REPORT = 0x800,
            POLICY_DIGEST = 0xF00;
    static final int REQUEST_ATTRIBUTES = 2048;
    static final int STATUS = EinitToken.SIZE;
    /** Every attribute the LE has goes into the key (and so into MASKEDATTRIBUTESLE). */
    private static final Attributes KEY_ATTRIBUTE_MASK = new Attributes(-1L, 0);

    private final LaunchPolicy policy;
    private final long dataOffset;
    private final SecureRandom rdrand = new SecureRandom();

    LaunchEnclaveProgram(LaunchPolicy policy, long dataOffset) {
        this.policy = policy;
        this.dataOffset = dataOffset;
    }

    @Override
    public void run(EnclaveContext ctx) {
        long data = ctx.base() + dataOffset;
        byte[] out = new byte[EinitToken.SIZE + 4];
        LaunchRefusal refusal = mint(ctx, data, out);
        int status = refusal == null ? 0 : refusal.code();
        for (int i = 0; i < 4; i++) {
            out[STATUS + i] = (byte) (status >>> (8 * i));
        }
        ctx.write(ctx.rsi(), out);
    }

    private LaunchRefusal mint(EnclaveContext ctx, long data, byte[] out) {
        // the code only trusts the policy its measured page holds
        if (!Arrays.equals(ctx.read(data + POLICY_DIGEST, 32), policy.digest())) {
            return LaunchRefusal.POLICY_MISMATCH;
        }
        byte[] request = ctx.read(ctx.rdi(), REQUEST_ATTRIBUTES + 16);
        SigStruct sig = SigStruct.of(Arrays.copyOf(request, SigStruct.SIZE));
        Attributes attrs = new Attributes(Bytes.le64(request, REQUEST_ATTRIBUTES),
                Bytes.le64(request, REQUEST_ATTRIBUTES + 8));
        byte[] mrSigner = Crypto.sha256(sig.modulusLe());
        LaunchRefusal r = policy.check(mrSigner, attrs);
        if (r != null) {
            return r;
        }
        // who am I: CPUSVN, ISVPRODID, ISVSVN, ATTRIBUTES of this LE
        ctx.write(data + TARGETINFO, new byte[512]);
        ctx.write(data + REPORTDATA, new byte[64]);
        ctx.ereport(data + TARGETINFO, data + REPORTDATA, data + REPORT);
        Report me = new Report(MemorySegment.ofArray(ctx.read(data + REPORT, 432)));
        byte[] keyId = new byte[32];
        rdrand.nextBytes(keyId);
        KeyRequest req = KeyRequest.allocate().keyName(KeyRequest.EINITTOKEN_KEY).isvSvn(me.isvSvn())
                .cpuSvn(me.cpuSvn()).attributeMask(KEY_ATTRIBUTE_MASK).keyId(keyId);
        ctx.write(data + KEYREQUEST, req.toByteArray());
        if (ctx.egetkey(data + KEYREQUEST, data + KEY) != SgxStatus.SGX_SUCCESS.code()) {
            return LaunchRefusal.KEY_UNAVAILABLE;
        }
        byte[] key = ctx.read(data + KEY, 16);
        ctx.write(data + KEY, new byte[16]); // the launch key does not outlive the call
        EinitToken t = EinitToken.allocate();
        t.valid(1);
        t.attributes(EinitToken.ATTRIBUTES, attrs);
        t.bytes(EinitToken.MRENCLAVE, sig.enclaveHash());
        t.bytes(EinitToken.MRSIGNER, mrSigner);
        t.bytes(EinitToken.CPUSVNLE, me.cpuSvn());
        t.u16(EinitToken.ISVPRODIDLE, me.isvProdId());
        t.u16(EinitToken.ISVSVNLE, me.isvSvn());
        t.attributes(EinitToken.MASKEDATTRIBUTESLE,
                KEY_ATTRIBUTE_MASK.or(new Attributes(Attributes.INIT | Attributes.DEBUG, 0)).and(me.attributes()));
        t.u32(EinitToken.MASKEDMISCSELECTLE, 0);
        t.bytes(EinitToken.KEYID, keyId);
        t.bytes(EinitToken.MAC, Crypto.cmac(key, t.macedBytes()));
        Arrays.fill(key, (byte) 0);
        System.arraycopy(t.toByteArray(), 0, out, 0, EinitToken.SIZE);
        return null;
    }
}
