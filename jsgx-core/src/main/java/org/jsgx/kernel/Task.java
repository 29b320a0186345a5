package org.jsgx.kernel;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jsgx.cpu.LogicalProcessor;

/**
 * A process (task_struct) as the SGX driver sees it: credentials, an address space, a file
 * descriptor table, the logical processor it runs on, its personality and whether a signal is
 * pending. The syscall methods behave like libc's wrappers: they return -1 and set
 * {@link #errno()} (with the kernel's message in {@link #lastError()}) on failure, and a refused
 * call changes nothing.
 */
public final class Task {
    private final Kernel kernel;
    private final int pid;
    private final Cred cred;
    private final Mm mm;
    private final LogicalProcessor cpu;
    private final Map<Integer, OpenFile> files;
    private volatile int personality;
    /** The task's sgx_epc cgroup (null: the root group). */
    private volatile SgxEpcCgroup epcCgroup;
    private volatile boolean signalPending;
    private volatile Errno errno;
    private volatile String lastError;
    /** The task's security label (cred->security), e.g. an SELinux domain; null when unlabelled. */
    private volatile String securityContext;
    /** What the last enclave exception's kernel handling decided (read by the vDSO). */
    volatile Trap trap;
    /** User-space functions by address (the vDSO's user_handler pointers). */
    private final Map<Long, SgxEnclaveUserHandler> userFunctions = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_FUNCTION = new AtomicLong(0x40_0000);

    Task(Kernel kernel, int pid, Cred cred, Mm mm, LogicalProcessor cpu) {
        this.kernel = kernel;
        this.pid = pid;
        this.cred = cred;
        this.mm = mm;
        this.cpu = cpu;
        this.files = new TreeMap<>();
        mm.owner = this;
    }

    /** A thread: shares the mm and fd table; the mm's owner stays the group leader. */
    private Task(Kernel kernel, int pid, Cred cred, Mm mm, LogicalProcessor cpu, Map<Integer, OpenFile> files,
            Task leader) {
        this.kernel = kernel;
        this.pid = pid;
        this.cred = cred;
        this.mm = mm;
        this.cpu = cpu;
        this.files = files;
    }

    public Kernel kernel() {
        return kernel;
    }

    public int pid() {
        return pid;
    }

    public Cred cred() {
        return cred;
    }

    public Mm mm() {
        return mm;
    }

    public LogicalProcessor cpu() {
        return cpu;
    }

    public int personality() {
        return personality;
    }

    public void personality(int p) {
        personality = p;
    }

    public boolean signalPending() {
        return signalPending;
    }

    /** Marks a signal pending (interrupts ADD_PAGES and EINIT's back-off as in Linux). */
    public void signalPending(boolean v) {
        signalPending = v;
    }

    public String securityContext() {
        return securityContext;
    }

    /** Sets the task's label (what an exec into a new domain would do). */
    public void securityContext(String label) {
        securityContext = label;
    }

    /** errno of the last failed call. */
    public Errno errno() {
        return errno;
    }

    /** The kernel's explanation of the last failure (object and rule). */
    public String lastError() {
        return lastError;
    }

    /** Registers a user-space function (e.g. a vDSO exit handler) and returns its address. */
    public long registerUserFunction(SgxEnclaveUserHandler f) {
        long addr = NEXT_FUNCTION.getAndAdd(0x10);
        userFunctions.put(addr, f);
        return addr;
    }

    SgxEnclaveUserHandler userFunction(long addr) {
        return userFunctions.get(addr);
    }

    private long syscall(Supplier<Long> body) {
        kernel.current(this);
        try {
            long r = body.get();
            return r;
        } catch (ErrnoException e) {
            errno = e.errno().userVisible();
            lastError = e.getMessage();
            return -1;
        }
    }

    // ---- file descriptors ----

    OpenFile file(int fd) {
        synchronized (files) {
            return files.get(fd);
        }
    }

    private int install(OpenFile f) {
        synchronized (files) {
            int fd = 3;
            while (files.containsKey(fd)) {
                fd++;
            }
            files.put(fd, f);
            return fd;
        }
    }

