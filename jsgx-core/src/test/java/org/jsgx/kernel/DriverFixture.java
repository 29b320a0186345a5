package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.List;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.Measurement;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SgxCapabilities;
import org.jsgx.cpu.SigStruct;
import org.jsgx.cpu.Struct;
import org.jsgx.cpu.Tcs;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.SigStructSigner;

/**
 * A booted kernel with one root task, an open /dev/sgx_enclave and user scratch memory, plus
 * helpers to issue the ioctls with their uAPI structs and to snapshot everything a refused
 * call must leave unchanged.
 */
final class DriverFixture {
    static final long SCRATCH_SIZE = 0x10000;
    /** Where the scratch area's pieces go. */
    static final long ARG = 0, SECINFO = 0x100, SECS = 0x1000, SIG = 0x2000, SRC = 0x4000;
    private static RSAPrivateCrtKey key;

    final Platform platform;
    final Kernel kernel;
    final Task task;
    final int fd;
    final long scratch;
    long base = 0x7000_0000_0000L;
    long size = 0x10000;
    final Measurement expected = new Measurement(1, 0x10000);

    DriverFixture() {
        this(SgxCapabilities.defaults(), 4L << 20);
    }

    DriverFixture(SgxCapabilities caps, long epc) {
        this(caps, epc, new Kernel.Config(true, 0));
    }

    DriverFixture(SgxCapabilities caps, long epc, Kernel.Config config) {
        platform = Platform.builder().epcSize(epc).cpus(2).capabilities(caps).build();
        kernel = Kernel.boot(platform, config);
        task = kernel.spawn(Cred.root(), 0);
        fd = task.open(SgxDriver.SGX_ENCLAVE, OpenFile.O_RDWR);
        assertThat(fd).isGreaterThanOrEqualTo(0);
        scratch = task.mmap(0, SCRATCH_SIZE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS,
                -1, 0);
    }

    static synchronized RSAPrivateCrtKey key() {
        if (key == null) {
            key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        }
        return key;
    }

    SgxEnclave encl() {
        return kernel.sgx().enclave(task, fd);
    }

    /** Writes {@code arg} at the scratch ARG slot, runs the ioctl, reads the arg back. */
    int ioctl(int cmd, Struct arg) {
        task.mm().write(scratch + ARG, arg.toByteArray());
        int ret = task.ioctl(fd, cmd, scratch + ARG);
        arg.segment().copyFrom(java.lang.foreign.MemorySegment.ofArray(task.mm().read(scratch + ARG,
                (int) arg.segment().byteSize())));
        return ret;
    }

    Secs secs() {
        return Secs.allocate().baseAddr(base).size(size).ssaFrameSize(1)
                .attributes(new Attributes(Attributes.MODE64BIT, 3));
    }

    int create(Secs secs) {
        task.mm().write(scratch + SECS, secs.toByteArray());
        return ioctl(SgxIoctl.SGX_IOC_ENCLAVE_CREATE, SgxEnclaveCreate.allocate().src(scratch + SECS));
    }

    void create() {
        assertThat(create(secs())).as(String.valueOf(task.lastError())).isZero();
    }

    /** A source page with distinct content at SRC + i*4096. */
    long source(int i, byte[] content) {
        task.mm().write(scratch + SRC + i * 4096L, content);
        return scratch + SRC + i * 4096L;
    }

