package org.jsgx.kernel;

/**
 * A character device node under /dev: its path, owner, group and mode (the only access
 * control Linux applies to the SGX nodes; misc devices default to root-only 0600 and
 * distributions relax them with udev rules), whether its mount is noexec, and the driver's
 * file operations. An administrator grants or denies access with {@link #chmod}/{@link #chown}.
 */
public final class DeviceNode {
    private final String path;
    private final FileOperations ops;
    private volatile int mode;
    private volatile int uid;
    private volatile int gid;
    volatile boolean noexec;

    DeviceNode(String path, FileOperations ops, int mode) {
        this.path = path;
        this.ops = ops;
        this.mode = mode;
    }

    public String path() {
        return path;
    }

    FileOperations ops() {
        return ops;
    }

    public int mode() {
        return mode;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    /** True when the node sits on a noexec mount (mmap with PROT_EXEC is refused). */
    public boolean noexec() {
        return noexec;
    }

    /** chmod(2): only root or the owner (EPERM otherwise). */
    public void chmod(Task task, int newMode) {
        ErrnoException.check(!task.cred().isRoot() && task.cred().uid() != uid, Errno.EPERM,
                "chmod " + path + ": not the owner");
        mode = newMode & 07777;
    }

    /** chown(2): only root (EPERM otherwise). */
    public void chown(Task task, int newUid, int newGid) {
        ErrnoException.check(!task.cred().isRoot(), Errno.EPERM, "chown " + path + ": needs CAP_CHOWN");
        uid = newUid;
        gid = newGid;
    }

    /** mount -o remount,[no]exec /dev (root only). */
    public void noexec(Task task, boolean v) {
        ErrnoException.check(!task.cred().isRoot(), Errno.EPERM, "remount of " + path + ": needs CAP_SYS_ADMIN");
        noexec = v;
    }

    /** generic_permission for opening with read and/or write access: EACCES when denied. */
    void checkOpen(Cred cred, boolean read, boolean write) {
        if (cred.isRoot()) {
            return; // CAP_DAC_OVERRIDE
        }
        int bits = cred.uid() == uid ? mode >> 6 : cred.inGroup(gid) ? mode >> 3 : mode;
        boolean ok = (!read || (bits & 4) != 0) && (!write || (bits & 2) != 0);
        ErrnoException.check(!ok, Errno.EACCES, "open %s: mode %04o denies uid %d", path, mode,
                cred.uid());
    }
}
