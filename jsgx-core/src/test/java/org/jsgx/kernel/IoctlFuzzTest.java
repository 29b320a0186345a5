package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.jsgx.cpu.SgxCapabilities;
import org.junit.jupiter.api.Test;

/**
 * Random argument structs into every upstream ioctl, on enclaves in every state (no enclave,
 * being built, initialised and mapped): each call must return 0 or -1 with one of the errnos
 * the driver documents, never throw; and a refusal that reports no progress must change
 * nothing. The words of each struct are drawn from a small grammar (random, zero, aligned
 * offsets, pointers to valid staged structures, SECINFO flags) so that calls reach deep checks,
 * not only the first EFAULT. A longer run: -Djsgx.fuzz.ioctl.iterations=N.
 */
class IoctlFuzzTest {
    private static final int[] COMMANDS = {SgxIoctl.SGX_IOC_ENCLAVE_CREATE, SgxIoctl.SGX_IOC_ENCLAVE_ADD_PAGES,
        SgxIoctl.SGX_IOC_ENCLAVE_INIT, SgxIoctl.SGX_IOC_ENCLAVE_PROVISION, SgxIoctl.SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS,
        SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, SgxIoctl.SGX_IOC_ENCLAVE_REMOVE_PAGES};
    private static final Set<Errno> DOCUMENTED = EnumSet.of(Errno.EINVAL, Errno.EFAULT, Errno.EBUSY, Errno.EPERM,
            Errno.EIO, Errno.ENOMEM, Errno.EACCES, Errno.EINTR, Errno.EAGAIN, Errno.ENODEV, Errno.ENOTTY, Errno.EBADF);

    @Test
    void randomArgumentsGetDocumentedErrnosAndRefusalsChangeNothing() {
        int iterations = Integer.getInteger("jsgx.fuzz.ioctl.iterations", 600);
        List<String> problems = new ArrayList<>();
        long calls = 0;
        long refusals = 0;
        for (int state = 0; state < 3; state++) {
            SplittableRandom rnd = new SplittableRandom(1000 + state);
            DriverFixture f = fixture(state);
            for (int i = 0; i < iterations; i++) {
                int cmd = COMMANDS[rnd.nextInt(COMMANDS.length)];
                int size = (cmd >>> 16) & 0x3FFF;
                byte[] arg = new byte[size];
                for (int w = 0; w + 8 <= size; w += 8) {
                    put(arg, w, word(rnd, f));
                }
                String before = f.snapshot();
                f.task.mm().write(f.scratch + DriverFixture.ARG, arg);
                int ret;
                try {
                    ret = f.task.ioctl(f.fd, cmd, f.scratch + DriverFixture.ARG);
                } catch (RuntimeException e) {
                    problems.add(String.format("ioctl 0x%x threw %s", cmd, e));
                    continue;
                }
                calls++;
                if (ret == 0) {
                    continue;
                }
                refusals++;
                Errno e = f.task.errno();
                if (ret != -1 || !DOCUMENTED.contains(e)) {
                    problems.add(String.format("ioctl 0x%x returned %d errno %s (%s)", cmd, ret, e, f.task.lastError()));
                }
                if (noProgress(f, cmd) && !before.equals(f.snapshot())) {
                    problems.add(String.format("ioctl 0x%x refused with %s but changed state", cmd, e));
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(calls).isEqualTo(3L * iterations);
        assertThat(refusals).isGreaterThan(calls / 4).isLessThan(calls);
    }

    /** state 0: /dev open, no enclave; 1: created with pages being added; 2: initialised and mapped. */
    private static DriverFixture fixture(int state) {
        DriverFixture f = new DriverFixture(SgxCapabilities.defaults(), 4L << 20);
        // staged structures the grammar points into
        f.task.mm().write(f.scratch + DriverFixture.SECS, f.secs().toByteArray());
        f.task.mm().write(f.scratch + DriverFixture.SECINFO, org.jsgx.cpu.SecInfo.of(0x203).toByteArray());
        f.task.mm().write(f.scratch + DriverFixture.SRC, DriverFixture.content(3));
        if (state == 1) {
            f.create();
        } else if (state == 2) {
            f.buildAndInit();
            f.mapRw();
        }
        f.task.mm().write(f.scratch + DriverFixture.SIG, f.sigstruct().toByteArray());
        return f;
    }

    private static long word(SplittableRandom rnd, DriverFixture f) {
        return switch (rnd.nextInt(9)) {
            case 0 -> rnd.nextLong();
            case 1 -> 0;
            case 2 -> (long) rnd.nextInt(32) * 4096;
            case 3 -> (long) rnd.nextInt(0x10000);
            case 4 -> f.scratch + new long[] {DriverFixture.SRC, DriverFixture.SECINFO, DriverFixture.SECS,
                DriverFixture.SIG}[rnd.nextInt(4)];
            case 5 -> new long[] {0x203, 0x205, 0x201, 0x100, 0x400, 0x1, 0x7}[rnd.nextInt(7)];
            case 6 -> f.base + (long) rnd.nextInt(24) * 4096;
            case 7 -> 1; // SGX_PAGE_MEASURE, count 1, R ...
            default -> f.fd;
        };
    }

    /** A refusal that reports progress (count > 0) may legitimately have changed state. */
    private static boolean noProgress(DriverFixture f, int cmd) {
        int size = (cmd >>> 16) & 0x3FFF;
        if (cmd == SgxIoctl.SGX_IOC_ENCLAVE_CREATE || cmd == SgxIoctl.SGX_IOC_ENCLAVE_INIT
                || cmd == SgxIoctl.SGX_IOC_ENCLAVE_PROVISION) {
            return true;
        }
        byte[] out = f.task.mm().read(f.scratch + DriverFixture.ARG, size);
        long count = 0;
        for (int i = 7; i >= 0; i--) {
            count = (count << 8) | (out[size - 8 + i] & 0xff); // count is the last field of these structs
        }
        return count == 0;
    }

    private static void put(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
