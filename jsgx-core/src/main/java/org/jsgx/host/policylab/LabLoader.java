package org.jsgx.host.policylab;

import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.List;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Bytes;
import org.jsgx.cpu.Measurement;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SgxCapabilities;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.SigStructSigner;
import org.jsgx.kernel.Cred;
import org.jsgx.kernel.Kernel;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.OpenFile;
import org.jsgx.kernel.SgxDriver;
import org.jsgx.kernel.SgxEnclaveAddPages;
import org.jsgx.kernel.SgxEnclaveCreate;
import org.jsgx.kernel.SgxEnclaveInit;
import org.jsgx.kernel.SgxEnclaveRun;
import org.jsgx.kernel.SgxIoctl;
import org.jsgx.kernel.SgxUapi;
import org.jsgx.kernel.Task;
import org.jsgx.kernel.Vdso;
import org.jsgx.lsm.Policy;

/**
 * A user-space loader written for each driver design: it builds the lab enclave through the
 * ioctls (CREATE, ADD_PAGES, INIT), maps it the way the design wants (mmap per region upstream,
 * PROT_NONE + SGX_IOC_MPROTECT for Sean's, PROT_NONE + SGX_IOC_MAP_SEGMENT for Andy's), adds
 * pages after EINIT (EAUG on fault, or SGX_IOC_ENCLAVE_AUGMENT_PAGES) and enters through the
 * vDSO. Every refused step throws {@link LabDenied} with the kernel's errno and reason.
 */
final class LabLoader {
    /** Where a page's contents come from. */
    enum Source { ANON, FILE_TEXT, FILE_DATA }

    record Region(long offset, long secinfo, int prot, Source source, byte[] content) {
    }

    private static RSAPrivateCrtKey key;

    final Policy policy;
    final Kernel kernel;
    final Task task;
    final List<Region> regions = new ArrayList<>();
    int fd;
    long base;
    private long op;
    private long fileText, fileData;
    private final Vdso vdso;

    LabLoader(Policy policy, String domain) {
        this.policy = policy;
        Platform platform = Platform.builder().epcSize(1 << 20).cpus(1)
                .capabilities(SgxCapabilities.defaults().withSgx2(true)).build();
        kernel = Kernel.boot(platform, new Kernel.Config(true, 0).with(policy.uapi(), policy.newModule()));
        task = kernel.spawn(Cred.root(), 0);
        task.securityContext(domain);
        vdso = new Vdso(task, LabEnclave.engine());
    }

    private static synchronized RSAPrivateCrtKey key() {
        if (key == null) {
            key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        }
        return key;
    }

    private LabDenied denied(String step) {
        return new LabDenied(step, String.valueOf(task.errno()), task.lastError());
    }

    private long check(String step, long r) {
        if (r == -1) {
            throw denied(step);
        }
        return r;
    }

    private boolean protNoneDesign() {
        return policy.uapi() == SgxUapi.MPROTECT_IOCTL || policy.uapi() == SgxUapi.SEGMENTS;
    }

    /** The enclave file (text page, data page) at {@code path}, mapped as dlopen would. */
    void enclaveFile(String path, boolean noexec) {
        byte[] content = new byte[8192];
        System.arraycopy(LabEnclave.code(1), 0, content, 0, 4096);
        content[4096] = 1;
        kernel.createFile(path, content, noexec);
        int f = (int) check("open " + path, task.open(path, OpenFile.O_RDONLY));
        // text MAP_SHARED from a read-only fd: no VM_MAYWRITE (what Sean's design needs)
        fileText = check("mmap text of " + path, task.mmap(0, 8192, Mman.PROT_READ | Mman.PROT_EXEC, Mman.MAP_SHARED,
                f, 0));
        fileData = check("mmap data of " + path, task.mmap(0, 8192, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE, f, 0)) + 4096;
    }

    void region(long offset, PageType type, long perms, int prot, Source source, byte[] content) {
        regions.add(new Region(offset, SecInfo.flags(type, perms), prot, source, content));
    }

    /** The standard image: TCS (built in memory: ELF files carry no TCS), text and data from the file, SSA. */
    void staticImage() {
        region(LabEnclave.TCS, PageType.PT_TCS, 0, Mman.PROT_READ | Mman.PROT_WRITE, Source.ANON, LabEnclave.tcs());
        region(LabEnclave.TEXT, PageType.PT_REG, SecInfo.R | SecInfo.X, Mman.PROT_READ | Mman.PROT_EXEC,
                Source.FILE_TEXT, LabEnclave.code(1));
        byte[] data = new byte[4096];
        data[0] = 1;
        region(LabEnclave.DATA, PageType.PT_REG, SecInfo.R | SecInfo.W, Mman.PROT_READ | Mman.PROT_WRITE,
                Source.FILE_DATA, data);
        region(LabEnclave.SSA, PageType.PT_REG, SecInfo.R | SecInfo.W, Mman.PROT_READ | Mman.PROT_WRITE,
                Source.ANON, new byte[4096]);
    }

