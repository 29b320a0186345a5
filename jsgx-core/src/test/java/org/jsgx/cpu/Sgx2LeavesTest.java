package org.jsgx.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jsgx.cpu.PagingFaults.assertGp;
import static org.jsgx.cpu.PagingFaults.assertPf;
import static org.jsgx.cpu.PagingFaults.whileBusy;

import org.jsgx.cpu.testkit.TestEnclave;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EAUG, EMODPR, EMODT, EACCEPT, EACCEPTCOPY, EMODPE: flows end to end, errors and faults. */
class Sgx2LeavesTest {
    static final long REG = SecInfo.flags(PageType.PT_REG, 0);
    static final long ACCEPT_AUG = REG | SecInfo.R | SecInfo.W | SecInfo.PENDING;        // 0x20B
    static final long ACCEPT_PR_R = REG | SecInfo.R | SecInfo.PR;                        // 0x221
    static final long ACCEPT_TCS = SecInfo.flags(PageType.PT_TCS, 0) | SecInfo.MODIFIED; // 0x110
    static final long ACCEPT_TRIM = SecInfo.flags(PageType.PT_TRIM, 0) | SecInfo.MODIFIED; // 0x410

    TestEnclave t;
    Encls encls;
    Enclu enclu;
    long aug = TestEnclave.FREE;
    long data;
    /** An enclave page where the enclave writes its SECINFO operands. */
    long scratch;

    @BeforeEach
    void setUp() {
        t = TestEnclave.create();
        encls = t.os.encls();
        enclu = t.app.enclu();
        data = t.dataPages.get(0);
        scratch = t.dataPages.get(3);
    }

    /** Writes a SECINFO inside the enclave (the thread must be inside); returns its address. */
    long si(long flags) {
        t.app.enclaveWrite(scratch, SecInfo.of(flags).toByteArray());
        return scratch;
    }

    void eaug(long la) {
        encls.eaug(t.pageinfo(la, 0, 0, TestEnclave.SECS), la);
    }

    @Test
    void eaugThenEaccept() {
        long children = t.secsState().children();
        t.page(aug).data().fill((byte) 0x33);
        eaug(aug);
        EpcmEntry e = t.epcm(aug);
        assertThat(e.pending()).isTrue();
        assertThat(e.perms()).isEqualTo(SecInfo.R | SecInfo.W);
        assertThat(e.enclaveAddress()).isEqualTo(aug);
        assertThat(t.secsState().children()).isEqualTo(children + 1);
        assertThat(Bytes.allZero(t.content(aug))).isTrue();
        t.enter();
        assertPf(() -> t.app.enclaveRead(aug, 8), aug);
        assertThat(enclu.eaccept(si(ACCEPT_AUG), aug)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.app.regs().zf()).isFalse();
        assertThat(e.pending()).isFalse();
        t.app.enclaveWrite(aug, new byte[] {1, 2, 3});
        assertThat(t.app.enclaveRead(aug, 4)).containsExactly(1, 2, 3, 0);
        // accepting again: the page is no longer PENDING
        assertThat(enclu.eaccept(si(ACCEPT_AUG), aug)).isEqualTo(SgxStatus.SGX_PAGE_ATTRIBUTES_MISMATCH);
        assertThat(t.app.regs().rax).isEqualTo(19);
        t.exit();
        assertThat(t.secs().mrEnclave()).isEqualTo(t.mrEnclave);
    }

