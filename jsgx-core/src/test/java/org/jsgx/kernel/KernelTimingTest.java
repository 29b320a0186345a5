package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * KernelTiming (encl->lock hold time, ENCLS time): a constant read from -Djsgx.kernel.timing
 * at class load, so the "on" case runs in a child JVM with the flag.
 */
class KernelTimingTest {
    /**
     * The child: an outer section around a nested one, then an ECREATE; prints the ENCLS time
     * before and after the ECREATE, the outer section's own time and the lock's count.
     */
    public static void main(String[] args) throws InterruptedException {
        EnclMutex m = new EnclMutex();
        long t0 = System.nanoTime();
        m.lock();
        m.lock(); // nested: the same section, counted once
        Thread.sleep(30);
        m.unlock();
        m.unlock();
        long outer = System.nanoTime() - t0;
        long held = KernelTiming.lockHeldNanos();
        long encls0 = KernelTiming.enclsNanos();
        new DriverFixture().create(); // ECREATE: one ENCLS leaf
        System.out.println(encls0 + " " + KernelTiming.enclsNanos() + " " + outer + " " + held);
    }

    @Test
    void offUnlessTheFlagIsSet() {
        EnclMutex m = new EnclMutex();
        m.lock();
        m.unlock();
        // -1 (off) exactly when this JVM was started without the flag
        assertThat(SgxStats.enclLockHeldNanos() == -1).isEqualTo(!Boolean.getBoolean("jsgx.kernel.timing"));
    }

    @Test
    void withTheFlagTheOutermostSectionIsCountedOnceAndLeavesAreTimed() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Djsgx.kernel.timing=true",
                "-cp", System.getProperty("java.class.path"), KernelTimingTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String[] f = out.split("\\s+");
        long outer = Long.parseLong(f[f.length - 2]), held = Long.parseLong(f[f.length - 1]);
        long enclsBefore = Long.parseLong(f[f.length - 4]), enclsAfter = Long.parseLong(f[f.length - 3]);
        assertThat(enclsBefore).isZero(); // on, and no leaf ran yet
        assertThat(enclsAfter).isPositive(); // the ECREATE was timed
        // held for the whole sleep, and no more than the section the child timed around it
        // (counting the nested lock too would give about twice that)
        assertThat(held).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30)).isLessThanOrEqualTo(outer);
    }
}
