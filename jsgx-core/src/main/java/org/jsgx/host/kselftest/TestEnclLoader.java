package org.jsgx.host.kselftest;

import java.util.ArrayList;
import java.util.List;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SigStruct;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.OpenFile;
import org.jsgx.kernel.SgxDriver;
import org.jsgx.kernel.SgxEnclaveAddPages;
import org.jsgx.kernel.SgxEnclaveCreate;
import org.jsgx.kernel.SgxEnclaveInit;
import org.jsgx.kernel.SgxIoctl;
import org.jsgx.kernel.Task;

/**
 * load.c of the selftests: opens /dev/sgx_enclave (probing for a noexec /dev), maps the image,
 * turns it into segments (TCS 0x100, text 0x205, data 0x203, then the unmeasured heap 0x203),
 * reserves a naturally aligned ELRANGE, and builds the enclave with CREATE, one ADD_PAGES per
 * segment and INIT — the ioctl sequence of encl_build — then maps each segment with the
 * enclave fd as the harness does.
 */
public final class TestEnclLoader {
    /** One segment: where it goes, its mapping rights, SECINFO flags, whether it is measured. */
    public record Segment(long offset, long size, int prot, long flags, boolean measure, long src, byte[] content) {
    }

    /** struct encl. */
    public static final class Encl {
        public Task task;
        public int fd;
        public long base;
        public long size;
        public long srcSize;
        public final List<Segment> segments = new ArrayList<>();
        public SigStruct sigstruct;
        public byte[] mrenclave;
    }

    private TestEnclLoader() {
    }

    private static IllegalStateException fail(Task t, String what) {
        return new IllegalStateException(what + ": " + t.errno() + " (" + t.lastError() + ")");
    }

    /** encl_load(path, encl, heap_size[, dynamic_size]) of the Java test enclave. */
    public static Encl load(Task task, long heapSize, long dynamicSize) {
        return load(task, TestEncl.JAVA, heapSize, dynamicSize);
    }

    /** encl_load(path, encl, heap_size[, dynamic_size]) of {@code enclave}. */
    public static Encl load(Task task, KselftestEnclave enclave, long heapSize, long dynamicSize) {
        return load(task, enclave, heapSize, dynamicSize, TestEnclSigner::sign);
    }

    /**
     * encl_load with another signer: {@code signer} maps MRENCLAVE (encl_measure's hash) to the
     * SIGSTRUCT INIT will use (e.g. signed with a given key, or read from a file).
     */
    public static Encl load(Task task, KselftestEnclave enclave, long heapSize, long dynamicSize,
            java.util.function.Function<byte[], SigStruct> signer) {
        Encl e = new Encl();
        e.task = task;
        e.fd = task.open(SgxDriver.SGX_ENCLAVE, OpenFile.O_RDWR);
        if (e.fd < 0) {
            throw fail(task, "open() " + SgxDriver.SGX_ENCLAVE);
        }
        long p = task.mmap(0, 4096, Mman.PROT_READ, Mman.MAP_SHARED, e.fd, 0);
        if (p == -1) {
            throw fail(task, "mmap() for PROT_READ");
        }
        task.munmap(p, 4096);
        p = task.mmap(0, 4096, Mman.PROT_EXEC, Mman.MAP_SHARED, e.fd, 0);
        if (p == -1) {
            throw fail(task, "no execute permissions on device file " + SgxDriver.SGX_ENCLAVE
                    + "; check that /dev does not have noexec set");
        }
        task.munmap(p, 4096);

        // the ELF file, mapped read-only
        List<KselftestEnclave.Part> parts = enclave.parts();
        long imageEnd = 0;
        for (KselftestEnclave.Part p0 : parts) {
            imageEnd = Math.max(imageEnd, p0.offset() + p0.size());
        }
        long bin = task.mmap(0, imageEnd, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS,
                -1, 0);
        for (KselftestEnclave.Part p0 : parts) {
            task.mm().write(bin + p0.offset(), p0.content());
        }
        task.mprotect(bin, imageEnd, Mman.PROT_READ);
        long dataFlags = SecInfo.flags(org.jsgx.cpu.PageType.PT_REG, SecInfo.R | SecInfo.W);
        for (KselftestEnclave.Part p0 : parts) {
            e.segments.add(new Segment(p0.offset(), p0.size(), p0.prot(), p0.flags(), true, bin + p0.offset(),
                    p0.content()));
        }
        long heap = task.mmap(0, heapSize, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS,
                -1, 0);
        if (heap == -1) {
            throw fail(task, "mmap() heap");
        }
        e.segments.add(new Segment(imageEnd, heapSize, Mman.PROT_READ | Mman.PROT_WRITE, dataFlags, false,
                heap, null));
        e.srcSize = imageEnd + heapSize;
        long size = 4096;
        while (size < e.srcSize + dynamicSize) {
            size <<= 1;
        }
        e.size = size;
        e.mrenclave = TestEnclSigner.mrenclave(size, e.segments);
        e.sigstruct = signer.apply(e.mrenclave);
        return e;
    }