    static byte[] content(int seed) {
        byte[] b = new byte[4096];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    SgxEnclaveAddPages addArg(long src, long offset, long length, long flags) {
        return SgxEnclaveAddPages.allocate().src(src).offset(offset).length(length).secinfo(scratch + SECINFO)
                .flags(flags);
    }

    int add(long src, long offset, long length, long secinfoFlags, long flags) {
        task.mm().write(scratch + SECINFO, SecInfo.of(secinfoFlags).toByteArray());
        return ioctl(SgxIoctl.SGX_IOC_ENCLAVE_ADD_PAGES, addArg(src, offset, length, flags));
    }

    /** Adds and measures one page, tracking the expected MRENCLAVE. */
    void addMeasured(long offset, long secinfoFlags, byte[] content) {
        long src = source(0, content);
        assertThat(add(src, offset, 4096, secinfoFlags, SgxIoctl.SGX_PAGE_MEASURE)).as(String.valueOf(task.lastError()))
                .isZero();
        expected.eadd(offset, secinfoFlags);
        for (int c = 0; c < 4096; c += 256) {
            expected.eextend(offset + c, content, c);
        }
    }

    /** A minimal enclave: TCS at 0, SSA at 0x1000, data at 0x2000, code (R-X) at 0x3000. */
    void buildSmall() {
        create();
        addMeasured(0, SecInfo.flags(PageType.PT_TCS, 0),
                Tcs.allocate().ossa(0x1000).nssa(1).oentry(0x3000).fslimit(-1).gslimit(-1).toByteArray());
        addMeasured(0x1000, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W), new byte[4096]);
        addMeasured(0x2000, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W), content(2));
        addMeasured(0x3000, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.X), content(3));
    }

    SigStruct sigstruct() {
        return sigstruct(expected.peekFinal(), 0);
    }

    SigStruct sigstruct(byte[] mrenclave, int vendor) {
        return SigStructSigner.sign(SigStructFields.builder().enclaveHash(mrenclave).vendor(vendor).date(0x20261122)
                .attributes(new Attributes(Attributes.MODE64BIT, 3)).attributeMask(Attributes.ZERO).miscMask(0)
                .build(), key());
    }

    int init(SigStruct s) {
        task.mm().write(scratch + SIG, s.toByteArray());
        return ioctl(SgxIoctl.SGX_IOC_ENCLAVE_INIT, SgxEnclaveInit.allocate().sigstruct(scratch + SIG));
    }

    void buildAndInit() {
        buildSmall();
        assertThat(init(sigstruct())).as(String.valueOf(task.lastError())).isZero();
    }

    /** Maps ELRANGE with the enclave fd: RW everywhere but the R-X code page at 0x3000. */
    void mapRw() {
        int shared = Mman.MAP_SHARED | Mman.MAP_FIXED;
        int rw = Mman.PROT_READ | Mman.PROT_WRITE;
        assertThat(task.mmap(base, 0x3000, rw, shared, fd, 0)).isEqualTo(base);
        assertThat(task.mmap(base + 0x3000, 0x1000, Mman.PROT_READ | Mman.PROT_EXEC, shared, fd, 0))
                .isEqualTo(base + 0x3000);
        assertThat(task.mmap(base + 0x4000, size - 0x4000, rw, shared, fd, 0)).isEqualTo(base + 0x4000);
    }

    /** Everything a refused call must leave alone: EPCM, page tables, VMAs, measurement, driver state. */
    String snapshot() {
        List<String> s = new ArrayList<>();
        for (EpcPage p : platform.epc().touchedPages()) {
            if (!p.epcm().valid()) {
                continue; // an invalid frame is the same as one never touched
            }
            s.add(String.format("%x %s", p.pa(), p.epcm()));
            if (p.secsState() != null) {
                byte[] m = p.secsState().mrEnclaveSoFar();
                s.add("measurement " + (m == null ? "final" : java.util.HexFormat.of().formatHex(m)));
            }
        }
        for (Vma v : task.mm().vmas()) {
            s.add(v.toString());
            if (v.file() == null) {
                continue; // the test's own anonymous memory fills in as it writes arguments
            }
            for (long a = v.start(); a < v.end() && a < v.start() + 0x40000; a += 4096) {
                String pte = task.mm().pteString(a);
                if (pte != null) {
                    s.add(String.format("pte %x %s", a, pte));
                }
            }
        }
        SgxEnclave e = encl();
        if (e != null) {
            s.add("encl created=" + e.created() + " init=" + e.initialized() + " pages=" + e.pageCount() + " va="
                    + e.vaPageCount() + " mask=" + e.attributesMask());
            for (long a = base; a < base + size; a += 4096) {
                SgxEnclPage p = e.page(a);
                if (p != null) {
                    s.add(p.toString());
                }
            }
        }
        s.add("free EPC " + kernel.sgx().allocator().freePages());
        return String.join("\n", s);
    }
}