    @Test
    void eaugErrors() {
        long pi = t.pageinfo(aug, 0, 0, TestEnclave.SECS);
        assertGp(() -> encls.eaug(pi + 8, aug));
        assertGp(() -> encls.eaug(pi, aug + 8));
        assertPf(() -> encls.eaug(pi, 0x5000_0000L), 0x5000_0000L);
        assertGp(() -> encls.eaug(t.pageinfo(aug, 0, 0, TestEnclave.SECS + 8), aug));
        assertGp(() -> encls.eaug(t.pageinfo(aug + 8, 0, 0, TestEnclave.SECS), aug));
        assertGp(() -> encls.eaug(t.pageinfo(aug, TestEnclave.SRC, 0, TestEnclave.SECS), aug));
        assertGp(() -> encls.eaug(t.pageinfo(aug, 0, TestEnclave.SECINFO, TestEnclave.SECS), aug));
        assertPf(() -> encls.eaug(t.pageinfo(aug, 0, 0, 0x5000_0000L), aug), 0x5000_0000L);
        assertPf(() -> encls.eaug(t.pageinfo(aug, 0, 0, TestEnclave.SECS), data), data);
        assertPf(() -> encls.eaug(t.pageinfo(aug, 0, 0, data), aug), data);
        assertGp(() -> encls.eaug(t.pageinfo(TestEnclave.BASE + TestEnclave.SIZE, 0, 0, TestEnclave.SECS), aug));
        long ok = t.pageinfo(aug, 0, 0, TestEnclave.SECS);
        whileBusy(t.page(aug), () -> assertGp(() -> encls.eaug(ok, aug)));
        whileBusy(t.page(TestEnclave.SECS), () -> assertGp(() -> encls.eaug(ok, aug)));
        assertThat(t.epcm(aug).valid()).isFalse();

        TestEnclave u = TestEnclave.builder().uninitialized().build();
        assertGp(() -> u.os.encls().eaug(u.pageinfo(aug, 0, 0, TestEnclave.SECS), aug));
        assertThat(u.epcm(aug).valid()).isFalse();
    }