    /** encl_map_area: a 2×size PROT_NONE reservation, trimmed to a size-aligned ELRANGE. */
    static long mapArea(Task task, long size) {
        long area = task.mmap(0, 2 * size, Mman.PROT_NONE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        if (area == -1) {
            throw fail(task, "mmap() reservation");
        }
        long base = (area + size - 1) & -size;
        if (base > area) {
            task.munmap(area, base - area);
        }
        if (area + 2 * size > base + size) {
            task.munmap(base + size, area + 2 * size - (base + size));
        }
        return base;
    }

    /** encl_build: CREATE, ADD_PAGES per segment, INIT. */
    public static void build(Encl e) {
        long scratch = buildUninitialized(e);
        Task t = e.task;
        t.mm().write(scratch + 0x1000, e.sigstruct.toByteArray());
        t.mm().write(scratch, SgxEnclaveInit.allocate().sigstruct(scratch + 0x1000).toByteArray());
        if (t.ioctl(e.fd, SgxIoctl.SGX_IOC_ENCLAVE_INIT, scratch) != 0) {
            throw fail(t, "SGX_IOC_ENCLAVE_INIT");
        }
        t.munmap(scratch, 0x4000);
    }

    /** The SECS attributes encl_build creates the enclave with (what a launch token must carry). */
    public static final Attributes ATTRIBUTES = new Attributes(Attributes.MODE64BIT, 3);

    /**
     * encl_build up to INIT (CREATE and the ADD_PAGES), for launchers that INIT differently;
     * returns the 0x4000-byte scratch mapping used, which the caller unmaps.
     */
    public static long buildUninitialized(Encl e) {
        Task t = e.task;
        e.base = mapArea(t, e.size);
        long scratch = t.mmap(0, 0x4000, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        Secs secs = Secs.allocate().ssaFrameSize(1).attributes(ATTRIBUTES).miscSelect(0)
                .baseAddr(e.base).size(e.size);
        t.mm().write(scratch + 0x1000, secs.toByteArray());
        t.mm().write(scratch, SgxEnclaveCreate.allocate().src(scratch + 0x1000).toByteArray());
        if (t.ioctl(e.fd, SgxIoctl.SGX_IOC_ENCLAVE_CREATE, scratch) != 0) {
            throw fail(t, "SGX_IOC_ENCLAVE_CREATE");
        }
        for (Segment s : e.segments) {
            t.mm().write(scratch + 0x100, SecInfo.of(s.flags()).toByteArray());
            t.mm().write(scratch, SgxEnclaveAddPages.allocate().src(s.src()).offset(s.offset()).length(s.size())
                    .secinfo(scratch + 0x100).flags(s.measure() ? SgxIoctl.SGX_PAGE_MEASURE : 0).toByteArray());
            if (t.ioctl(e.fd, SgxIoctl.SGX_IOC_ENCLAVE_ADD_PAGES, scratch) != 0) {
                throw fail(t, String.format("SGX_IOC_ENCLAVE_ADD_PAGES at 0x%x", s.offset()));
            }
        }
        return scratch;
    }

    /** The harness's mapping of every segment at base + offset with its rights, MAP_SHARED|MAP_FIXED. */
    public static void mapSegments(Encl e) {
        for (Segment s : e.segments) {
            long a = e.task.mmap(e.base + s.offset(), s.size(), s.prot(), Mman.MAP_SHARED | Mman.MAP_FIXED, e.fd, 0);
            if (a == -1) {
                throw fail(e.task, String.format("mmap() segment at 0x%x", s.offset()));
            }
        }
    }
}
