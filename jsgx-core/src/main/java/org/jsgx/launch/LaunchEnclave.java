package org.jsgx.launch;

import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;
import java.util.Map;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Bytes;
import org.jsgx.cpu.EinitToken;
import org.jsgx.cpu.Measurement;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SigStruct;
import org.jsgx.cpu.Tcs;
import org.jsgx.engine.JavaEnclaveEngine;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.SigStructSigner;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.OpenFile;
import org.jsgx.kernel.SgxDriver;
import org.jsgx.kernel.SgxEnclaveRun;
import org.jsgx.kernel.Task;
import org.jsgx.kernel.Vdso;

/**
 * A launch enclave: an ordinary enclave in the model, built by a task through the driver's
 * ioctls, with EINITTOKENKEY set and signed by the key whose hash the LE-pubkey-hash MSRs hold,
 * so it EINITs with a zero token and may ask EGETKEY for the launch key. Its code is
 * {@link LaunchEnclaveProgram}; its measured data page carries the policy's digest. One TCS:
 * one mint at a time per instance (callers that want parallelism run several LEs).
 *
 * <p>The task must have its logical processor to itself while minting: EENTER runs on it.
 */
public final class LaunchEnclave {
    static final long TCS = 0x0, TEXT = 0x1000, DATA = 0x2000, SSA = 0x3000, SIZE = 0x4000;
    public static final long DEFAULT_BASE = 0x6000_0000_0000L;

    private final Task task;
    private final int fd;
    private final long scratch;
    private final long request;
    private final long run;
    private final Vdso vdso;
    private final byte[] mrSigner;
    private long mints;

    private LaunchEnclave(Task task, int fd, long scratch, long request, long run, Vdso vdso, byte[] mrSigner) {
        this.task = task;
        this.fd = fd;
        this.scratch = scratch;
        this.request = request;
        this.run = run;
        this.vdso = vdso;
        this.mrSigner = mrSigner;
    }

