package org.jsgx.kernel;

/** mmap/mprotect flags of the uAPI (asm-generic/mman-common.h) and the VMA flags they set. */
public final class Mman {
    public static final int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20;
    /** mremap: MREMAP_MAYMOVE. */
    public static final int MREMAP_MAYMOVE = 1;

    /** vm_flags bits (linux/mm.h). */
    public static final long VM_READ = 0x1, VM_WRITE = 0x2, VM_EXEC = 0x4, VM_SHARED = 0x8,
            VM_MAYREAD = 0x10, VM_MAYWRITE = 0x20, VM_MAYEXEC = 0x40, VM_MAYSHARE = 0x80,
            VM_PFNMAP = 0x400, VM_IO = 0x4000, VM_DONTCOPY = 0x20000, VM_DONTEXPAND = 0x40000,
            VM_DONTDUMP = 0x4000000;
    public static final long VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC;

    /** personality(2): READ_IMPLIES_EXEC. */
    public static final int READ_IMPLIES_EXEC = 0x0400000;

    public static final long PAGE_SIZE = 4096;

    private Mman() {
    }

    /** calc_vm_prot_bits: PROT_* to VM_READ/WRITE/EXEC. */
    public static long vmProtBits(int prot) {
        return ((prot & PROT_READ) != 0 ? VM_READ : 0) | ((prot & PROT_WRITE) != 0 ? VM_WRITE : 0)
                | ((prot & PROT_EXEC) != 0 ? VM_EXEC : 0);
    }

    static String protString(long vmFlags) {
        return ((vmFlags & VM_READ) != 0 ? "r" : "-") + ((vmFlags & VM_WRITE) != 0 ? "w" : "-")
                + ((vmFlags & VM_EXEC) != 0 ? "x" : "-");
    }

    static boolean pageAligned(long v) {
        return (v & (PAGE_SIZE - 1)) == 0;
    }
}
