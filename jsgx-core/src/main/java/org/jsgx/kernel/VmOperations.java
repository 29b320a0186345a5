package org.jsgx.kernel;

/** struct vm_operations_struct: the callbacks a mapping's owner supplies. */
public interface VmOperations {

    /** A copy of the VMA was made (fork, split): {@code .open}. */
    default void open(Vma vma) {
    }

    /** The VMA goes away: {@code .close}. */
    default void close(Vma vma) {
    }

    /** Resolves a fault at {@code address} (page aligned) with error code {@code pfec}. */
    VmFault fault(Vma vma, long address, int pfec);

    /**
     * {@code .mprotect}: may refuse changing [start, end) to {@code newFlags} (throw an
     * {@link ErrnoException}); nothing has changed yet when it is called.
     */
    default void mprotect(Vma vma, long start, long end, long newFlags) {
    }
}
