package org.jsgx.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jsgx.x86.X86TestEnclave.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.jsgx.cpu.Bytes;
import org.jsgx.cpu.KeyRequest;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.Report;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.TargetInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ENCLU leaves called by enclave code (EREPORT, EGETKEY) and two threads inside at once. */
class EnclaveServicesTest {
    X86TestEnclave e;
    X86Engine engine;

    @BeforeAll
    static void unicorn() {
        X86Available.assume();
    }

    @BeforeEach
    void setUp() {
        e = new X86TestEnclave();
        engine = new X86Engine();
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    @Test
    void ereportToItselfVerifiesWithTheReportKeyFromEgetkey() {
        Secs secs = e.builder.secsView();
        MemorySegment data = e.page(DATA).data();
        // TARGETINFO = this enclave, REPORTDATA = a pattern, KEYREQUEST = REPORT_KEY
        TargetInfo ti = new TargetInfo(data.asSlice(0, TargetInfo.SIZE));
        MemorySegment.copy(secs.mrEnclave(), 0, data, ValueLayout.JAVA_BYTE, TargetInfo.MEASUREMENT, 32);
        ti.attributes(TargetInfo.ATTRIBUTES, secs.attributes());
        data.set(ValueLayout.JAVA_INT_UNALIGNED, TargetInfo.MISCSELECT, secs.miscSelect());
        byte[] reportData = new byte[64];
        for (int i = 0; i < 64; i++) {
            reportData[i] = (byte) (3 * i + 1);
        }
        MemorySegment.copy(reportData, 0, data, ValueLayout.JAVA_BYTE, 0x200, 64);
        data.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0x800 + KeyRequest.KEYNAME, (short) KeyRequest.REPORT_KEY);
        assertThat(ti).isNotNull();

        LogicalProcessor lp = e.cpu(1);
        e.eenter(lp, TCS0, EnclaveCode.REPORT_KEY, UNTRUSTED, 0, DATA, DATA + 0x200, DATA + 0x400, DATA + 0x800);
        engine.run(lp);
        assertThat(lp.regs().rip).as("EEXIT (no AEX: EXITINFO 0x%x at 0x%x)", e.gpr(TCS0, 0).exitInfo(),
                e.gpr(TCS0, 0).reg(org.jsgx.cpu.GprSgx.RIP)).isEqualTo(CALLER_RIP);
        assertThat(e.u64(UNTRUSTED)).as("EGETKEY status").isZero();

        byte[] report = data.asSlice(0x400, Report.SIZE).toArray(ValueLayout.JAVA_BYTE);
        assertThat(Arrays.copyOfRange(report, Report.MRENCLAVE, Report.MRENCLAVE + 32)).isEqualTo(secs.mrEnclave());
        assertThat(Arrays.copyOfRange(report, Report.MRSIGNER, Report.MRSIGNER + 32)).isEqualTo(secs.mrSigner());
        assertThat(Arrays.copyOfRange(report, Report.REPORTDATA, Report.REPORTDATA + 64)).isEqualTo(reportData);
        // the key the enclave copied out verifies the MAC of the report it made for itself
        byte[] key = new byte[16];
        System.arraycopy(Bytes.le64(e.u64(UNTRUSTED + 8)), 0, key, 0, 8);
        System.arraycopy(Bytes.le64(e.u64(UNTRUSTED + 16)), 0, key, 8, 8);
        CMac cmac = new CMac(AESEngine.newInstance());
        cmac.init(new KeyParameter(key));
        cmac.update(report, 0, Report.BODY_SIZE);
        byte[] mac = new byte[16];
        cmac.doFinal(mac, 0);
        assertThat(Arrays.copyOfRange(report, Report.MAC, Report.MAC + 16)).isEqualTo(mac);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twoThreadsInsideTheSameEnclaveAtOnce() throws Exception {
        // each thread waits inside the enclave until the other is in: only possible when both
        // threads really execute the enclave at the same time
        // (two platform threads of their own: the common pool may have a single worker)
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            rendezvousAndAtomics(threads);
        } finally {
            threads.shutdownNow();
        }
    }

    private void rendezvousAndAtomics(ExecutorService threads) throws Exception {
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> call(e.cpu(1), TCS0, EnclaveCode.RENDEZVOUS, 0),
                threads);
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> call(e.cpu(2), TCS1, EnclaveCode.RENDEZVOUS, 0),
                threads);
        CompletableFuture.allOf(a, b).get(30, TimeUnit.SECONDS);
        assertThat(e.enclaveU64(SHARED + 128)).isEqualTo(2);

        // LOCK INC and an XCHG spinlock around a plain increment lose nothing across threads
        long n = 100_000;
        e.u64(UNTRUSTED, n);
        e.u64(UNTRUSTED + 0x100, n);
        a = CompletableFuture.runAsync(() -> call(e.cpu(1), TCS0, EnclaveCode.ATOMICS, 0), threads);
        b = CompletableFuture.runAsync(() -> call(e.cpu(2), TCS1, EnclaveCode.ATOMICS, 0x100), threads);
        CompletableFuture.allOf(a, b).get(30, TimeUnit.SECONDS);
        assertThat(e.enclaveU64(SHARED)).as("lock inc").isEqualTo(2 * n);
        assertThat(e.enclaveU64(SHARED + 8)).as("spinlock-protected increment").isEqualTo(2 * n);
        assertThat(e.cpu(1).regs().rip).isEqualTo(CALLER_RIP);
        assertThat(e.cpu(2).regs().rip).isEqualTo(CALLER_RIP);
    }

    private void call(LogicalProcessor lp, long tcs, int function, long untrustedOffset) {
        e.eenter(lp, tcs, function, UNTRUSTED + untrustedOffset, SHARED);
        engine.run(lp);
        if (lp.regs().rip != CALLER_RIP) {
            throw new AssertionError("thread on TCS 0x" + Long.toHexString(tcs) + " left by AEX");
        }
    }
}
