package org.jsgx.kernel;

/**
 * Linux error numbers (asm-generic/errno-base.h, errno.h) the driver model returns. The
 * kernel-internal ERESTARTSYS and ENOIOCTLCMD never reach user space: the syscall exit turns
 * them into EINTR and ENOTTY.
 */
public enum Errno {
    EPERM(1),
    ENOENT(2),
    EINTR(4),
    EIO(5),
    ENXIO(6),
    EBADF(9),
    EAGAIN(11),
    ENOMEM(12),
    EACCES(13),
    EFAULT(14),
    EBUSY(16),
    EEXIST(17),
    ENODEV(19),
    EINVAL(22),
    ENOTTY(25),
    ERESTARTSYS(512),
    ENOIOCTLCMD(515);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /** The positive Linux number (the kernel returns its negation). */
    public int number() {
        return number;
    }

    /** What user space sees after the syscall exit path. */
    public Errno userVisible() {
        return switch (this) {
            case ERESTARTSYS -> EINTR; // no SA_RESTART in the model
            case ENOIOCTLCMD -> ENOTTY; // vfs_ioctl
            default -> this;
        };
    }

    public static Errno ofNumber(int n) {
        for (Errno e : values()) {
            if (e.number == n) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown errno " + n);
    }
}
