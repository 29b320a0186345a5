package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jsgx.cpu.PagingFaults.assertGp;
import static org.jsgx.cpu.PagingFaults.assertPf;

import java.util.Arrays;
import org.jsgx.cpu.testkit.TestEnclave;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one access path: abort pages outside enclave mode, ELRANGE and EPCM rules inside. */
class EnclaveMemoryAccessTest {
    static final long RAM = 0x5000_0000L;

    TestEnclave t;
    LogicalProcessor lp;
    long data;

    @BeforeEach
    void setUp() {
        t = TestEnclave.create();
        lp = t.app;
        data = t.dataPages.get(0);
    }

    @Test
    void outsideEnclaveModeTheEpcIsAnAbortPage() {
        byte[] before = t.content(data);
        byte[] ones = new byte[16];
        Arrays.fill(ones, (byte) 0xFF);
        assertThat(lp.enclaveRead(data, 16)).isEqualTo(ones);
        assertThat(lp.enclaveFetch(t.code, 16)).isEqualTo(ones);
        lp.enclaveWrite(data, new byte[16]);
        assertThat(t.content(data)).isEqualTo(before);
        assertThat(lp.enclaveTranslate(data, Access.READ)).isEqualTo(-1);
        lp.enclaveWrite(RAM, new byte[] {9});
        assertThat(lp.enclaveRead(RAM, 1)).containsExactly(9);
    }

    @Test
    void insideElrangeTheEpcmDecides() {
        t.enter();
        assertThat(lp.enclaveRead(data, 4096)).isEqualTo(t.content(data));
        lp.enclaveWrite(data + 10, new byte[] {1, 2});
        assertThat(t.content(data)[11]).isEqualTo((byte) 2);
        assertThat(lp.enclaveFetch(t.code, 4)).containsExactly(0x90, 0x90, 0x90, 0x90);
        assertThat(lp.enclaveTranslate(data + 5, Access.READ)).isEqualTo(data + 5);

        PageFault w = assertPf(() -> lp.enclaveWrite(t.code, new byte[1]), t.code);
        assertThat(w.errorCode()).isEqualTo(PageFault.PFEC_P | PageFault.PFEC_W | PageFault.PFEC_U | PageFault.PFEC_SGX);
        PageFault x = assertPf(() -> lp.enclaveFetch(data, 1), data);
        assertThat(x.errorCode() & PageFault.PFEC_I).isNotZero();
        assertPf(() -> lp.enclaveRead(t.tcs, 8), t.tcs);                      // PT_TCS
        assertPf(() -> lp.enclaveRead(TestEnclave.FREE, 8), TestEnclave.FREE); // not valid
        assertThat(lp.enclaveRead(t.ssa, 8)).hasSize(8);                     // SSA is PT_REG RW
        t.exit();
        assertThat(t.os.encls().eblock(data)).isEqualTo(SgxStatus.SGX_SUCCESS);
        t.enter();
        assertPf(() -> lp.enclaveRead(data, 8), data);                        // BLOCKED
    }

    @Test
    void outsideElrangeInEnclaveMode() {
        t.enter();
        assertGp(() -> lp.enclaveFetch(RAM, 1));
        lp.enclaveWrite(RAM, new byte[] {7, 8});
        assertThat(lp.enclaveRead(RAM, 2)).containsExactly(7, 8);
        // EPC outside ELRANGE (the SECS, a VA page): the EPCM address can never match
        assertPf(() -> lp.enclaveRead(TestEnclave.SECS, 8), TestEnclave.SECS);
        assertPf(() -> lp.enclaveWrite(TestEnclave.SECS, new byte[1]), TestEnclave.SECS);
    }

    @Test
    void accessesSplitAtPageBoundariesAndFaultingWritesChangeNothing() {
        t.enter();
        long last = t.dataPages.get(t.dataPages.size() - 1);
        byte[] before = t.content(last);
        // the page after the last data page is not an enclave page
        assertPf(() -> lp.enclaveWrite(last + 4090, new byte[12]), last + 4096);
        assertThat(t.content(last)).isEqualTo(before);
        // a fetch from a page that is not an enclave page
        long lastLa = TestEnclave.BASE + TestEnclave.SIZE - 4;
        assertPf(() -> lp.enclaveFetch(lastLa, 8), lastLa);
        // a read across two data pages works
        long a = t.dataPages.get(0);
        byte[] two = lp.enclaveRead(a + 4094, 4);
        assertThat(two[0]).isEqualTo(t.content(a)[4094]);
        assertThat(two[3]).isEqualTo(t.content(a + 4096)[1]);
    }

    @Test
    void fetchSplitAcrossTheElrangeBoundaryIsGp() {
        // an RX page at the top of ELRANGE (EAUG + EACCEPTCOPY of the code page)
        long top = TestEnclave.BASE + TestEnclave.SIZE - 4096;
        t.os.encls().eaug(t.pageinfo(top, 0, 0, TestEnclave.SECS), top);
        t.enter();
        long secinfo = t.dataPages.get(1);
        lp.enclaveWrite(secinfo, SecInfo.of(SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.X)).toByteArray());
        assertThat(lp.enclu().eacceptcopy(secinfo, top, t.code)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(lp.enclaveFetch(top + 4092, 4)).containsExactly(0x90, 0x90, 0x90, 0x90);
        assertGp(() -> lp.enclaveFetch(top + 4092, 8));
    }

    @Test
    void faultsReachTheSinkThroughAex() {
        long[] got = new long[3];
        t.platform.enclaveFaultSink((p, address, errorCode) -> {
            got[0] = p.id();
            got[1] = address;
            got[2] = errorCode;
        });
        t.enter();
        PageFault pf = assertPf(() -> lp.enclaveWrite(t.code + 0x10, new byte[1]), t.code + 0x10);
        lp.aex(pf, t.code);
        assertThat(got).containsExactly(lp.id(), t.code, pf.errorCode());
        assertThat(lp.enclaveMode()).isFalse();
    }
}
