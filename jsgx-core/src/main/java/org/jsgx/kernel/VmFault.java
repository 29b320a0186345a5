package org.jsgx.kernel;

/** vm_fault_t results of a VMA fault handler that the model distinguishes. */
public enum VmFault {
    /** The PTE is installed (or the access should simply be retried): VM_FAULT_NOPAGE. */
    NOPAGE,
    /** VM_FAULT_SIGBUS. */
    SIGBUS,
    /** VM_FAULT_OOM. */
    OOM
}
