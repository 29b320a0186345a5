package org.jsgx.kernel;

/** struct file_operations: what a device node's driver implements (defaults: not supported). */
public interface FileOperations {

    /** {@code .open}: may refuse with an {@link ErrnoException}. */
    default void open(OpenFile file, Task task) {
    }

    /** {@code .release}: the last reference (fd and mappings) is gone. */
    default void release(OpenFile file, Task task) {
    }

    /** {@code .unlocked_ioctl}; without one the VFS answers ENOTTY. */
    default long ioctl(OpenFile file, Task task, int cmd, long arg) {
        throw new ErrnoException(Errno.ENOTTY, file.node().path() + " has no ioctls");
    }

    /** {@code .mmap}: set up (or refuse) a new VMA; without one mmap is ENODEV. */
    default Vma mmap(OpenFile file, Task task, Vma vma) {
        throw new ErrnoException(Errno.ENODEV, file.node().path() + " cannot be mapped");
    }

    /** {@code .get_unmapped_area}: -1 for the default allocator. */
    default long getUnmappedArea(Mm mm, OpenFile file, long addr, long len, int flags) {
        return -1;
    }
}
