package org.jsgx.x86;

import java.lang.foreign.MemorySegment;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.List;
import org.jsgx.cpu.Access;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Bytes;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.ExInfo;
import org.jsgx.cpu.GprSgx;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.Measurement;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.SgxCapabilities;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.cpu.SigStruct;
import org.jsgx.cpu.Tcs;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.SigStructSigner;
import org.jsgx.kernel.EnclaveBuilder;

/**
 * A launched enclave running {@link EnclaveCode}, built with the driver's ENCLS sequence
 * ({@link EnclaveBuilder}: ECREATE, EADD + EEXTEND of every page, EINIT of a SIGSTRUCT signed
 * with {@link RsaKeys} through {@link SigStructSigner}). Processors 1 and 2 are application
 * threads (CPL 3) with the process's page tables.
 *
 * <p>Layout (offsets from {@link #BASE}): TCS 0 and TCS 1 at 0x0 and 0x1000, their SSA frames
 * (NSSA 2) at 0x2000 and 0x4000, code (RX) at 0x10000, data (RW) at 0x20000-0x22000, a
 * read-only page at 0x30000, stacks at 0x40000 and 0x41000, per-thread FS/GS pages at 0x50000
 * and 0x51000; 0x80000 upwards is free for EAUG. Outside: untrusted memory at
 * {@link #UNTRUSTED} (ordinary RAM).
 */
