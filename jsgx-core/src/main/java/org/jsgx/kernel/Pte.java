package org.jsgx.kernel;

import org.jsgx.cpu.Access;

/**
 * One x86-64 page-table entry of a user page: the frame, Present, R/W, NX (from the VMA's
 * VM_EXEC), U/S (always user here) and the Accessed bit the reclaimer ages pages with. A
 * PROT_NONE mapping is a non-present entry, as Linux encodes it.
 */
final class Pte {
    final long pa;
    volatile boolean present;
    volatile boolean writable;
    volatile boolean executable;
    volatile boolean accessed;
    /** A raw PFN mapping (vmf_insert_pfn into a VM_PFNMAP VMA): no struct page behind it. */
    final boolean special;

    Pte(long pa, long vmFlags, boolean special) {
        this.pa = pa;
        this.special = special;
        protect(vmFlags);
    }

    /** Applies a VMA's R/W/X to this entry (mprotect, or the initial install). */
    void protect(long vmFlags) {
        present = (vmFlags & Mman.VM_ACCESS_FLAGS) != 0;
        writable = (vmFlags & Mman.VM_WRITE) != 0;
        executable = (vmFlags & Mman.VM_EXEC) != 0;
    }

    /** True when the hardware walk allows {@code access} (reads need only Present). */
    boolean allows(Access access) {
        return present && switch (access) {
            case READ -> true;
            case WRITE -> writable;
            case EXECUTE -> executable;
        };
    }
}
