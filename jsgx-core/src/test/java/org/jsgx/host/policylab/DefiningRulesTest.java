package org.jsgx.host.policylab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;
import org.jsgx.kernel.Errno;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxIoctl;
import org.jsgx.lsm.Policy;
import org.junit.jupiter.api.Test;

/** The rule that defines each design, shown where only that design has it. */
class DefiningRulesTest {
    private static LabLoader built(Policy p, String domain) {
        LabLoader l = new LabLoader(p, domain);
        l.enclaveFile("/opt/enclave/app.so", false);
        l.staticImage();
        l.build();
        return l;
    }

    @Test
    void selinuxAsksWriteOnlyForPagesThatMayBeWrittenAndExecuted() {
        // app_t has { read execute }: a file-backed enclave runs, an RWX page does not
        assertThat(Scenario.STATIC.run(Policy.SELINUX).allowed()).isTrue();
        Outcome o = Scenario.ATTACKER_RWX.run(Policy.SELINUX);
        assertThat(o.reason()).contains("denied { write }").contains("app_t");
        // the same attacker under upstream and under the bare mprotect-ioctl driver: nothing asks
        assertThat(Scenario.ATTACKER_RWX.run(Policy.UPSTREAM).allowed()).isTrue();
        assertThat(Scenario.ATTACKER_RWX.run(Policy.MPROTECT_IOCTL).allowed()).isTrue();
    }

    @Test
    void protNoneDesignsRefuseMmapWithRightsAndPlainMprotect() {
        LabLoader l = built(Policy.MPROTECT_IOCTL, "app_t");
        assertThat(l.task.mmap(l.base + LabEnclave.DATA, 4096, Mman.PROT_READ, Mman.MAP_SHARED | Mman.MAP_FIXED,
                l.fd, 0)).isEqualTo(-1);
        assertThat(l.task.errno()).isEqualTo(Errno.EACCES);
        assertThat(l.task.lastError()).contains("only PROT_NONE");
        // mprotect() cannot widen: the VMA has no VM_MAY* (step 4)
        assertThat(l.task.mprotect(l.base + LabEnclave.TEXT, 4096, Mman.PROT_READ | Mman.PROT_WRITE)).isEqualTo(-1);
        assertThat(l.task.lastError()).contains("VM_MAY*");
        // the ioctl does not exist upstream
        LabLoader u = built(Policy.UPSTREAM, "app_t");
        assertThat(u.task.ioctl(u.fd, SgxIoctl.SGX_IOC_MPROTECT, 0)).isEqualTo(-1);
    }

    @Test
    void extendPermissionsOnlyExtends() {
        LabLoader l = built(Policy.SELINUX, "app_t");
        // RX text: SGX_IOC_MPROTECT RW is beyond its VM_MAY*
        assertThatThrownBy(() -> l.protect(LabEnclave.TEXT, Mman.PROT_READ | Mman.PROT_WRITE))
                .hasMessageContaining("VM_MAY* of the page");
        // extending with W makes it W+X-capable: now mapping it asks SELinux for WRITE, which app_t lacks
        l.extend(LabEnclave.TEXT, Mman.VM_WRITE);
        assertThatThrownBy(() -> l.protect(LabEnclave.TEXT, Mman.PROT_READ | Mman.PROT_EXEC))
                .hasMessageContaining("denied { write }");
        // an empty extension changes nothing and does not clear W
        l.extend(LabEnclave.TEXT, 0);
        assertThatThrownBy(() -> l.protect(LabEnclave.TEXT, Mman.PROT_READ))
                .hasMessageContaining("denied { write }");
    }

