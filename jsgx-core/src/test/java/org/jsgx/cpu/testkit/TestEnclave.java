package org.jsgx.cpu.testkit;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Bytes;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.EpcmEntry;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.Measurement;
import org.jsgx.cpu.PageInfo;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SecsState;
import org.jsgx.cpu.SgxCapabilities;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.cpu.SigStruct;
import org.jsgx.cpu.Tcs;

/**
 * An initialised enclave on a fresh platform, built with the real leaves: ECREATE, EADD and
 * EEXTEND of every page, EINIT with a SIGSTRUCT signed by {@link SigningKey} whose MRSIGNER is
 * written to the launch-control MSRs (no token needed). The measurement is computed alongside
 * with {@link Measurement}, so EINIT checks it.
 *
 * <p>Paging is the identity map, so the ELRANGE lies inside the EPC's physical range: enclave
 * page at linear address {@code la} is EPC frame {@code la}. {@link #os} (CPU 0) runs at CPL 0
 * for ENCLS; {@link #app} (CPU 1) runs at CPL 3 for ENCLU.
 *
 * <p>Layout (offsets from BASEADDR): TCS at 0, NSSA SSA frames of one page from 0x1000, one
 * RX code page, then the RW data pages with pseudo-random content; the upper half of the 1 MiB
 * ELRANGE is left free for EAUG. The SECS sits in the EPC outside ELRANGE.
 */
public final class TestEnclave {
    public static final long EPC = Platform.DEFAULT_EPC_BASE;
    public static final long BASE = EPC;
    public static final long SIZE = 0x10_0000;
    /** First linear address EAUG tests may use. */
    public static final long FREE = BASE + SIZE / 2;
    public static final long SECS = EPC + 0x400_0000;
    /** EPC frames for VA pages, one per {@link #newVa()}. */
    public static final long VA_AREA = EPC + 0x500_0000;
    /** Spare EPC frames (e.g. to reload a SECS elsewhere). */
    public static final long SPARE = EPC + 0x600_0000;

    /** Ordinary memory for leaf operands. */
    public static final long PAGEINFO = 0x1000_0000L;
    public static final long SECINFO = 0x1000_0100L;
    public static final long SRC = 0x1000_1000L;
    public static final long SIGSTRUCT = 0x1000_2000L;
    public static final long TOKEN = 0x1000_3000L;
    /** Backing store for evicted pages: slot i has its page at {@link #backingPage} and PCMD. */
    public static final long BACKING = 0x2000_0000L;
    /** Outside-enclave addresses of the untrusted caller. */
    public static final long AEP = 0x4000_1000L;
    public static final long CALLER_RIP = 0x4000_0000L;
    public static final long CALLER_RSP = 0x3000_0F00L;
    public static final long CALLER_RBP = 0x3000_0F80L;

    public final Platform platform;
    public final LogicalProcessor os;
    public final LogicalProcessor app;
    public final long tcs = BASE;
    public final long ssa = BASE + 0x1000;
    public final long code;
    public final List<Long> dataPages = new ArrayList<>();
    public final int nssa;
    public final int miscSelect;
    public final byte[] mrEnclave;
    private int nextVa;

