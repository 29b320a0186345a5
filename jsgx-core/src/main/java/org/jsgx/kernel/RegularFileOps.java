package org.jsgx.kernel;

import java.util.Arrays;

/**
 * A regular file's operations, enough for an enclave loader that maps its enclave file the way
 * dlopen() maps a shared object: mmap gives a mapping whose pages are filled from the file on
 * first touch. [MODEL] mappings start at file offset 0 and are never written back.
 */
final class RegularFileOps implements FileOperations {
    private final byte[] content;

    RegularFileOps(byte[] content) {
        this.content = content.clone();
    }

    @Override
    public Vma mmap(OpenFile file, Task task, Vma vma) {
        return new Vma(vma.mm, vma.start, vma.end, vma.flags, file, new FilePages(vma.start));
    }

    /** filemap_fault: a frame holding the file's bytes at the page's offset (zero past EOF). */
    private final class FilePages implements VmOperations {
        private final long fileStart;

        FilePages(long fileStart) {
            this.fileStart = fileStart;
        }

        @Override
        public VmFault fault(Vma vma, long address, int pfec) {
            long pa = vma.mm.kernel.ram().alloc();
            int off = (int) (address - fileStart);
            if (off < content.length) {
                vma.mm.kernel.ram().write(pa, Arrays.copyOfRange(content, off, Math.min(content.length, off + 4096)));
            }
            vma.mm.insertPfn(vma, address, pa);
            return VmFault.NOPAGE;
        }
    }
}