    /**
     * Builds, initialises and maps an LE in {@code task} at {@code base}.
     *
     * @param debug     a DEBUG LE: its tokens carry MASKEDATTRIBUTESLE.DEBUG and launch debug enclaves only
     * @param isvProdId the LE's product id (goes into every token it mints)
     * @param isvSvn    the LE's security version (likewise)
     */
    public static LaunchEnclave start(Task task, long base, RSAPrivateCrtKey key, LaunchPolicy policy, boolean debug,
                                      int isvProdId, int isvSvn) {
        int fd = task.open(SgxDriver.SGX_ENCLAVE, OpenFile.O_RDWR);
        check(task, fd < 0, "open " + SgxDriver.SGX_ENCLAVE);
        long scratch = EnclaveIoctls.scratch(task);
        // the image in ordinary memory: TCS, code marker, data with the policy digest, SSA
        byte[][] pages = new byte[4][];
        pages[0] = Tcs.allocate().ossa(SSA).nssa(1).oentry(TEXT).fslimit(-1).gslimit(-1).toByteArray();
        pages[1] = Arrays.copyOf("jsgx launch enclave".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 4096);
        pages[2] = new byte[4096];
        System.arraycopy(policy.digest(), 0, pages[2], (int) LaunchEnclaveProgram.POLICY_DIGEST, 32);
        pages[3] = new byte[4096];
        long[] flags = {SecInfo.flags(PageType.PT_TCS, 0), SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.X),
                SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W), SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W)};
        long src = task.mmap(0, SIZE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        Measurement m = new Measurement(1, SIZE);
        for (int i = 0; i < 4; i++) {
            task.mm().write(src + 4096L * i, pages[i]);
            m.eadd(4096L * i, flags[i]);
            for (int c = 0; c < 4096; c += 256) {
                m.eextend(4096L * i + c, pages[i], c);
            }
        }
        Attributes attrs = new Attributes(Attributes.MODE64BIT | Attributes.EINITTOKENKEY
                | (debug ? Attributes.DEBUG : 0), Attributes.XFRM_LEGACY);
        SigStruct sig = SigStructSigner.sign(SigStructFields.builder().enclaveHash(m.peekFinal()).vendor(0).date(0)
                .attributes(attrs.withFlags(attrs.flags() & ~Attributes.DEBUG))
                .attributeMask(new Attributes(~Attributes.DEBUG, ~0L)).miscSelect(0).miscMask(0)
                .isvProdId(isvProdId).isvSvn(isvSvn).build(), key);
        Secs secs = Secs.allocate().ssaFrameSize(1).attributes(attrs).miscSelect(0).baseAddr(base).size(SIZE);
        check(task, EnclaveIoctls.create(task, fd, scratch, secs) != 0, "LE: SGX_IOC_ENCLAVE_CREATE");
        for (int i = 0; i < 4; i++) {
            check(task, EnclaveIoctls.addPages(task, fd, scratch, src + 4096L * i, 4096L * i, 4096, flags[i], true) != 0,
                    "LE: SGX_IOC_ENCLAVE_ADD_PAGES");
        }
        // an LE launches with a zero token: its signer is what the MSRs hold
        check(task, EnclaveIoctls.init(task, fd, scratch, sig) != 0, "LE: SGX_IOC_ENCLAVE_INIT");
        task.munmap(src, SIZE);
        int[] prot = {Mman.PROT_READ | Mman.PROT_WRITE, Mman.PROT_READ | Mman.PROT_EXEC,
                Mman.PROT_READ | Mman.PROT_WRITE, Mman.PROT_READ | Mman.PROT_WRITE};
        for (int i = 0; i < 4; i++) {
            check(task, task.mmap(base + 4096L * i, 4096, prot[i], Mman.MAP_SHARED | Mman.MAP_FIXED, fd, 0) == -1,
                    "LE: mmap");
        }
        long request = task.mmap(0, 0x2000, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS,
                -1, 0);
        long run = request + 0x1800;
        task.mm().write(run, SgxEnclaveRun.allocate().tcs(base + TCS).toByteArray());
        Vdso vdso = new Vdso(task, new JavaEnclaveEngine(Map.of(TEXT, new LaunchEnclaveProgram(policy, DATA))));
        return new LaunchEnclave(task, fd, scratch, request, run, vdso, sig.mrSigner());
    }

    private static void check(Task task, boolean failed, String what) {
        if (failed) {
            throw new IllegalStateException(what + ": " + task.errno() + " (" + task.lastError() + ")");
        }
    }

    /** The LE's MRSIGNER: what IA32_SGXLEPUBKEYHASHn must hold for its tokens to verify. */
    public byte[] mrSigner() {
        return mrSigner.clone();
    }

    public Task task() {
        return task;
    }

    /** Tokens minted so far. */
    public synchronized long mints() {
        return mints;
    }

    /**
     * One EENTER: asks the LE for a token for the enclave signed by {@code sig} with SECS
     * {@code attributes}.
     *
     * @throws LaunchRefusedException when the LE's policy declines
     */
    public synchronized byte[] mint(SigStruct sig, Attributes attributes) {
        byte[] req = new byte[LaunchEnclaveProgram.REQUEST_ATTRIBUTES + 16];
        System.arraycopy(sig.toByteArray(), 0, req, 0, SigStruct.SIZE);
        System.arraycopy(Bytes.le64(attributes.flags()), 0, req, LaunchEnclaveProgram.REQUEST_ATTRIBUTES, 8);
        System.arraycopy(Bytes.le64(attributes.xfrm()), 0, req, LaunchEnclaveProgram.REQUEST_ATTRIBUTES + 8, 8);
        task.mm().write(request, req);
        long out = request + 0x1000;
        int ret = vdso.sgxEnterEnclave(request, out, 0, Vdso.EENTER, 0, 0, run);
        SgxEnclaveRun r = new SgxEnclaveRun(task.mm().read(run, SgxEnclaveRun.SIZE));
        if (ret != 0 || r.function() != Vdso.EEXIT) {
            throw new IllegalStateException("launch enclave did not exit normally: ret " + ret + ", vector "
                    + r.exceptionVector());
        }
        byte[] result = task.mm().read(out, EinitToken.SIZE + 4);
        int status = (result[EinitToken.SIZE] & 0xFF) | (result[EinitToken.SIZE + 1] & 0xFF) << 8;
        if (status != 0) {
            throw new LaunchRefusedException(LaunchRefusal.ofCode(status));
        }
        mints++;
        return Arrays.copyOf(result, EinitToken.SIZE);
    }

    /** Closes the LE's enclave fd (its pages go when the mappings do). */
    public void close() {
        task.close(fd);
    }

    long scratch() {
        return scratch;
    }
}
