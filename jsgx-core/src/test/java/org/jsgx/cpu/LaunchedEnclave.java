package org.jsgx.cpu;

import java.math.BigInteger;
import java.security.interfaces.RSAPrivateCrtKey;

/**
 * An initialised test enclave mapped into a page table: TCS at BASE (2 SSA frames at +0x1000),
 * a RW data page at +0x3000, a read-only page at +0x4000, an RX code page at +0x5000.
 */
final class LaunchedEnclave {
    static final long TCS = 0x0;
    static final long DATA = 0x3000;
    static final long RO = 0x4000;
    static final long CODE = 0x5000;
    static final long OENTRY = CODE + 0x10;
    private static RSAPrivateCrtKey key;

    final BuildKit kit;
    final TestPageTable pt = new TestPageTable();
    final long base;
    final long secs;
    final SigStruct sigstruct;
    long dataPa;

    LaunchedEnclave(BuildKit kit, long base, Attributes attrs, int isvSvn, byte[] codeContent) throws Exception {
        this.kit = kit;
        this.base = base;
        secs = kit.ecreate(BuildKit.secs(base, 0x8000).attributes(attrs).miscSelect(1));
        add(TCS, 0x100, BuildKit.tcs(0x1000, 2, OENTRY), true);
        add(0x1000, 0x203, new byte[4096], false);
        add(0x2000, 0x203, new byte[4096], false);
        dataPa = add(DATA, 0x203, new byte[4096], false);
        add(RO, 0x201, new byte[4096], true);
        add(CODE, 0x205, codeContent, true);
        SigStruct s = SigStruct.template();
        s.bytes(SigStruct.ENCLAVEHASH, kit.state(secs).measurement.peekFinal());
        s.attributes(SigStruct.ATTRIBUTES, attrs);
        s.attributes(SigStruct.ATTRIBUTEMASK, new Attributes(-1L & ~Attributes.INIT, 0));
        s.u16(SigStruct.ISVPRODID, 0x77);
        s.u16(SigStruct.ISVSVN, isvSvn);
        s.u32(SigStruct.MISCSELECT, 1);
        sigstruct = sign(s);
        byte[] h = sigstruct.mrSigner();
        for (LogicalProcessor lp : kit.pf.cpus()) {
            for (int i = 0; i < 4; i++) {
                lp.wrmsrLeHash(i, Bytes.le64(h, 8 * i));
            }
            lp.addressSpace(pt);
        }
        kit.lp.store(BuildKit.SIGSTRUCT, sigstruct.toByteArray());
        kit.lp.store(BuildKit.TOKEN, new byte[EinitToken.SIZE]);
        SgxStatus st = kit.encls.einit(BuildKit.SIGSTRUCT, secs, BuildKit.TOKEN);
        if (st != SgxStatus.SGX_SUCCESS) {
            throw new IllegalStateException("EINIT: " + st);
        }
    }

    private long add(long off, long flags, byte[] content, boolean measure) {
        long pa = kit.eadd(secs, base + off, flags, content);
        if (measure) {
            kit.eextendPage(secs, pa);
        }
        pt.map(base + off, pa);
        return pa;
    }

    /**
     * Signs arbitrary SIGSTRUCT bytes with the shared test key. Tests of malformed SIGSTRUCTs
     * need a valid signature over invalid fields, which the host signer refuses to produce.
     */
    static synchronized SigStruct sign(SigStruct s) throws Exception {
        if (key == null) {
            key = (RSAPrivateCrtKey) org.jsgx.host.RsaKeys.generate().getPrivate();
        }
        return sign(s, key);
    }

    static SigStruct sign(SigStruct s, RSAPrivateCrtKey k) throws Exception {
        java.security.Signature sig = java.security.Signature.getInstance("SHA256withRSA");
        sig.initSign(k);
        sig.update(s.signedData());
        BigInteger n = k.getModulus();
        BigInteger sv = new BigInteger(1, sig.sign());
        s.bytes(SigStruct.MODULUS, Rsa3072.toLe(n, 384));
        s.bytes(SigStruct.SIGNATURE, Rsa3072.toLe(sv, 384));
        s.bytes(SigStruct.Q1, Rsa3072.toLe(Rsa3072.q1(sv, n), 384));
        s.bytes(SigStruct.Q2, Rsa3072.toLe(Rsa3072.q2(sv, n), 384));
        return s;
    }

    /** EENTER on {@code lp} (switched to CPL 3) through the TCS. */
    void enter(LogicalProcessor lp) {
        lp.cpl(3);
        lp.regs().rip = 0x40_1000;
        lp.enclu().eenter(base + TCS, 0x40_2000);
    }

    /** Writes bytes into the data page as enclave code would. */
    void poke(long offset, byte[] b) {
        java.lang.foreign.MemorySegment.copy(java.lang.foreign.MemorySegment.ofArray(b), 0, kit.data(dataPa),
                offset - DATA, b.length);
    }

    byte[] peek(long offset, int len) {
        return kit.data(dataPa).asSlice(offset - DATA, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }
}
