package org.jsgx.bench;

import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Encls;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.PageInfo;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SgxStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * EPC paging cost: one 4 KiB page evicted and reloaded (EBLOCK + ETRACK + EWB + ELDU, the
 * driver's reclaim and fault-in sequence) against the floor set by the cryptography alone
 * (AES-128-GCM encrypt + decrypt of 4 KiB with the JDK). The ratio of the two throughputs is
 * the model's overhead; the target is at least 0.6.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@org.openjdk.jmh.annotations.Measurement(iterations = 5, time = 1)
@Fork(1)
public class PagingBenchmark {
    private static final long EPC = Platform.DEFAULT_EPC_BASE;
    private static final long PAGE = EPC;
    private static final long SECS = EPC + 0x400_0000;
    private static final long VA = EPC + 0x500_0000;
    private static final long PI_EWB = 0x1000_0000L;
    private static final long PI_ELDU = 0x1000_0040L;
    private static final long SECINFO = 0x1000_0100L;
    private static final long PCMD = 0x1000_0200L;
    private static final long SRC = 0x1000_1000L;
    private static final long BACKING = 0x1000_2000L;
    private static final byte[] ZERO_LINADDR = new byte[8];

    private Encls encls;
    private LogicalProcessor lp;

    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] plain = new byte[4096];
    private final byte[] sealed = new byte[4096 + 16];
    private final byte[] opened = new byte[4096];
    private final byte[] iv = new byte[12];
    private long counter;

    @Setup
    public void setUp() throws Exception {
        Platform platform = Platform.create();
        lp = platform.cpu(0);
        lp.cpl(0);
        encls = lp.encls();
        Secs secs = Secs.allocate().size(0x10000).baseAddr(EPC).ssaFrameSize(1)
                .attributes(new Attributes(Attributes.MODE64BIT, Attributes.XFRM_LEGACY));
        lp.store(SRC, secs.toByteArray());
        lp.store(SECINFO, SecInfo.of(SecInfo.flags(PageType.PT_SECS, 0)).toByteArray());
        lp.store(PI_EWB, PageInfo.of(0, SRC, SECINFO, 0).toByteArray());
        encls.ecreate(PI_EWB, SECS);
        byte[] content = new byte[4096];
        new java.util.Random(1).nextBytes(content);
        lp.store(SRC, content);
        lp.store(SECINFO, SecInfo.of(SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W)).toByteArray());
        lp.store(PI_EWB, PageInfo.of(PAGE, SRC, SECINFO, SECS).toByteArray());
        encls.eadd(PI_EWB, PAGE);
        encls.epa(VA);
        lp.store(PI_EWB, PageInfo.of(0, BACKING, PCMD, 0).toByteArray());
        lp.store(PI_ELDU, PageInfo.of(PAGE, BACKING, PCMD, SECS).toByteArray());

        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        key = new SecretKeySpec(platform.fuses().basePk(), "AES");
        System.arraycopy(content, 0, plain, 0, 4096);
    }

    /** Evict and reload one page: EBLOCK, ETRACK, EWB, ELDU. */
    @Benchmark
    public long ewbEldu() {
        check(encls.eblock(PAGE));
        check(encls.etrack(SECS));
        lp.store(PI_EWB, ZERO_LINADDR); // EWB wrote LINADDR back; its input must be 0
        check(encls.ewb(PI_EWB, PAGE, VA));
        check(encls.eldu(PI_ELDU, PAGE, VA));
        return lp.regs().rax;
    }

    /** The floor: AES-128-GCM encryption and decryption of 4 KiB with a fresh IV. */
    @Benchmark
    public byte[] aesGcmBaseline() throws Exception {
        long v = ++counter;
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (v >>> (8 * i));
        }
        GCMParameterSpec spec = new GCMParameterSpec(128, iv);
        cipher.init(Cipher.ENCRYPT_MODE, key, spec);
        cipher.doFinal(plain, 0, 4096, sealed, 0);
        cipher.init(Cipher.DECRYPT_MODE, key, spec);
        cipher.doFinal(sealed, 0, sealed.length, opened, 0);
        return opened;
    }

    private static void check(SgxStatus s) {
        if (s != SgxStatus.SGX_SUCCESS) {
            throw new IllegalStateException("leaf returned " + s);
        }
    }
}
