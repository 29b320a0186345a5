package org.jsgx.launch;

import java.security.interfaces.RSAPrivateCrtKey;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Measurement;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SigStruct;
import org.jsgx.cpu.Tcs;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.SigStructSigner;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.OpenFile;
import org.jsgx.kernel.SgxDriver;
import org.jsgx.kernel.Task;

/**
 * The smallest launchable enclave (a TCS and one data page), created and added through the
 * ioctls but not yet initialised: the unit of work for launch tests and the EINIT benchmark.
 * Its SIGSTRUCT is signed once per image (signing is not what is being measured).
 */
public final class SmallEnclave {
    public static final long SIZE = 0x2000;
    static final long TCS_FLAGS = SecInfo.flags(PageType.PT_TCS, 0);
    static final long DATA_FLAGS = SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W);

    /** An image: its pages and a SIGSTRUCT over them. */
    public record Image(byte[] tcs, byte[] data, Attributes attributes, SigStruct sigstruct) {
        /**
         * @param seed varies the data page, hence MRENCLAVE
         */
        public static Image of(RSAPrivateCrtKey key, Attributes attributes, int seed) {
            byte[] tcs = Tcs.allocate().ossa(SIZE - 0x1000).nssa(1).oentry(0x1000).fslimit(-1).gslimit(-1).toByteArray();
            byte[] data = new byte[4096];
            for (int i = 0; i < 4; i++) {
                data[i] = (byte) (seed >>> (8 * i));
            }
            Measurement m = new Measurement(1, SIZE);
            m.eadd(0, TCS_FLAGS);
            for (int c = 0; c < 4096; c += 256) {
                m.eextend(c, tcs, c);
            }
            m.eadd(0x1000, DATA_FLAGS);
            for (int c = 0; c < 4096; c += 256) {
                m.eextend(0x1000 + c, data, c);
            }
            SigStruct sig = SigStructSigner.sign(SigStructFields.builder().enclaveHash(m.peekFinal()).vendor(0).date(0)
                    .attributes(attributes.withFlags(attributes.flags() & ~Attributes.DEBUG))
                    .attributeMask(new Attributes(~Attributes.DEBUG, ~0L)).miscSelect(0).miscMask(0)
                    .isvProdId(1).isvSvn(1).build(), key);
            return new Image(tcs, data, attributes, sig);
        }
    }

    private final Task task;
    private final int fd;
    private final Image image;

    private SmallEnclave(Task task, int fd, Image image) {
        this.task = task;
        this.fd = fd;
        this.image = image;
    }

    /**
     * Opens /dev/sgx_enclave and runs CREATE and ADD_PAGES for {@code image} at {@code base};
     * {@code src} is a task mapping of 0x2000 bytes to stage the pages in.
     */
    public static SmallEnclave create(Task task, long scratch, long src, long base, Image image) {
        int fd = task.open(SgxDriver.SGX_ENCLAVE, OpenFile.O_RDWR);
        check(task, fd < 0, "open");
        Secs secs = Secs.allocate().ssaFrameSize(1).attributes(image.attributes()).miscSelect(0).baseAddr(base)
                .size(SIZE);
        check(task, EnclaveIoctls.create(task, fd, scratch, secs) != 0, "SGX_IOC_ENCLAVE_CREATE");
        task.mm().write(src, image.tcs());
        task.mm().write(src + 0x1000, image.data());
        check(task, EnclaveIoctls.addPages(task, fd, scratch, src, 0, 0x1000, TCS_FLAGS, true) != 0, "ADD_PAGES tcs");
        check(task, EnclaveIoctls.addPages(task, fd, scratch, src + 0x1000, 0x1000, 0x1000, DATA_FLAGS, true) != 0,
                "ADD_PAGES data");
        return new SmallEnclave(task, fd, image);
    }

    /** A staging mapping for {@link #create}. */
    public static long sourceMapping(Task task) {
        return task.mmap(0, SIZE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
    }

    private static void check(Task task, boolean failed, String what) {
        if (failed) {
            throw new IllegalStateException(what + ": " + task.errno() + " (" + task.lastError() + ")");
        }
    }

    public int fd() {
        return fd;
    }

    public Image image() {
        return image;
    }

    public SigStruct sigstruct() {
        return image.sigstruct();
    }

    public Attributes attributes() {
        return image.attributes();
    }

    public void close() {
        task.close(fd);
    }
}
