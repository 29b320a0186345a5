package org.jsgx.lsm;

import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SigStruct;
import org.jsgx.kernel.DeviceNode;
import org.jsgx.kernel.SgxEnclave;
import org.jsgx.kernel.Task;
import org.jsgx.kernel.Vma;

/**
 * The security hooks the SGX driver and the mm call (security_file_open, security_mmap_file,
 * security_file_mprotect and the enclave hooks the 2019 threads proposed). A hook allows by
 * returning and denies by throwing the {@link org.jsgx.kernel.ErrnoException} that
 * {@link SecurityDenial#deny} makes, with the errno the kernel would return
 * and the module's reason; the caller has changed nothing yet. Every default allows, so
 * {@link #NONE} is the merged kernel with no module.
 */
public interface SecurityModule {
    SecurityModule NONE = new SecurityModule() {
        @Override
        public String name() {
            return "none";
        }
    };

    String name();

    /** security_file_open: {@code read}/{@code write} from the open's access mode. */
    default void fileOpen(Task task, DeviceNode node, boolean read, boolean write) {
    }

    /** security_mmap_file: {@code prot} as asked, {@code shared} for MAP_SHARED. */
    default void mmapFile(Task task, DeviceNode node, int prot, boolean shared) {
    }

    /** security_file_mprotect on a file mapping; {@code vmProt} are the VM_READ/WRITE/EXEC bits checked. */
    default void fileMprotect(Task task, Vma vma, long vmProt) {
    }

    /**
     * An enclave page is about to be EADDed: its type, the SECINFO rights, the cap the driver
     * chose (vm_max_prot_bits) and the VMA its contents are copied from (null if none).
     */
    default void enclaveAddPage(Task task, SgxEnclave encl, long address, PageType type, long secinfoPerms,
            long maxProt, Vma source) {
    }

    /** EINIT is about to run with this SIGSTRUCT and the enclave's requested attributes. */
    default void enclaveInit(Task task, SgxEnclave encl, SigStruct sigstruct, long attributes) {
    }

    /**
     * A page is added after EINIT (EAUG, on fault or by SGX_IOC_ENCLAVE_AUGMENT_PAGES): returns
     * the vm_max_prot_bits it gets, at most {@code requested}; seed 001's "user space policy".
     */
    default long enclaveAugmentPage(Task task, SgxEnclave encl, long address, long requested) {
        return requested;
    }

    /** An enclave segment (Andy's proposal) is mapped with {@code vmProt}; {@code segment} is its RWX cap. */
    default void enclaveMapSegment(Task task, SgxEnclave encl, long segment, long vmProt) {
    }
}
