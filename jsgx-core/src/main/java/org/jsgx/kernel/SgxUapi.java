package org.jsgx.kernel;

/**
 * Which enclave-permission design the driver implements. Only {@link #UPSTREAM} was merged;
 * the others are the proposals of the 2019/2022 threads, modelled so that their rules can be
 * compared on the same enclaves. The extra ioctls they need exist only under their design.
 */
public enum SgxUapi {
    /** vm_max_prot_bits = SECINFO rights at ADD time (TCS: RW); pages EAUGed after EINIT: RWX. */
    UPSTREAM,
    /** Cedric (seed 000): the EPCM rights are the source page's VMA rights, not SECINFO's. */
    SOURCE_VMA,
    /**
     * Andy (seed 004): every page belongs to one of up to seven RWX "segments" named at EADD;
     * the enclave fd maps PROT_NONE only; SGX_IOC_MAP_SEGMENT maps a range with the segment's
     * VM_MAY* bits.
     */
    SEGMENTS,
    /**
     * Sean (seed 004, steps 1–7): per-page VM_MAY* from the source VMA at EADD; the enclave fd
     * maps PROT_NONE only with no VM_MAY*; SGX_IOC_MPROTECT and SGX_IOC_EXTEND_PERMISSIONS.
     */
    MPROTECT_IOCTL,
    /**
     * Jarkko/Reinette (seed 001): EAUG on fault gives RW-only pages; SGX_IOC_ENCLAVE_AUGMENT_PAGES
     * EAUGs explicitly with a SECINFO whose rights become the pages' cap.
     */
    AUGMENT_IOCTL
}