    private long source(Region r) {
        return switch (r.source()) {
            case FILE_TEXT -> fileText;
            case FILE_DATA -> fileData;
            case ANON -> {
                long a = check("mmap source", task.mmap(0, 4096, Mman.PROT_READ | Mman.PROT_WRITE,
                        Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0));
                task.mm().write(a, r.content());
                // generated code is made executable where it was written (what a JIT or Graphene does)
                int p = (r.secinfo() & SecInfo.RWX) == 0 ? Mman.PROT_READ | Mman.PROT_WRITE : (int) (r.secinfo() & SecInfo.RWX);
                check("mprotect source", task.mprotect(a, 4096, p));
                yield a;
            }
        };
    }

    /** CREATE, one ADD_PAGES per region, INIT — then the mappings. */
    void build() {
        byte[] mrenclave;
        Measurement m = new Measurement(1, LabEnclave.SIZE);
        for (Region r : regions) {
            m.eadd(r.offset(), r.secinfo());
            for (int c = 0; c < 4096; c += 256) {
                m.eextend(r.offset() + c, r.content(), c);
            }
        }
        mrenclave = m.peekFinal();
        fd = (int) check("open " + SgxDriver.SGX_ENCLAVE, task.open(SgxDriver.SGX_ENCLAVE,
                protNoneDesign() ? OpenFile.O_RDONLY : OpenFile.O_RDWR));
        long area = check("reserve ELRANGE", task.mmap(0, 2 * LabEnclave.SIZE, Mman.PROT_NONE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0));
        base = (area + LabEnclave.SIZE - 1) & -LabEnclave.SIZE;
        long s = check("mmap scratch", task.mmap(0, 0x3000, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0));
        op = check("mmap op", task.mmap(0, 0x1000, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0));
        task.mm().write(s + 0x1000, Secs.allocate().ssaFrameSize(1).attributes(new Attributes(Attributes.MODE64BIT, 3))
                .baseAddr(base).size(LabEnclave.SIZE).toByteArray());
        task.mm().write(s, SgxEnclaveCreate.allocate().src(s + 0x1000).toByteArray());
        check("SGX_IOC_ENCLAVE_CREATE", task.ioctl(fd, SgxIoctl.SGX_IOC_ENCLAVE_CREATE, s));
        for (Region r : regions) {
            long src = source(r);
            long flags = SgxIoctl.SGX_PAGE_MEASURE;
            if (policy.uapi() == SgxUapi.SEGMENTS) {
                long seg = r.secinfo() >>> 8 == PageType.PT_TCS.value() ? 3 : r.secinfo() & SecInfo.RWX;
                flags |= seg << SgxIoctl.SGX_PAGE_SEGMENT_SHIFT;
            }
            task.mm().write(s + 0x100, SecInfo.of(r.secinfo()).toByteArray());
            task.mm().write(s, SgxEnclaveAddPages.allocate().src(src).offset(r.offset()).length(4096)
                    .secinfo(s + 0x100).flags(flags).toByteArray());
            check(String.format("ADD_PAGES at 0x%x", r.offset()),
                    task.ioctl(fd, SgxIoctl.SGX_IOC_ENCLAVE_ADD_PAGES, s));
        }
        SigStruct sig = SigStructSigner.sign(SigStructFields.builder().enclaveHash(mrenclave).vendor(0).date(0)
                .attributes(new Attributes(Attributes.MODE64BIT, 3)).attributeMask(Attributes.ZERO)
                .miscSelect(0).miscMask(0).isvProdId(0).isvSvn(0).build(), key());
        task.mm().write(s + 0x1000, sig.toByteArray());
        task.mm().write(s, SgxEnclaveInit.allocate().sigstruct(s + 0x1000).toByteArray());
        check("SGX_IOC_ENCLAVE_INIT", task.ioctl(fd, SgxIoctl.SGX_IOC_ENCLAVE_INIT, s));
        if (protNoneDesign()) {
            check("mmap PROT_NONE", task.mmap(base, LabEnclave.SIZE, Mman.PROT_NONE, Mman.MAP_SHARED | Mman.MAP_FIXED,
                    fd, 0));
        }
        for (Region r : regions) {
            long seg = (r.secinfo() >>> 8) == PageType.PT_TCS.value() ? 3 : r.secinfo() & SecInfo.RWX;
            map(r.offset(), r.prot(), seg);
        }
    }

