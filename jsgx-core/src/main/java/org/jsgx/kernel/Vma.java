package org.jsgx.kernel;

/**
 * struct vm_area_struct: [start, end) of one mm with its flags, the file it maps (or none for
 * anonymous memory), the owner's operations and private data.
 */
public final class Vma {
    final Mm mm;
    long start;
    long end;
    long flags;
    final OpenFile file;
    final VmOperations ops;
    /** vm_private_data (the enclave for an SGX mapping; null makes every fault SIGBUS). */
    volatile Object privateData;

    Vma(Mm mm, long start, long end, long flags, OpenFile file, VmOperations ops) {
        this.mm = mm;
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.file = file;
        this.ops = ops;
    }

    public Mm mm() {
        return mm;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public long flags() {
        return flags;
    }

    public OpenFile file() {
        return file;
    }

    public Object privateData() {
        return privateData;
    }

    public void privateData(Object o) {
        privateData = o;
    }

    public boolean contains(long addr) {
        return Long.compareUnsigned(addr - start, end - start) < 0;
    }

    /** A copy of this VMA over [s, e), for splitting and fork. */
    Vma copy(Mm into, long s, long e) {
        Vma v = new Vma(into, s, e, flags, file, ops);
        v.privateData = privateData;
        return v;
    }

    @Override
    public String toString() {
        return String.format("%x-%x %s%s %s", start, end, Mman.protString(flags),
                (flags & Mman.VM_SHARED) != 0 ? "s" : "p", file == null ? "[anon]" : file.node().path());
    }
}
