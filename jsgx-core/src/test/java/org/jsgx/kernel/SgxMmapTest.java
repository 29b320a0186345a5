package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jsgx.cpu.PageFault;
import org.junit.jupiter.api.Test;

/** mmap/mprotect/mremap/fork of enclave mappings and the device nodes' access control. */
class SgxMmapTest {
    final DriverFixture f = new DriverFixture();
    static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    static final int SHARED_FIXED = Mman.MAP_SHARED | Mman.MAP_FIXED;

    void refused(long ret, Errno errno) {
        assertThat(ret).isEqualTo(-1);
        assertThat(f.task.errno()).as(f.task.lastError()).isEqualTo(errno);
    }

    @Test
    void mapPrivateIsEinval() {
        String before = f.snapshot();
        refused(f.task.mmap(0, 4096, Mman.PROT_READ, Mman.MAP_PRIVATE, f.fd, 0), Errno.EINVAL);
        refused(f.task.mmap(f.base, 4096, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_FIXED, f.fd, 0), Errno.EINVAL);
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void mapBeforeCreateIsAllowed() {
        assertThat(f.task.mmap(0, 8192, RW | Mman.PROT_EXEC, Mman.MAP_SHARED, f.fd, 0)).isNotEqualTo(-1);
    }

    @Test
    void execOnNoexecDevIsEperm() {
        f.kernel.sgx().enclaveNode().noexec(f.task, true);
        refused(f.task.mmap(0, 4096, Mman.PROT_EXEC, Mman.MAP_SHARED, f.fd, 0), Errno.EPERM);
        long p = f.task.mmap(0, 4096, Mman.PROT_READ, Mman.MAP_SHARED, f.fd, 0);
        assertThat(p).isNotEqualTo(-1);
        // and it can never become executable
        refused(f.task.mprotect(p, 4096, Mman.PROT_READ | Mman.PROT_EXEC), Errno.EACCES);
    }

    @Test
    void rightsAboveMaxProtAreEaccesAndChangeNothing() {
        f.buildAndInit();
        String before = f.snapshot();
        refused(f.task.mmap(f.base + 0x3000, 4096, RW, SHARED_FIXED, f.fd, 0), Errno.EACCES); // R-X text as RW
        refused(f.task.mmap(f.base + 0x2000, 4096, Mman.PROT_READ | Mman.PROT_EXEC, SHARED_FIXED, f.fd, 0),
                Errno.EACCES); // RW data as X
        refused(f.task.mmap(f.base, 4096, Mman.PROT_READ | Mman.PROT_EXEC, SHARED_FIXED, f.fd, 0),
                Errno.EACCES); // TCS is RW at most
        refused(f.task.mmap(f.base, f.size, RW, SHARED_FIXED, f.fd, 0), Errno.EACCES); // covers the text page
        assertThat(f.snapshot()).isEqualTo(before);
        // each within its cap, and the unbacked rest of ELRANGE with anything
        assertThat(f.task.mmap(f.base, 0x3000, RW, SHARED_FIXED, f.fd, 0)).isEqualTo(f.base);
        assertThat(f.task.mmap(f.base + 0x3000, 4096, Mman.PROT_READ | Mman.PROT_EXEC, SHARED_FIXED, f.fd, 0))
                .isEqualTo(f.base + 0x3000);
        assertThat(f.task.mmap(f.base + 0x4000, f.size - 0x4000, RW | Mman.PROT_EXEC, SHARED_FIXED, f.fd, 0))
                .isEqualTo(f.base + 0x4000);
    }

    @Test
    void outsideElrangeAfterInitIsEacces() {
        f.buildAndInit();
        refused(f.task.mmap(f.base + f.size, 4096, Mman.PROT_READ, SHARED_FIXED, f.fd, 0), Errno.EACCES);
        refused(f.task.mmap(f.base - 4096, 8192, Mman.PROT_READ, SHARED_FIXED, f.fd, 0), Errno.EACCES);
    }

    @Test
    void readImpliesExecTasksAreRefused() {
        f.buildAndInit();
        f.task.personality(Mman.READ_IMPLIES_EXEC);
        refused(f.task.mmap(f.base + 0x2000, 4096, Mman.PROT_READ, SHARED_FIXED, f.fd, 0), Errno.EACCES);
    }

    @Test
    void mprotectIsCheckedAgainstTheCapAndChangesNothingWhenRefused() {
        f.buildAndInit();
        assertThat(f.task.mmap(f.base + 0x2000, 0x2000, Mman.PROT_READ, SHARED_FIXED, f.fd, 0)).isEqualTo(f.base + 0x2000);
        // fault the data page in through the driver so it has a PTE
        f.task.mm().read(f.base + 0x2000, 8);
        String before = f.snapshot();
        refused(f.task.mprotect(f.base + 0x2000, 0x2000, RW), Errno.EACCES); // text page is R-X
        refused(f.task.mprotect(f.base + 0x2000, 4096, RW | Mman.PROT_EXEC), Errno.EACCES); // data page is RW
        refused(f.task.mprotect(f.base + 0x2000, 0x3000, Mman.PROT_READ), Errno.ENOMEM); // runs past the mapping
        assertThat(f.snapshot()).isEqualTo(before);
        // lowering and raising back up to the cap are fine
        assertThat(f.task.mprotect(f.base + 0x2000, 4096, RW)).isZero();
        assertThat(f.task.mm().pteString(f.base + 0x2000)).endsWith("PW-");
        assertThat(f.task.mprotect(f.base + 0x2000, 4096, Mman.PROT_NONE)).isZero();
        assertThat(f.task.mprotect(f.base + 0x2000, 4096, Mman.PROT_READ)).isZero();
    }

    @Test
    void mremapCannotGrowAnEnclaveMapping() {
        f.buildAndInit();
        assertThat(f.task.mmap(f.base, 0x3000, RW, SHARED_FIXED, f.fd, 0)).isEqualTo(f.base);
        String before = f.snapshot();
        refused(f.task.mremap(f.base, 0x3000, 0x4000, 0), Errno.EFAULT);
        refused(f.task.mremap(f.base, 0x3000, 0x4000, Mman.MREMAP_MAYMOVE), Errno.EFAULT);
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.task.mremap(f.base, 0x3000, 0x2000, 0)).isEqualTo(f.base); // shrinking is an unmap
    }