    /** open(2) of a device node; flags are O_RDONLY/O_WRONLY/O_RDWR. */
    public int open(String path, int flags) {
        return (int) syscall(() -> {
            DeviceNode node = kernel.devfs().lookup(path);
            ErrnoException.check(node == null, Errno.ENOENT, "open " + path + ": no such device node");
            int acc = flags & OpenFile.O_ACCMODE;
            node.checkOpen(cred, acc != OpenFile.O_WRONLY, acc != OpenFile.O_RDONLY);
            kernel.lsm().fileOpen(this, node, acc != OpenFile.O_WRONLY, acc != OpenFile.O_RDONLY);
            OpenFile f = new OpenFile(node, flags);
            node.ops().open(f, this);
            return (long) install(f);
        });
    }

    public int close(int fd) {
        return (int) syscall(() -> {
            OpenFile f;
            synchronized (files) {
                f = files.remove(fd);
            }
            ErrnoException.check(f == null, Errno.EBADF, "close: bad fd " + fd);
            f.put(this);
            return 0L;
        });
    }

    /** ioctl(2): cmd is the 32-bit request number, arg a user pointer. */
    public int ioctl(int fd, int cmd, long arg) {
        return (int) syscall(() -> {
            OpenFile f = file(fd);
            ErrnoException.check(f == null, Errno.EBADF, "ioctl: bad fd " + fd);
            return f.ops().ioctl(f, this, cmd, arg);
        });
    }

    // ---- memory ----

    /** mmap(2); returns the address or -1 (MAP_FAILED). fd is ignored with MAP_ANONYMOUS. */
    public long mmap(long addr, long len, int prot, int flags, int fd, long offset) {
        return syscall(() -> {
            OpenFile f = null;
            if ((flags & Mman.MAP_ANONYMOUS) == 0) {
                f = file(fd);
                ErrnoException.check(f == null, Errno.EBADF, "mmap: bad fd " + fd);
            }
            OpenFile file = f;
            mm.mmapLock.writeLock().lock();
            try {
                return mm.mmap(this, addr, len, prot, flags, file, offset >>> 12);
            } finally {
                mm.mmapLock.writeLock().unlock();
            }
        });
    }

    public int munmap(long addr, long len) {
        return (int) syscall(() -> {
            ErrnoException.check(!Mman.pageAligned(addr) || len == 0, Errno.EINVAL, "munmap: bad range");
            mm.mmapLock.writeLock().lock();
            try {
                mm.munmapLocked(addr, (len + 4095) & ~4095L);
            } finally {
                mm.mmapLock.writeLock().unlock();
            }
            return 0L;
        });
    }

    public int mprotect(long addr, long len, int prot) {
        return (int) syscall(() -> {
            mm.mmapLock.writeLock().lock();
            try {
                mm.mprotect(addr, len, prot);
            } finally {
                mm.mmapLock.writeLock().unlock();
            }
            return 0L;
        });
    }

    public long mremap(long oldAddr, long oldLen, long newLen, int flags) {
        return syscall(() -> {
            mm.mmapLock.writeLock().lock();
            try {
                return mm.mremap(oldAddr, oldLen, newLen, flags);
            } finally {
                mm.mmapLock.writeLock().unlock();
            }
        });
    }

    public SgxEpcCgroup epcCgroup() {
        return epcCgroup;
    }

    /** Moves the task into {@code g} (echo pid > cgroup.procs); enclaves it opens later are charged there. */
    public void epcCgroup(SgxEpcCgroup g) {
        epcCgroup = g;
    }

    /**
     * clone(CLONE_VM | CLONE_FILES | CLONE_THREAD): a thread of this process on logical processor
     * {@code cpu}, sharing the mm, the open files and the cgroup.
     */
    public Task cloneThread(int cpu) {
        Task t = new Task(kernel, kernel.nextPid(), cred, mm, kernel.platform().cpu(cpu), files, this);
        t.epcCgroup = epcCgroup;
        return t;
    }

    /** fork(2): a child with a copy of the mm (enclave mappings shared) and the same fds. */
    public Task fork() {
        kernel.current(this);
        Task child = kernel.newTask(cred, mm.fork(), cpu);
        synchronized (files) {
            files.forEach((fd, f) -> {
                f.get();
                child.files.put(fd, f);
            });
        }
        return child;
    }

    /** exit(2): closes every fd and tears the mm down. */
    public void exit() {
        kernel.current(this);
        synchronized (files) {
            for (int fd : files.keySet().toArray(new Integer[0])) {
                close(fd);
            }
        }
        mm.exit();
    }
}