    private void ioctl3(String step, int cmd, long a, long b, long c, long d) {
        byte[] arg = new byte[32];
        System.arraycopy(Bytes.le64(a), 0, arg, 0, 8);
        System.arraycopy(Bytes.le64(b), 0, arg, 8, 8);
        System.arraycopy(Bytes.le64(c), 0, arg, 16, 8);
        System.arraycopy(Bytes.le64(d), 0, arg, 24, 8);
        task.mm().write(op + 0x800, arg);
        check(step, task.ioctl(fd, cmd, op + 0x800));
    }

    /** Maps one enclave page with {@code prot}, as the design wants it mapped. */
    void map(long offset, int prot, long segment) {
        String step = String.format("map 0x%x %s", offset, protName(prot));
        switch (policy.uapi()) {
            case MPROTECT_IOCTL -> ioctl3("SGX_IOC_MPROTECT " + step, SgxIoctl.SGX_IOC_MPROTECT, base + offset, 4096,
                    prot, 0);
            case SEGMENTS -> ioctl3("SGX_IOC_MAP_SEGMENT " + step, SgxIoctl.SGX_IOC_MAP_SEGMENT, base + offset, 4096,
                    prot, segment);
            default -> check("mmap " + step, task.mmap(base + offset, 4096, prot, Mman.MAP_SHARED | Mman.MAP_FIXED,
                    fd, 0));
        }
    }

    /** Changes the rights of a mapped page: mprotect(), or SGX_IOC_MPROTECT where the VMA has no VM_MAY*. */
    void protect(long offset, int prot) {
        String step = String.format("mprotect 0x%x %s", offset, protName(prot));
        if (policy.uapi() == SgxUapi.MPROTECT_IOCTL) {
            ioctl3("SGX_IOC_MPROTECT " + step, SgxIoctl.SGX_IOC_MPROTECT, base + offset, 4096, prot, 0);
        } else {
            check(step, task.mprotect(base + offset, 4096, prot));
        }
    }

    /** Before a page is added after EINIT: AUGMENT_PAGES with its final rights where that ioctl exists. */
    void augment(long offset, long perms) {
        if (policy.uapi() == SgxUapi.AUGMENT_IOCTL) {
            task.mm().write(op + 0x900, SecInfo.of(SecInfo.flags(PageType.PT_REG, perms)).toByteArray());
            ioctl3("SGX_IOC_ENCLAVE_AUGMENT_PAGES " + protName((int) perms), SgxIoctl.SGX_IOC_ENCLAVE_AUGMENT_PAGES,
                    offset, 4096, op + 0x900, 0);
        }
    }

    /** Where the VM_MAY* of a page are the kernel's: SGX_IOC_EXTEND_PERMISSIONS. */
    void extend(long offset, long perms) {
        if (policy.uapi() == SgxUapi.MPROTECT_IOCTL) {
            ioctl3("SGX_IOC_EXTEND_PERMISSIONS", SgxIoctl.SGX_IOC_EXTEND_PERMISSIONS, offset, 4096, perms, 0);
        }
    }

    /** EENTER through the vDSO with one op; a fault the kernel could not resolve is a denial. */
    long enter(String step, long type, long a, long b, long c) {
        byte[] o = new byte[40];
        System.arraycopy(Bytes.le64(type), 0, o, 0, 8);
        System.arraycopy(Bytes.le64(a), 0, o, 8, 8);
        System.arraycopy(Bytes.le64(b), 0, o, 16, 8);
        System.arraycopy(Bytes.le64(c), 0, o, 24, 8);
        task.mm().write(op, o);
        long run = op + 0x400;
        task.mm().write(run, SgxEnclaveRun.allocate().tcs(base + LabEnclave.TCS).toByteArray());
        int ret = vdso.sgxEnterEnclave(op, 0, 0, Vdso.EENTER, 0, 0, run);
        SgxEnclaveRun r = new SgxEnclaveRun(task.mm().read(run, SgxEnclaveRun.SIZE));
        if (ret != 0 || r.function() != Vdso.EEXIT) {
            List<String> audit = kernel.auditLog();
            String why = audit.isEmpty() ? "" : " (" + audit.getLast() + ")";
            throw new LabDenied(step, "fault", String.format("enclave exception vector %d at 0x%x%s",
                    r.exceptionVector(), r.exceptionAddr(), why));
        }
        return task.mm().readU64(op + 32);
    }

    static String protName(int prot) {
        return ((prot & Mman.PROT_READ) != 0 ? "R" : "") + ((prot & Mman.PROT_WRITE) != 0 ? "W" : "")
                + ((prot & Mman.PROT_EXEC) != 0 ? "X" : "") + (prot == 0 ? "NONE" : "");
    }
}
