package org.jsgx.kernel;

import java.util.concurrent.atomic.LongAdder;

/**
 * Opt-in timing of the swap path's serial parts, JVM-wide: how long any encl->lock was held
 * (outermost lock to unlock) and how long ENCLS leaves ran. One enclave's ELDUs (fault path)
 * and EBLOCK/EWBs (reclaimer) are serialised by its encl->lock, as in the kernel, so these
 * bound how fast one enclave can swap. On with -Djsgx.kernel.timing=true; off by default, since
 * it costs two clock reads per section. The flag is a constant, so the JIT drops the code when
 * it is off.
 */
final class KernelTiming {
    static final boolean ON = Boolean.getBoolean("jsgx.kernel.timing");
    private static final LongAdder LOCK_HELD = new LongAdder();
    private static final LongAdder ENCLS = new LongAdder();

    private KernelTiming() {
    }

    static void lockHeld(long nanos) {
        LOCK_HELD.add(nanos);
    }

    static void encls(long nanos) {
        ENCLS.add(nanos);
    }

    /** Nanoseconds encl->locks were held so far; -1 when timing is off. */
    static long lockHeldNanos() {
        return ON ? LOCK_HELD.sum() : -1;
    }

    /** Nanoseconds ENCLS leaves ran so far; -1 when timing is off. */
    static long enclsNanos() {
        return ON ? ENCLS.sum() : -1;
    }
}