final class X86TestEnclave {
    static final long BASE = 0x7f00_0000_0000L;
    static final long SIZE = 0x10_0000;
    static final long TCS0 = BASE, TCS1 = BASE + 0x1000;
    static final long CODE = BASE + 0x10000;
    static final long DATA = BASE + 0x20000, SHARED = BASE + 0x21000, SCRATCH = BASE + 0x22000;
    static final long READ_ONLY = BASE + 0x30000;
    static final long TLS0 = BASE + 0x50000, TLS1 = BASE + 0x51000;
    static final long FREE = BASE + 0x80000;
    /** Never added: inside ELRANGE, no EPC page behind it. */
    static final long HOLE = BASE + 0x60000;
    static final long UNTRUSTED = 0x4000_0000L;
    static final long CALLER_RIP = 0x40_1000L, AEP = 0x40_2000L, CALLER_RSP = 0x7ffc_0000L, CALLER_RBP = 0x7ffc_0100L;
    static final long TLS0_WORDS = 0x1111_1111_1111_1111L, TLS1_WORDS = 0x2222_2222_2222_2222L;
    private static final Attributes ATTRS = new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, Attributes.XFRM_LEGACY);

    private static RSAPrivateCrtKey key;

    final Platform platform;
    final EnclaveBuilder builder;
    final LogicalProcessor os;
    final List<long[]> faults = new ArrayList<>();

    X86TestEnclave() {
        this(SgxCapabilities.defaults());
    }

    X86TestEnclave(SgxCapabilities caps) {
        platform = Platform.builder().seed(7).capabilities(caps).cpus(3).build();
        os = platform.cpu(0);
        builder = new EnclaveBuilder(platform, os);
        Measurement m = new Measurement(1, SIZE);
        builder.ecreate(BASE, SIZE, 1, ATTRS, ExInfo.MISCSELECT_EXINFO);
        add(m, 0x0, tcs(0x2000, 0x50000), PageType.PT_TCS, 0);
        add(m, 0x1000, tcs(0x4000, 0x51000), PageType.PT_TCS, 0);
        for (long off = 0x2000; off < 0x6000; off += 0x1000) {
            add(m, off, new byte[4096], PageType.PT_REG, SecInfo.R | SecInfo.W);
        }
        byte[] code = java.util.Arrays.copyOf(EnclaveCode.BYTES, 4096);
        add(m, 0x10000, code, PageType.PT_REG, SecInfo.R | SecInfo.X);
        for (long off = 0x20000; off <= 0x22000; off += 0x1000) {
            add(m, off, new byte[4096], PageType.PT_REG, SecInfo.R | SecInfo.W);
        }
        add(m, 0x30000, new byte[4096], PageType.PT_REG, SecInfo.R);
        add(m, 0x40000, new byte[4096], PageType.PT_REG, SecInfo.R | SecInfo.W);
        add(m, 0x41000, new byte[4096], PageType.PT_REG, SecInfo.R | SecInfo.W);
        add(m, 0x50000, words(TLS0_WORDS), PageType.PT_REG, SecInfo.R | SecInfo.W);
        add(m, 0x51000, words(TLS1_WORDS), PageType.PT_REG, SecInfo.R | SecInfo.W);
        SigStruct sig = SigStructSigner.sign(SigStructFields.builder().enclaveHash(m.peekFinal()).attributes(ATTRS)
                .attributeMask(new Attributes(-1L, -1L)).miscSelect(ExInfo.MISCSELECT_EXINFO).miscMask(-1)
                .isvProdId(1).isvSvn(1).build(), key());
        builder.writeLeHash(sig.mrSigner());
        SgxStatus st = builder.einit(sig, null);
        if (st != SgxStatus.SGX_SUCCESS) {
            throw new IllegalStateException("EINIT: " + st);
        }
        for (int i = 1; i <= 2; i++) {
            platform.cpu(i).cpl(3);
            platform.cpu(i).addressSpace(this::translate);
        }
        platform.enclaveFaultSink((lp, address, errorCode) -> faults.add(new long[] {address, errorCode}));
    }

    /** Extra page-table entries (linear page → EPC frame) for pages EAUG'd after the build. */
    private final java.util.Map<Long, Long> augmented = new java.util.concurrent.ConcurrentHashMap<>();
    private long nextAugFrame = Platform.DEFAULT_EPC_BASE + 0x700_0000L;

    private long translate(long la, Access access, boolean user) {
        Long pa = augmented.get(la >>> 12);
        return pa != null ? pa | (la & 0xFFF) : builder.addressSpace().translate(la, access, user);
    }

    /** The driver's EAUG of a fresh EPC frame at {@code la}, mapped in the process's page tables. */
    void eaug(long la) {
        long frame = nextAugFrame;
        nextAugFrame += 0x1000;
        os.store(0x1000_0000L, org.jsgx.cpu.PageInfo.of(la, 0, 0, builder.secs()).toByteArray());
        os.encls().eaug(0x1000_0000L, frame);
        augmented.put(la >>> 12, frame);
    }

    private static synchronized RSAPrivateCrtKey key() {
        if (key == null) {
            key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        }
        return key;
    }

    private static byte[] tcs(long ossa, long fsgs) {
        return Tcs.allocate().ossa(ossa).nssa(2).oentry(0x10000).ofsbasgx(fsgs).ogsbasgx(fsgs).toByteArray();
    }

    private static byte[] words(long w) {
        byte[] b = new byte[4096];
        for (int i = 0; i < 4096; i += 8) {
            System.arraycopy(Bytes.le64(w + i), 0, b, i, 8);
        }
        return b;
    }

    private void add(Measurement m, long off, byte[] content, PageType type, long perms) {
        long flags = SecInfo.flags(type, perms);
        long epc = builder.eadd(off, flags, content);
        m.eadd(off, flags);
        for (int c = 0; c < 4096; c += Measurement.CHUNK) {
            builder.eextend(epc, c);
            m.eextend(off + c, content, c);
        }
    }

    LogicalProcessor cpu(int i) {
        return platform.cpu(i);
    }

    /**
     * The untrusted caller's EENTER: RDI = function, then RSI, RDX, R8, R9, R10, R12 from
     * {@code args}; RIP = {@link #CALLER_RIP}.
     */
    void eenter(LogicalProcessor lp, long tcs, int function, long... args) {
        var r = lp.regs();
        r.rip = CALLER_RIP;
        r.rsp = CALLER_RSP;
        r.rbp = CALLER_RBP;
        r.rdi = function;
        long[] a = java.util.Arrays.copyOf(args, 6);
        r.rsi = a[0];
        r.rdx = a[1];
        r.r8 = a[2];
        r.r9 = a[3];
        r.r10 = a[4];
        r.r12 = a[5];
        r.r11 = 0;
        // ENCLU[EENTER] as the caller executes it: EAX = 2, RBX = TCS, RCX = AEP
        r.rax = org.jsgx.cpu.Enclu.EENTER;
        r.rbx = tcs;
        r.rcx = AEP;
        lp.enclu().execute();
    }

    /** The AEP's ERESUME. */
    void eresume(LogicalProcessor lp, long tcs) {
        var r = lp.regs();
        r.rax = org.jsgx.cpu.Enclu.ERESUME;
        r.rbx = tcs;
        r.rcx = AEP;
        lp.enclu().execute();
    }

    /** The EPC frame behind enclave address {@code la}. */
    EpcPage page(long la) {
        return platform.epc().page(translate(la, Access.READ, true));
    }

    /** GPRSGX of SSA frame {@code frame} of {@code tcs} (frames of one page). */
    GprSgx gpr(long tcs, int frame) {
        long ossa = new Tcs(page(tcs).data()).ossa();
        return GprSgx.ofFrame(page(BASE + ossa + 0x1000L * frame).data());
    }

    ExInfo exinfo(long tcs, int frame) {
        long ossa = new Tcs(page(tcs).data()).ossa();
        return ExInfo.ofFrame(page(BASE + ossa + 0x1000L * frame).data());
    }

    Tcs tcsView(long tcs) {
        return new Tcs(page(tcs).data());
    }

    long u64(long untrusted) {
        return Bytes.le64(os.load(untrusted, 8), 0);
    }

    void u64(long untrusted, long v) {
        os.store(untrusted, Bytes.le64(v));
    }

    long enclaveU64(long la) {
        MemorySegment d = page(la).data();
        return d.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, la & 0xFFF);
    }
}
