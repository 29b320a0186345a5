package org.jsgx.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsgx.cpu.Access;
import org.jsgx.cpu.GprSgx;
import org.jsgx.cpu.PageFault;
import org.jsgx.host.elf.ElfFile;
import org.jsgx.host.kselftest.ElfTestEncl;
import org.jsgx.host.kselftest.KernelSelftests;
import org.jsgx.host.kselftest.TestEnclSigner;
import org.jsgx.host.RsaKeys;
import org.jsgx.kernel.Vdso;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * test-enclave/other/other_encl.elf: an enclave in the selftest ELF convention that this
 * project's C enclave shares no code with (hand-written assembly, three TCSs with two SSA frames,
 * another layout), run through the driver model, the vDSO model and the x86 engine.
 */
class OtherEnclaveTest {
    static final long MAGIC = 0x1122334455667788L;
    static final int OP_CPUID = 8, OP_LOOP = 9, OP_STORE_LOOP = 10, OP_HEAP_GROW = 11;
    static Path elf;
    static java.security.interfaces.RSAPrivateCrtKey key;

    @BeforeAll
    static void setUp() {
        X86Available.assume();
        elf = TestEnclaveBinary.of("test-enclave/other/other_encl.elf");
        key = (java.security.interfaces.RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
    }

    static ElfEnclaveSession session(long dynamic) {
        return new ElfEnclaveSession(elf, 4096, dynamic, mr -> TestEnclSigner.sign(mr, key), true);
    }

    static long symbol(String name) throws Exception {
        return ElfFile.parse(Files.readAllBytes(elf)).symbol(name).orElseThrow();
    }

    @Test
    void opsRunThroughEveryTcs() {
        try (ElfEnclaveSession s = session(0)) {
            assertThat(s.tcsCount()).isEqualTo(3);
            for (int t = 0; t < 3; t++) {
                assertThat(s.call(t, 0, MAGIC + t).eexit()).isTrue();
                ElfEnclaveSession.Outcome get = s.call(t, 1, 0);
                assertThat(get.eexit()).isTrue();
                assertThat(get.op()[1]).isEqualTo(MAGIC + t);
            }
            ElfEnclaveSession.Outcome loop = s.call(0, OP_LOOP, 1000, 0);
            assertThat(loop.op()[2]).isEqualTo(500500L);
            // 3 per iteration + the op's set-up: an exact count from the code hook
            assertThat(loop.instructions()).isBetween(3000L, 3100L);
            assertThat(s.call(0, OP_STORE_LOOP, 100, 0).op()[2]).isEqualTo(1L);
        }
    }

    @Test
    void cpuidIsUndefinedAtItsOwnRip() throws Exception {
        try (ElfEnclaveSession s = session(0)) {
            assertThat(s.call(0, 4).eexit()).isTrue(); // pages faulted in: the next call's only AEX is the #UD
            ElfEnclaveSession.Outcome o = s.call(0, OP_CPUID, 0);
            assertThat(o.function()).isEqualTo(Vdso.ERESUME);
            assertThat(o.vector()).isEqualTo(6);
            assertThat(o.aexs()).isEqualTo(1);
            // GPRSGX of SSA frame 0 of TCS#1 (SSAFRAMESIZE 1: the frame's last 184 bytes)
            long gpr = s.encl.base + symbol("ssa0") + 4096 - GprSgx.SIZE;
            long pa = s.task.mm().translate(gpr, Access.READ, false);
            var frame = s.platform.memory().frame(pa & -4096L);
            long rip = frame.get(ValueLayout.JAVA_LONG_UNALIGNED, (gpr & 4095) + GprSgx.RIP);
            int exitInfo = frame.get(ValueLayout.JAVA_INT_UNALIGNED, (gpr & 4095) + GprSgx.EXITINFO);
            assertThat(rip).as("GPRSGX.RIP").isEqualTo(s.encl.base + symbol("cpuid_insn"));
            assertThat(exitInfo).isEqualTo(GprSgx.exitInfo(6, GprSgx.EXIT_TYPE_HARDWARE));
        }
    }

    @Test
    void eaugOnFaultHeapGrowsAsTheEnclaveTouchesIt() {
        try (ElfEnclaveSession s = session(8 * 4096)) {
            long dyn = s.dynamicStart();
            assertThat(s.call(1, 4).eexit()).isTrue(); // stack and SSA pages faulted in first
            ElfEnclaveSession.Outcome o = s.call(1, OP_HEAP_GROW, dyn, 3, 0, 0);
            assertThat(o.eexit()).isTrue();
            assertThat(o.op()[3]).as("pages accepted").isEqualTo(3);
            assertThat(o.pagesAugmented()).as("EAUGed by sgx_vma_fault").isEqualTo(3);
            assertThat(o.aexs()).as("one #PF per new page, resolved by the driver").isEqualTo(3);
            o = s.call(1, OP_HEAP_GROW, dyn + 3 * 4096, 5, 0, 0);
            assertThat(o.op()[3]).isEqualTo(5);
            assertThat(o.pagesAugmented()).isEqualTo(5);
            // the touched words are there
            assertThat(s.call(0, 3, 0, dyn + 7 * 4096).op()[1]).isEqualTo(dyn + 7 * 4096);
        }
    }

    @Test
    void writeToTheTextSegmentIsAPteFaultThroughTheDriver() throws Exception {
        try (ElfEnclaveSession s = session(0)) {
            long text = s.encl.base + symbol("entry");
            ElfEnclaveSession.Outcome o = s.call(0, 2, 5, text);
            // load.c maps text PROT_READ|PROT_EXEC and the driver refuses PROT_WRITE over an RX
            // EPCM page, so the page tables stop the store first: #PF without the SGX bit
            assertThat(o.vector()).isEqualTo(14);
            assertThat(o.errorCode()).isEqualTo(PageFault.PFEC_P | PageFault.PFEC_W | PageFault.PFEC_U);
            assertThat(o.exceptionAddr()).isEqualTo(text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unclobbered_vdso", "tcs_entry", "pte_permissions", "epcm_permissions", "augment"})
    void kernelSelftestsPassOnIt(String name) {
        ElfTestEncl encl = ElfTestEncl.read(elf, X86Engine::new);
        assertThat(KernelSelftests.run(name, new KernelSelftests.Scale(1L << 20, 2L << 20), true, encl))
                .isEqualTo(KernelSelftests.Status.PASS);
    }

    /** mov eax, imm32; ret — little-endian in one u64 (the page's first 6 bytes). */
    static long movEaxRet(int imm) {
        return 0xB8L | ((imm & 0xFFFF_FFFFL) << 8) | (0xC3L << 40);
    }

    @Test
    void jitCodeRunsExactlyWhenExecutableAndNeverStale() {
        try (ElfEnclaveSession s = session(4096)) {
            long page = s.dynamicStart();
            assertThat(s.call(0, 5, page, 0x20B, 0).op()[3]).as("EACCEPT RW").isZero();
            assertThat(s.call(0, 2, movEaxRet(0x1111), page).eexit()).isTrue();
            ElfEnclaveSession.Outcome o = s.call(0, 12, page, 0);
            assertThat(o.vector()).as("fetch from RW page").isEqualTo(14);
            assertThat(o.errorCode()).isEqualTo(PageFault.PFEC_SGX | PageFault.PFEC_I | PageFault.PFEC_U
                    | PageFault.PFEC_P);
            assertThat(s.call(1, 6, page, 7).eexit()).as("EMODPE RWX").isTrue();
            assertThat(s.call(1, 12, page, 0).op()[2]).isEqualTo(0x1111L);
            // rewrite the code in place: the next call must run the new bytes
            assertThat(s.call(1, 2, movEaxRet(0x2222), page).eexit()).isTrue();
            assertThat(s.call(1, 12, page, 0).op()[2]).isEqualTo(0x2222L);
            assertThat(s.call(0, 2, movEaxRet(0x3333), page).eexit()).isTrue();
            assertThat(s.call(1, 12, page, 0).op()[2]).isEqualTo(0x3333L);
        }
    }
}
