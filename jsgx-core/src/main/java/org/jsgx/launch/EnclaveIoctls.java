package org.jsgx.launch;

import org.jsgx.cpu.EinitToken;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SigStruct;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxEnclaveAddPages;
import org.jsgx.kernel.SgxEnclaveCreate;
import org.jsgx.kernel.SgxEnclaveInit;
import org.jsgx.kernel.SgxEnclaveInitToken;
import org.jsgx.kernel.SgxIoctl;
import org.jsgx.kernel.Task;

/**
 * The user-space side of the enclave ioctls, as a loader issues them: each call stages its
 * uAPI struct and buffers in a scratch mapping of the task and returns what ioctl(2) returned
 * (0 or -1 with the task's errno).
 */
public final class EnclaveIoctls {
    /** Scratch layout: the ioctl arg, SECINFO, SECS/SIGSTRUCT, the token. */
    static final long ARG = 0, SECINFO = 0x100, TOKEN = 0x800, STRUCT = 0x1000;
    public static final long SCRATCH_SIZE = 0x2000;

    private EnclaveIoctls() {
    }

    /** A private read-write mapping for {@link #SCRATCH_SIZE} bytes of staging. */
    public static long scratch(Task task) {
        return task.mmap(0, SCRATCH_SIZE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS,
                -1, 0);
    }

    public static int create(Task task, int fd, long scratch, Secs secs) {
        task.mm().write(scratch + STRUCT, secs.toByteArray());
        task.mm().write(scratch + ARG, SgxEnclaveCreate.allocate().src(scratch + STRUCT).toByteArray());
        return task.ioctl(fd, SgxIoctl.SGX_IOC_ENCLAVE_CREATE, scratch + ARG);
    }

    public static int addPages(Task task, int fd, long scratch, long src, long offset, long length, long secinfoFlags,
                               boolean measure) {
        task.mm().write(scratch + SECINFO, SecInfo.of(secinfoFlags).toByteArray());
        task.mm().write(scratch + ARG, SgxEnclaveAddPages.allocate().src(src).offset(offset).length(length)
                .secinfo(scratch + SECINFO).flags(measure ? SgxIoctl.SGX_PAGE_MEASURE : 0).toByteArray());
        return task.ioctl(fd, SgxIoctl.SGX_IOC_ENCLAVE_ADD_PAGES, scratch + ARG);
    }

    /** SGX_IOC_ENCLAVE_INIT (no token: flexible launch control, the in-kernel LE, or an LE itself). */
    public static int init(Task task, int fd, long scratch, SigStruct sig) {
        task.mm().write(scratch + STRUCT, sig.toByteArray());
        task.mm().write(scratch + ARG, SgxEnclaveInit.allocate().sigstruct(scratch + STRUCT).toByteArray());
        return task.ioctl(fd, SgxIoctl.SGX_IOC_ENCLAVE_INIT, scratch + ARG);
    }

    /** SGX_IOC_ENCLAVE_INIT_TOKEN with a token from user space. */
    public static int initWithToken(Task task, int fd, long scratch, SigStruct sig, byte[] token) {
        if (token.length != EinitToken.SIZE) {
            throw new IllegalArgumentException("an EINITTOKEN is " + EinitToken.SIZE + " bytes");
        }
        task.mm().write(scratch + STRUCT, sig.toByteArray());
        task.mm().write(scratch + TOKEN, token);
        task.mm().write(scratch + ARG, SgxEnclaveInitToken.allocate().sigstruct(scratch + STRUCT)
                .einittoken(scratch + TOKEN).toByteArray());
        return task.ioctl(fd, SgxIoctl.SGX_IOC_ENCLAVE_INIT_TOKEN, scratch + ARG);
    }
}