    private TestEnclave(Builder b) {
        platform = Platform.builder().seed(b.seed).capabilities(b.caps).cpus(2).build();
        os = platform.cpu(0);
        os.cpl(0);
        app = platform.cpu(1);
        app.cpl(3);
        nssa = b.nssa;
        miscSelect = b.miscSelect;
        code = ssa + 0x1000L * nssa;

        Secs s = Secs.allocate().size(SIZE).baseAddr(BASE).ssaFrameSize(1).miscSelect(miscSelect)
                .attributes(new Attributes(Attributes.DEBUG | Attributes.MODE64BIT, Attributes.XFRM_LEGACY));
        Measurement m = new Measurement(1, SIZE);
        os.store(SRC, s.toByteArray());
        os.store(SECINFO, SecInfo.of(SecInfo.flags(PageType.PT_SECS, 0)).toByteArray());
        os.store(PAGEINFO, PageInfo.of(0, SRC, SECINFO, 0).toByteArray());
        os.encls().ecreate(PAGEINFO, SECS);

        Tcs t = Tcs.allocate().ossa(ssa - BASE).nssa(nssa).oentry(code - BASE);
        add(m, tcs, t.toByteArray(), SecInfo.flags(PageType.PT_TCS, 0));
        for (int i = 0; i < nssa; i++) {
            add(m, ssa + 0x1000L * i, new byte[4096], SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W));
        }
        byte[] codeBytes = new byte[4096];
        java.util.Arrays.fill(codeBytes, (byte) 0x90); // NOPs
        add(m, code, codeBytes, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.X));
        Random rnd = new Random(b.seed);
        for (int i = 0; i < b.dataPages; i++) {
            long la = code + 0x1000L * (i + 1);
            byte[] content = new byte[4096];
            rnd.nextBytes(content);
            add(m, la, content, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W));
            dataPages.add(la);
        }
        mrEnclave = m.peekFinal();
        if (b.init) {
            SgxStatus st = einit(s, mrEnclave);
            if (st != SgxStatus.SGX_SUCCESS) {
                throw new IllegalStateException("EINIT failed: " + st);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A default enclave: 4 data pages, NSSA 2, MISCSELECT.EXINFO, SGX2 platform. */
    public static TestEnclave create() {
        return builder().build();
    }

    private void add(Measurement m, long la, byte[] content, long flags) {
        os.store(SRC, content);
        os.store(SECINFO, SecInfo.of(flags).toByteArray());
        os.store(PAGEINFO, PageInfo.of(la, SRC, SECINFO, SECS).toByteArray());
        os.encls().eadd(PAGEINFO, la);
        m.eadd(la - BASE, flags);
        for (int off = 0; off < 4096; off += Measurement.CHUNK) {
            os.encls().eextend(SECS, la + off);
            m.eextend(la - BASE + off, content, off);
        }
    }

    private SgxStatus einit(Secs secs, byte[] hash) {
        SigningKey key = SigningKey.shared();
        SigStruct sig = SigStruct.template();
        sig.u32(SigStruct.MISCSELECT, secs.miscSelect());
        sig.u32(SigStruct.MISCMASK, -1);
        sig.attributes(SigStruct.ATTRIBUTES, secs.attributes());
        sig.attributes(SigStruct.ATTRIBUTEMASK, new Attributes(-1L, -1L));
        sig.bytes(SigStruct.ENCLAVEHASH, hash);
        sig.u16(SigStruct.ISVPRODID, 7);
        sig.u16(SigStruct.ISVSVN, 1);
        key.sign(sig);
        byte[] signer = key.mrSigner();
        for (int i = 0; i < 4; i++) {
            os.wrmsrLeHash(i, Bytes.le64(signer, 8 * i));
        }
        os.store(SIGSTRUCT, sig.toByteArray());
        os.store(TOKEN, new byte[304]);
        return os.encls().einit(SIGSTRUCT, SECS, TOKEN);
    }

    // ---- inspection ----

    public EpcPage page(long la) {
        return platform.epc().page(la);
    }

    public EpcmEntry epcm(long la) {
        return page(la).epcm();
    }

    public byte[] content(long la) {
        return page(la).data().toArray(ValueLayout.JAVA_BYTE);
    }

    /** The hidden SECS state, resident or evicted. */
    public SecsState secsState() {
        SecsState s = page(SECS).secsState();
        return s != null ? s : platform.evictedSecs().values().iterator().next();
    }

    public Secs secs() {
        return new Secs(page(SECS).data());
    }

    public Tcs tcsView() {
        return new Tcs(page(tcs).data());
    }

    // ---- operand helpers (ordinary memory) ----

    /** Writes a PAGEINFO at {@link #PAGEINFO} and returns its address. */
    public long pageinfo(long linaddr, long srcpge, long secinfoOrPcmd, long secs) {
        os.store(PAGEINFO, PageInfo.of(linaddr, srcpge, secinfoOrPcmd, secs).toByteArray());
        return PAGEINFO;
    }

    /** Writes a SECINFO with {@code flags} at {@link #SECINFO} and returns its address. */
    public long secinfo(long flags) {
        os.store(SECINFO, SecInfo.of(flags).toByteArray());
        return SECINFO;
    }

    public static long backingPage(int slot) {
        return BACKING + 0x2000L * slot;
    }

    public static long backingPcmd(int slot) {
        return BACKING + 0x2000L * slot + 0x1000;
    }

    // ---- paging helpers ----

    /** EPA of the next free VA frame; returns its address. */
    public long newVa() {
        long va = VA_AREA + 0x1000L * nextVa++;
        os.encls().epa(va);
        return va;
    }

    /** EWB of {@code la} into backing slot {@code slot} and VA slot {@code vaSlot}. */
    public SgxStatus ewb(long la, long vaSlot, int slot) {
        return os.encls().ewb(pageinfo(0, backingPage(slot), backingPcmd(slot), 0), la, vaSlot);
    }

    /** ELDU of backing slot {@code slot} at {@code la} (LINADDR {@code linaddr}, SECS {@code secs}). */
    public SgxStatus eldu(long la, long linaddr, long secs, long vaSlot, int slot) {
        return os.encls().eldu(pageinfo(linaddr, backingPage(slot), backingPcmd(slot), secs), la, vaSlot);
    }

    /** ELDU of a child page back where it was. */
    public SgxStatus eldu(long la, long vaSlot, int slot) {
        return eldu(la, la, SECS, vaSlot, slot);
    }

    /** EBLOCK + ETRACK + EWB of a child page: the driver's reclaim sequence. */
    public SgxStatus evict(long la, long vaSlot, int slot) {
        expect(os.encls().eblock(la), SgxStatus.SGX_SUCCESS, "EBLOCK");
        expect(os.encls().etrack(SECS), SgxStatus.SGX_SUCCESS, "ETRACK");
        return ewb(la, vaSlot, slot);
    }

    private static void expect(SgxStatus got, SgxStatus want, String what) {
        if (got != want) {
            throw new IllegalStateException(what + " returned " + got);
        }
    }

    // ---- enclave entry ----

    /** EENTER through the TCS on {@link #app} from the caller's state. */
    public void enter() {
        var r = app.regs();
        r.rsp = CALLER_RSP;
        r.rbp = CALLER_RBP;
        r.rip = CALLER_RIP;
        app.enclu().eenter(tcs, AEP);
    }

    /** EEXIT back to the caller. */
    public void exit() {
        app.enclu().eexit(CALLER_RIP + 2);
    }

    public static final class Builder {
        private long seed = 1;
        private SgxCapabilities caps = SgxCapabilities.defaults();
        private int dataPages = 4;
        private int nssa = 2;
        private int miscSelect = 1;
        private boolean init = true;

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder sgx1Only() {
            caps = SgxCapabilities.sgx1Only();
            return this;
        }

        public Builder dataPages(int n) {
            dataPages = n;
            return this;
        }

        public Builder nssa(int n) {
            nssa = n;
            return this;
        }

        public Builder miscSelect(int m) {
            miscSelect = m;
            return this;
        }

        /** Leaves the enclave uninitialised (no EINIT). */
        public Builder uninitialized() {
            init = false;
            return this;
        }

        public TestEnclave build() {
            return new TestEnclave(this);
        }
    }
}