    @Test
    void emodprThenEtrackThenEaccept() {
        assertThat(encls.emodpr(t.secinfo(SecInfo.R), data)).isEqualTo(SgxStatus.SGX_SUCCESS);
        EpcmEntry e = t.epcm(data);
        assertThat(e.pr()).isTrue();
        assertThat(e.perms()).isEqualTo(SecInfo.R);
        t.enter();
        assertPf(() -> t.app.enclaveWrite(data, new byte[1]), data);
        // out of order: no ETRACK yet, and this thread entered before it
        assertThat(enclu.eaccept(si(ACCEPT_PR_R), data)).isEqualTo(SgxStatus.SGX_NOT_TRACKED);
        assertThat(t.app.regs().rax).isEqualTo(11);
        assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(enclu.eaccept(si(ACCEPT_PR_R), data)).isEqualTo(SgxStatus.SGX_NOT_TRACKED);
        t.exit();
        t.enter();
        assertThat(enclu.eaccept(si(ACCEPT_PR_R | SecInfo.W), data)).isEqualTo(SgxStatus.SGX_PAGE_ATTRIBUTES_MISMATCH);
        assertThat(enclu.eaccept(si(ACCEPT_PR_R), data)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(e.pr()).isFalse();
        assertThat(e.perms()).isEqualTo(SecInfo.R);
        t.exit();
    }

    @Test
    void emodprErrors() {
        assertGp(() -> encls.emodpr(t.secinfo(SecInfo.R) + 8, data));
        assertGp(() -> encls.emodpr(t.secinfo(SecInfo.R), data + 8));
        assertGp(() -> encls.emodpr(t.secinfo(SecInfo.W), data));
        assertGp(() -> encls.emodpr(t.secinfo(SecInfo.R | SecInfo.PENDING), data));
        assertGp(() -> encls.emodpr(t.secinfo(REG | SecInfo.R), data));
        assertPf(() -> encls.emodpr(t.secinfo(SecInfo.R), TestEnclave.FREE), TestEnclave.FREE);
        assertPf(() -> encls.emodpr(t.secinfo(SecInfo.R), t.tcs), t.tcs);
        whileBusy(t.page(data), () -> assertGp(() -> encls.emodpr(t.secinfo(SecInfo.R), data)));
        eaug(aug);
        assertThat(encls.emodpr(t.secinfo(SecInfo.R), aug)).isEqualTo(SgxStatus.SGX_PAGE_NOT_MODIFIABLE);
        assertThat(t.os.regs().rax).isEqualTo(20);
        assertThat(t.epcm(data).pr()).isFalse();
        assertThat(t.epcm(data).perms()).isEqualTo(SecInfo.R | SecInfo.W);

        TestEnclave u = TestEnclave.builder().uninitialized().build();
        assertGp(() -> u.os.encls().emodpr(u.secinfo(SecInfo.R), u.dataPages.get(0)));
    }

    @Test
    void emodpeExtendsPermissionsAtOnce() {
        assertThat(encls.emodpr(t.secinfo(0), data)).isEqualTo(SgxStatus.SGX_SUCCESS);
        encls.etrack(TestEnclave.SECS);
        t.enter();
        assertThat(enclu.eaccept(si(REG | SecInfo.PR), data)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.epcm(data).perms()).isZero();
        // W without R would result
        assertGp(() -> enclu.emodpe(si(SecInfo.W), data));
        enclu.emodpe(si(SecInfo.R), data);
        assertThat(t.epcm(data).perms()).isEqualTo(SecInfo.R);
        enclu.emodpe(si(SecInfo.W | SecInfo.X), data);
        assertThat(t.epcm(data).perms()).isEqualTo(SecInfo.RWX);
        t.app.enclaveFetch(data, 16);
        t.exit();
    }

    @Test
    void emodpeErrors() {
        eaug(aug);
        t.enter();
        long s = si(SecInfo.X);
        assertGp(() -> enclu.emodpe(s + 8, data));
        assertGp(() -> enclu.emodpe(s, data + 8));
        assertGp(() -> enclu.emodpe(0x5000_0000L, data));
        assertGp(() -> enclu.emodpe(s, 0x5000_0000L));
        assertPf(() -> enclu.emodpe(aug, data), aug);            // SECINFO page PENDING
        assertPf(() -> enclu.emodpe(s, aug), aug);                // target PENDING
        assertPf(() -> enclu.emodpe(s, t.tcs), t.tcs);            // not PT_REG
        assertGp(() -> enclu.emodpe(si(SecInfo.X | (1L << 6)), data));
        whileBusy(t.page(data), () -> assertGp(() -> enclu.emodpe(si(SecInfo.X), data)));
        assertThat(t.epcm(data).x()).isFalse();
        t.exit();
        assertGp(() -> enclu.emodpe(scratch, data)); // outside enclave mode
    }

    @Test
    void emodtToTcsThenEacceptThenEnter() {
        // two EAUG pages: the new TCS and its SSA frame
        long newTcs = aug;
        long newSsa = aug + 0x1000;
        eaug(newTcs);
        eaug(newSsa);
        t.enter();
        assertThat(enclu.eaccept(si(ACCEPT_AUG), newTcs)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(enclu.eaccept(si(ACCEPT_AUG), newSsa)).isEqualTo(SgxStatus.SGX_SUCCESS);
        Tcs tcs = Tcs.allocate().ossa(newSsa - TestEnclave.BASE).nssa(1).oentry(t.code - TestEnclave.BASE);
        t.app.enclaveWrite(newTcs, tcs.toByteArray());
        t.exit();
        assertThat(encls.emodt(t.secinfo(SecInfo.flags(PageType.PT_TCS, 0)), newTcs)).isEqualTo(SgxStatus.SGX_SUCCESS);
        EpcmEntry e = t.epcm(newTcs);
        assertThat(e.pageType()).isEqualTo(PageType.PT_TCS);
        assertThat(e.modified()).isTrue();
        assertThat(e.perms()).isZero();
        // not usable before it is accepted
        assertPf(() -> t.app.enclu().eenter(newTcs, TestEnclave.AEP), newTcs);
        t.enter();
        assertThat(enclu.eaccept(si(ACCEPT_TCS), newTcs)).isEqualTo(SgxStatus.SGX_NOT_TRACKED);
        t.exit();
        assertThat(encls.etrack(TestEnclave.SECS)).isEqualTo(SgxStatus.SGX_SUCCESS);
        t.enter();
        assertThat(enclu.eaccept(si(ACCEPT_TCS), newTcs)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(e.modified()).isFalse();
        t.exit();
        t.app.regs().rip = TestEnclave.CALLER_RIP;
        t.app.enclu().eenter(newTcs, TestEnclave.AEP);
        assertThat(t.app.regs().rip).isEqualTo(t.code);
        assertThat(t.app.tcsLinearAddress()).isEqualTo(newTcs);
        t.app.enclu().eexit(TestEnclave.CALLER_RIP);
    }

    @Test
    void eacceptOfABadTcsIsGp() {
        eaug(aug);
        t.enter();
        assertThat(enclu.eaccept(si(ACCEPT_AUG), aug)).isEqualTo(SgxStatus.SGX_SUCCESS);
        Tcs tcs = Tcs.allocate().nssa(1);
        tcs.u64(Tcs.AEP, 0x1234); // a TCS must come with AEP = 0
        t.app.enclaveWrite(aug, tcs.toByteArray());
        t.exit();
        assertThat(encls.emodt(t.secinfo(SecInfo.flags(PageType.PT_TCS, 0)), aug)).isEqualTo(SgxStatus.SGX_SUCCESS);
        encls.etrack(TestEnclave.SECS);
        t.enter();
        assertGp(() -> enclu.eaccept(si(ACCEPT_TCS), aug));
        assertThat(t.epcm(aug).modified()).isTrue();
        t.exit();
    }

    @Test
    void emodtToTrimThenEacceptThenEremove() {
        long children = t.secsState().children();
        assertThat(encls.emodt(t.secinfo(SecInfo.flags(PageType.PT_TRIM, 0)), data)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(t.epcm(data).pageType()).isEqualTo(PageType.PT_TRIM);
        t.enter();
        assertPf(() -> t.app.enclaveRead(data, 1), data);
        assertThat(t.os.encls().eremove(data)).isEqualTo(SgxStatus.SGX_ENCLAVE_ACT);
        t.exit();
        encls.etrack(TestEnclave.SECS);
        t.enter();
        assertThat(enclu.eaccept(si(ACCEPT_TRIM | SecInfo.R), data)).isEqualTo(SgxStatus.SGX_PAGE_ATTRIBUTES_MISMATCH);
        assertThat(enclu.eaccept(si(ACCEPT_TRIM), data)).isEqualTo(SgxStatus.SGX_SUCCESS);
        // an accepted trim page may be removed even while threads run
        assertThat(t.os.encls().eremove(data)).isEqualTo(SgxStatus.SGX_SUCCESS);
        t.exit();
        assertThat(t.epcm(data).valid()).isFalse();
        assertThat(t.secsState().children()).isEqualTo(children - 1);
    }

    @Test
    void emodtErrors() {
        assertGp(() -> encls.emodt(t.secinfo(SecInfo.flags(PageType.PT_REG, 0)), data));
        assertGp(() -> encls.emodt(t.secinfo(SecInfo.flags(PageType.PT_TRIM, SecInfo.R)), data));
        assertGp(() -> encls.emodt(t.secinfo(SecInfo.flags(PageType.PT_TRIM, 0)) + 8, data));
        assertGp(() -> encls.emodt(t.secinfo(SecInfo.flags(PageType.PT_TRIM, 0)), data + 8));
        long trim = t.secinfo(SecInfo.flags(PageType.PT_TRIM, 0));
        assertPf(() -> encls.emodt(trim, TestEnclave.FREE), TestEnclave.FREE);
        assertPf(() -> encls.emodt(trim, TestEnclave.SECS), TestEnclave.SECS);
        long va = t.newVa();
        assertPf(() -> encls.emodt(trim, va), va);
        assertPf(() -> encls.emodt(t.secinfo(SecInfo.flags(PageType.PT_TCS, 0)), t.tcs), t.tcs);
        t.secinfo(SecInfo.flags(PageType.PT_TRIM, 0));
        whileBusy(t.page(data), () -> assertThat(encls.emodt(trim, data)).isEqualTo(SgxStatus.SGX_EPC_PAGE_CONFLICT));
        assertThat(t.os.regs().rax).isEqualTo(7);
        eaug(aug);
        assertThat(encls.emodt(trim, aug)).isEqualTo(SgxStatus.SGX_PAGE_NOT_MODIFIABLE);
        assertThat(encls.emodt(trim, data)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertPf(() -> encls.emodt(trim, data), data); // TRIM is not a source type
        // a TCS made by EMODT and not yet accepted is MODIFIED
        long other = t.dataPages.get(1);
        assertThat(encls.emodt(t.secinfo(SecInfo.flags(PageType.PT_TCS, 0)), other)).isEqualTo(SgxStatus.SGX_SUCCESS);
        assertThat(encls.emodt(t.secinfo(SecInfo.flags(PageType.PT_TRIM, 0)), other))
                .isEqualTo(SgxStatus.SGX_PAGE_NOT_MODIFIABLE);
        assertThat(t.epcm(other).pageType()).isEqualTo(PageType.PT_TCS);
        // a TCS can be trimmed
        assertThat(encls.emodt(trim, t.tcs)).isEqualTo(SgxStatus.SGX_SUCCESS);

        TestEnclave u = TestEnclave.builder().uninitialized().build();
        assertGp(() -> u.os.encls().emodt(u.secinfo(SecInfo.flags(PageType.PT_TRIM, 0)), u.dataPages.get(0)));
    }

    @Test
    void eacceptErrors() {
        eaug(aug);
        encls.eblock(t.dataPages.get(1));
        t.enter();
        long s = si(ACCEPT_AUG);
        assertGp(() -> enclu.eaccept(s + 8, aug));
        assertGp(() -> enclu.eaccept(0x5000_0000L, aug));
        assertPf(() -> enclu.eaccept(aug, aug), aug); // SECINFO on a PENDING page
        assertGp(() -> enclu.eaccept(si(ACCEPT_AUG | (1L << 16)), aug));
        assertGp(() -> enclu.eaccept(si(ACCEPT_AUG), aug + 8));
        assertGp(() -> enclu.eaccept(si(ACCEPT_AUG), TestEnclave.BASE + TestEnclave.SIZE));
        assertPf(() -> enclu.eaccept(si(ACCEPT_AUG), aug + 0x1000), aug + 0x1000);
        assertGp(() -> enclu.eaccept(si(REG | SecInfo.R | SecInfo.W), aug));               // nothing to accept
        assertGp(() -> enclu.eaccept(si(ACCEPT_AUG | SecInfo.MODIFIED), aug));             // REG + MODIFIED
        assertGp(() -> enclu.eaccept(si(ACCEPT_TCS | SecInfo.PR), aug));                   // TCS + PR
        assertPf(() -> enclu.eaccept(si(ACCEPT_AUG), t.dataPages.get(1)), t.dataPages.get(1)); // BLOCKED
        assertThat(enclu.eaccept(si(ACCEPT_TCS), t.tcs)).isEqualTo(SgxStatus.SGX_PAGE_ATTRIBUTES_MISMATCH);
        whileBusy(t.page(aug), () -> assertGp(() -> enclu.eaccept(si(ACCEPT_AUG), aug)));
        assertThat(enclu.eaccept(si(ACCEPT_AUG | SecInfo.X), aug)).isEqualTo(SgxStatus.SGX_PAGE_ATTRIBUTES_MISMATCH);
        assertThat(t.epcm(aug).pending()).isTrue();
        t.exit();
        assertGp(() -> enclu.eaccept(scratch, aug)); // outside enclave mode
    }

    @Test
    void eacceptcopyCreatesAnExecutablePage() {
        eaug(aug);
        t.enter();
        byte[] code = new byte[4096];
        for (int i = 0; i < code.length; i++) {
            code[i] = (byte) (i * 7);
        }
        t.app.enclaveWrite(data, code);
        assertGp(() -> t.app.enclaveFetch(0x5000_0000L, 1));
        long rx = REG | SecInfo.R | SecInfo.X;
        assertThat(enclu.eacceptcopy(si(rx), aug, data)).isEqualTo(SgxStatus.SGX_SUCCESS);
        EpcmEntry e = t.epcm(aug);
        assertThat(e.pending()).isFalse();
        assertThat(e.perms()).isEqualTo(SecInfo.R | SecInfo.X);
        assertThat(t.app.enclaveFetch(aug, 4096)).isEqualTo(code);
        assertPf(() -> t.app.enclaveWrite(aug, new byte[1]), aug);
        // the destination is no longer PENDING
        assertThat(enclu.eacceptcopy(si(rx), aug, data)).isEqualTo(SgxStatus.SGX_PAGE_ATTRIBUTES_MISMATCH);
        t.exit();
    }

    @Test
    void eacceptcopyErrors() {
        eaug(aug);
        eaug(aug + 0x1000);
        t.enter();
        long rx = REG | SecInfo.R | SecInfo.X;
        long s = si(rx);
        assertGp(() -> enclu.eacceptcopy(s + 8, aug, data));
        assertGp(() -> enclu.eacceptcopy(s, aug + 8, data));
        assertGp(() -> enclu.eacceptcopy(s, aug, data + 8));
        assertGp(() -> enclu.eacceptcopy(0x5000_0000L, aug, data));
        assertGp(() -> enclu.eacceptcopy(s, 0x5000_0000L, data));
        assertGp(() -> enclu.eacceptcopy(s, aug, 0x5000_0000L));
        assertGp(() -> enclu.eacceptcopy(si(SecInfo.flags(PageType.PT_TCS, 0)), aug, data));
        assertGp(() -> enclu.eacceptcopy(si(REG | SecInfo.W), aug, data));
        assertGp(() -> enclu.eacceptcopy(si(rx | (1L << 7)), aug, data));
        assertPf(() -> enclu.eacceptcopy(si(rx), aug, aug + 0x1000), aug + 0x1000);  // source PENDING
        assertPf(() -> enclu.eacceptcopy(aug, aug + 0x1000, data), aug);             // SECINFO PENDING
        assertThat(enclu.eacceptcopy(si(rx), t.dataPages.get(1), data)).isEqualTo(SgxStatus.SGX_PAGE_ATTRIBUTES_MISMATCH);
        long s2 = si(rx);
        whileBusy(t.page(aug), () -> assertGp(() -> enclu.eacceptcopy(s2, aug, data)));
        assertThat(t.epcm(aug).pending()).isTrue();
        t.exit();
    }

    @Test
    void sgx2LeavesAreGpOnAnSgx1Platform() {
        TestEnclave s1 = TestEnclave.builder().sgx1Only().build();
        Encls e = s1.os.encls();
        assertGp(() -> e.eaug(s1.pageinfo(aug, 0, 0, TestEnclave.SECS), aug));
        assertGp(() -> e.emodpr(s1.secinfo(SecInfo.R), s1.dataPages.get(0)));
        assertGp(() -> e.emodt(s1.secinfo(SecInfo.flags(PageType.PT_TRIM, 0)), s1.dataPages.get(0)));
        s1.enter();
        long s = s1.dataPages.get(3);
        s1.app.enclaveWrite(s, SecInfo.of(ACCEPT_AUG).toByteArray());
        assertGp(() -> s1.app.enclu().eaccept(s, s1.dataPages.get(0)));
        assertGp(() -> s1.app.enclu().emodpe(s, s1.dataPages.get(0)));
        assertGp(() -> s1.app.enclu().eacceptcopy(s, s1.dataPages.get(0), s1.dataPages.get(1)));
        s1.exit();
        assertThat(s1.epcm(aug).valid()).isFalse();
        assertThat(s1.epcm(s1.dataPages.get(0)).pageType()).isEqualTo(PageType.PT_REG);
    }
}
