package org.jsgx.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * encl->lock's hold-time statistics: a constant read from -Djsgx.kernel.lockStats at class
 * load, so the "on" case runs in a child JVM with the flag.
 */
class EnclMutexStatsTest {
    /** The child: an outer section around a nested one; prints its own outer time, then the count. */
    public static void main(String[] args) throws InterruptedException {
        EnclMutex m = new EnclMutex();
        long t0 = System.nanoTime();
        m.lock();
        m.lock(); // nested: the same section, counted once
        Thread.sleep(30);
        m.unlock();
        m.unlock();
        long outer = System.nanoTime() - t0;
        System.out.println(outer + " " + EnclMutex.heldNanos());
    }

    @Test
    void offUnlessTheFlagIsSet() {
        EnclMutex m = new EnclMutex();
        m.lock();
        m.unlock();
        // -1 (off) exactly when this JVM was started without the flag
        assertThat(SgxStats.enclLockHeldNanos() == -1).isEqualTo(!Boolean.getBoolean("jsgx.kernel.lockStats"));
    }

    @Test
    void withTheFlagTheOutermostSectionIsCountedOnce() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Djsgx.kernel.lockStats=true",
                "-cp", System.getProperty("java.class.path"), EnclMutexStatsTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String[] f = out.split("\\s+");
        long outer = Long.parseLong(f[f.length - 2]), held = Long.parseLong(f[f.length - 1]);
        // held for the whole sleep, and no more than the section the child timed around it
        // (counting the nested lock too would give about twice that)
        assertThat(held).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30)).isLessThanOrEqualTo(outer);
    }
}