    @Test
    void nonEnclaveAccessReadsAbortPageAndPteFaultsHaveNoSgxBit() {
        f.buildAndInit();
        f.mapRw();
        assertThat(f.task.mm().read(f.base + 0x2000, 4)).containsOnly((byte) 0xFF);
        f.task.mm().write(f.base + 0x2000, new byte[] {1, 2, 3}); // dropped
        assertThat(f.task.mm().read(f.base + 0x2000, 3)).containsOnly((byte) 0xFF);
        assertThat(f.task.mprotect(f.base + 0x2000, 4096, Mman.PROT_READ)).isZero();
        assertThatThrownBy(() -> f.task.mm().translate(f.base + 0x2000, org.jsgx.cpu.Access.WRITE, true))
                .isInstanceOfSatisfying(PageFault.class, pf -> {
                    assertThat(pf.errorCode()).isEqualTo(0x7);
                    assertThat(pf.sgx()).isFalse();
                });
    }

    @Test
    void touchingAnUnbackedAddressOfAnUninitializedEnclaveIsSigbus() {
        f.buildSmall();
        f.mapRw();
        assertThatThrownBy(() -> f.task.mm().read(f.base + 0x8000, 8)).isInstanceOfSatisfying(SignalException.class,
                e -> assertThat(e.signal()).isEqualTo(Signal.SIGBUS));
    }

    @Test
    void forkSharesTheEnclaveAndRegistersTheChildMm() {
        f.buildAndInit();
        f.mapRw();
        Task child = f.task.fork();
        assertThat(f.encl().mms()).contains(f.task.mm(), child.mm());
        assertThat(child.mm().vmas().stream().anyMatch(v -> v.file() != null)).isTrue();
        child.exit();
        assertThat(f.encl().mms()).doesNotContain(child.mm());
        assertThat(f.encl().created()).isTrue(); // the parent's fd and mappings keep it alive
    }

    @Test
    void closingTheFdKeepsTheEnclaveUntilTheLastMappingGoes() {
        f.buildAndInit();
        f.mapRw();
        long free = f.kernel.sgx().allocator().freePages();
        assertThat(f.task.close(f.fd)).isZero();
        assertThat(f.kernel.sgx().allocator().freePages()).isEqualTo(free);
        assertThat(f.task.munmap(f.base, f.size)).isZero();
        // SECS, VA page and the four pages are back
        assertThat(f.kernel.sgx().allocator().freePages()).isEqualTo(free + 6);
        assertThat(f.kernel.warnings()).isEmpty();
    }

    @Test
    void deviceNodesAreRootOnlyUntilAnAdminGrantsAccess() {
        Task user = f.kernel.spawn(Cred.user(1000, 1000), 1);
        assertThat(user.open(SgxDriver.SGX_ENCLAVE, OpenFile.O_RDWR)).isEqualTo(-1);
        assertThat(user.errno()).isEqualTo(Errno.EACCES);
        assertThat(user.open(SgxDriver.SGX_PROVISION, OpenFile.O_RDONLY)).isEqualTo(-1);
        assertThat(user.errno()).isEqualTo(Errno.EACCES);
        assertThatThrownBy(() -> f.kernel.sgx().enclaveNode().chmod(user, 0666)).isInstanceOfSatisfying(
                ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
        // the admin: sgx group for the enclave node, sgx_prv for provisioning
        f.kernel.sgx().enclaveNode().chown(f.task, 0, 107);
        f.kernel.sgx().enclaveNode().chmod(f.task, 0660);
        f.kernel.sgx().provisionNode().chown(f.task, 0, 108);
        f.kernel.sgx().provisionNode().chmod(f.task, 0660);
        Task member = f.kernel.spawn(Cred.user(1001, 1001, 107), 1);
        assertThat(member.open(SgxDriver.SGX_ENCLAVE, OpenFile.O_RDWR)).isGreaterThanOrEqualTo(3);
        assertThat(member.open(SgxDriver.SGX_PROVISION, OpenFile.O_RDONLY)).isEqualTo(-1);
        assertThat(member.errno()).isEqualTo(Errno.EACCES);
        assertThat(user.open(SgxDriver.SGX_ENCLAVE, OpenFile.O_RDWR)).isEqualTo(-1);
        assertThat(user.open("/dev/sgx_vepc", OpenFile.O_RDWR)).isEqualTo(-1);
        assertThat(user.errno()).isEqualTo(Errno.ENOENT);
    }

    @Test
    void provisionNodeHasNoMmap() {
        int prov = f.task.open(SgxDriver.SGX_PROVISION, OpenFile.O_RDONLY);
        refused(f.task.mmap(0, 4096, Mman.PROT_READ, Mman.MAP_SHARED, prov, 0), Errno.ENODEV);
    }
}
