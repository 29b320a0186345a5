package org.jsgx.cpu;

/**
 * Paging as the CPU sees it: translates a linear address to a physical one or raises the
 * ordinary #PF. The kernel layer implements this with its page tables; the cpu layer never
 * sees VMAs. {@link #IDENTITY} is the flat map used when the kernel issues ENCLS with
 * addresses of its direct map.
 */
public interface AddressSpace {

    /**
     * @param linear the linear address
     * @param access read, write or instruction fetch
     * @param user   true for a CPL-3 access
     * @return the physical address
     * @throws PageFault when the translation is missing or does not allow the access
     */
    long translate(long linear, Access access, boolean user);

    /**
     * [MODEL] A count that moves after every change to the translations (PTE install, zap,
     * re-protect), for engines that cache them like a TLB; -1 when not tracked (then a cache
     * must re-check every entry).
     */
    default long generation() {
        return -1;
    }

    /** Linear = physical, everything present and writable. */
    AddressSpace IDENTITY = (linear, access, user) -> linear;
}