    @Test
    void segmentsRefuseAMappingWiderThanTheSegment() {
        LabLoader l = built(Policy.SEGMENTS, "app_t");
        // text is in the R-X segment: asking for it in the RWX segment, or RW from R-X, is refused
        assertThatThrownBy(() -> l.map(LabEnclave.TEXT, Mman.PROT_READ | Mman.PROT_WRITE, SecInfo.R | SecInfo.X))
                .hasMessageContaining("wider than segment r-x");
        assertThatThrownBy(() -> l.map(LabEnclave.TEXT, Mman.PROT_READ | Mman.PROT_WRITE, SecInfo.RWX))
                .hasMessageContaining("is in segment r-x, not rwx");
        // mprotect within the segment's VM_MAY* works, beyond it does not
        assertThat(l.task.mprotect(l.base + LabEnclave.TEXT, 4096, Mman.PROT_READ)).isZero();
        assertThat(l.task.mprotect(l.base + LabEnclave.TEXT, 4096, Mman.PROT_READ | Mman.PROT_WRITE)).isEqualTo(-1);
        // upstream: the same RW request on an RX page fails only on vm_max_prot_bits, with no segment
        LabLoader u = built(Policy.UPSTREAM, "app_t");
        assertThat(u.task.mprotect(u.base + LabEnclave.TEXT, 4096, Mman.PROT_READ | Mman.PROT_WRITE)).isEqualTo(-1);
        assertThat(u.task.lastError()).contains("vm_max_prot_bits").doesNotContain("segment");
    }

    @Test
    void segmentsRefuseADuplicateEaddIntoAnotherSegment() {
        LabLoader l = new LabLoader(Policy.SEGMENTS, "app_t");
        l.enclaveFile("/opt/enclave/app.so", false);
        l.staticImage();
        l.region(LabEnclave.TEXT, PageType.PT_REG, SecInfo.R | SecInfo.W, Mman.PROT_READ, LabLoader.Source.ANON,
                new byte[4096]);
        assertThatThrownBy(l::build).hasMessageContaining("already added to segment r-x");
    }

    @Test
    void sourceVmaTakesEpcmRightsFromTheSourceMapping() {
        // SECINFO says RX, the source is mapped R only: EPCM and cap become R, so running it faults
        LabLoader l = new LabLoader(Policy.SOURCE_VMA, "app_t");
        l.region(LabEnclave.TCS, PageType.PT_TCS, 0, Mman.PROT_READ | Mman.PROT_WRITE, LabLoader.Source.ANON,
                LabEnclave.tcs());
        l.region(LabEnclave.TEXT, PageType.PT_REG, SecInfo.R, Mman.PROT_READ, LabLoader.Source.ANON,
                LabEnclave.code(1));
        l.region(LabEnclave.DATA, PageType.PT_REG, SecInfo.R | SecInfo.W, Mman.PROT_READ | Mman.PROT_WRITE,
                LabLoader.Source.ANON, new byte[4096]);
        l.region(LabEnclave.SSA, PageType.PT_REG, SecInfo.R | SecInfo.W, Mman.PROT_READ | Mman.PROT_WRITE,
                LabLoader.Source.ANON, new byte[4096]);
        l.build();
        assertThat(l.kernel.sgx().enclave(l.task, l.fd).page(l.base + LabEnclave.TEXT).vmMaxProtBits())
                .isEqualTo(Mman.VM_READ);
        assertThatThrownBy(() -> l.enter("run", LabEnclave.OP_EXEC, l.base + LabEnclave.TEXT, 0, 0))
                .hasMessageContaining("vector 14");
    }

    @Test
    void edmmPolicyDecidesWhetherDynamicPagesMayEverExecute() {
        // EAUG on fault gives RW only: the JIT's X never becomes mappable
        LabLoader l = built(Policy.EDMM, "app_t");
        assertThatThrownBy(() -> l.augment(LabEnclave.DYN, SecInfo.RWX)).hasMessageContaining("not rwx");
        assertThat(l.task.errno()).isEqualTo(Errno.EPERM);
        // AUGMENT_PAGES with an RX SECINFO is what app_t may ask for
        l.augment(LabEnclave.DYN, SecInfo.R | SecInfo.X);
        assertThat(l.kernel.sgx().enclave(l.task, l.fd).page(l.base + LabEnclave.DYN).vmMaxProtBits())
                .isEqualTo(Mman.VM_READ | Mman.VM_EXEC);
        // upstream: every EAUGed page is RWX-capable, for anyone
        assertThat(Scenario.JIT.run(Policy.UPSTREAM).allowed()).isTrue();
    }
}
