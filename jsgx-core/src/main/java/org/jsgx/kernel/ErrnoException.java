package org.jsgx.kernel;

/**
 * A kernel path failing with an errno (the model's {@code return -EINVAL}), with a message that
 * names the object and the rule. Syscalls turn it into -1 and the task's errno.
 */
public final class ErrnoException extends RuntimeException {
    private final Errno errno;

    public ErrnoException(Errno errno, String message) {
        // EBUSY is the reclaim paths' "retry": thrown per fault while the EPC is short, so it
        // carries no stack trace (filling one in on a deep enclave thread costs microseconds)
        super(message + " (" + errno + ")", null, true, errno != Errno.EBUSY);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }

    /** Throws {@code errno} with {@code message} when {@code cond} holds. */
    static void check(boolean cond, Errno errno, String message) {
        if (cond) {
            throw new ErrnoException(errno, message);
        }
    }

    /** As {@link #check(boolean, Errno, String)}, formatting the message only when it is thrown. */
    static void check(boolean cond, Errno errno, String format, Object... args) {
        if (cond) {
            throw new ErrnoException(errno, String.format(format, args));
        }
    }
}
