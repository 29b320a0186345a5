package org.jsgx.cpu;

/**
 * [MODEL] Epoch tracking: how the CPU knows that no logical processor can still hold a TLB
 * translation of a page that was blocked (EBLOCK) or restricted/retyped (EMODPR, EMODT). The
 * hardware's internals are not public; this model reproduces the architectural outcomes
 * (SDM "ETRACK", "EWB", "EACCEPT"; reference §4.9):
 *
 * <ul>
 *   <li>Each SECS has a current epoch CBEPOCH (starts at 0) and counts the threads inside the
 *       enclave by the epoch in which they entered ({@link SecsState#threadsByEpoch}).
 *       EENTER/ERESUME record the thread's entry epoch = CBEPOCH ({@link #enter}); EEXIT and
 *       AEX release it ({@link #exit}).</li>
 *   <li>EBLOCK, EMODPR and EMODT stamp the page with BEPOCH = CBEPOCH ({@link #stamp}).</li>
 *   <li>ETRACK ({@link #etrack}) closes the current epoch: TRACKED = CBEPOCH, CBEPOCH + 1. It
 *       refuses with SGX_PREV_TRK_INCMPL while a thread that entered in or before the
 *       previously tracked epoch (i.e. was inside when the previous ETRACK ran) is still
 *       inside.</li>
 *   <li>Tracking is correct for a page ({@link #correct}) when an ETRACK closed the epoch the
 *       page was stamped in (BEPOCH &lt; CBEPOCH) and every thread that entered in or before
 *       that epoch has left: no thread can have a translation created before the stamp.</li>
 * </ul>
 * A thread's TLB is flushed on every enclave exit, so "has left" is all that matters.
 * All methods but {@link #stamp} (one volatile read) synchronise on the {@link SecsState}.
 */
final class Tracking {
    /**
     * [MODEL] BEPOCH of a page that can have had no translation since it became blocked
     * (loaded by ELDB): older than every epoch, so tracking is correct at once.
     */
    static final long NEVER_MAPPED = -1;

    private Tracking() {
    }

    /** EENTER/ERESUME: the thread enters in the current epoch, which is returned. */
    static long enter(SecsState s) {
        synchronized (s) {
            long epoch = s.cbEpoch;
            s.threadsByEpoch.merge(epoch, 1, Integer::sum);
            return epoch;
        }
    }

    /** EEXIT/AEX: the thread that entered in {@code epoch} has left (its TLB is flushed). */
    static void exit(SecsState s, long epoch) {
        synchronized (s) {
            s.threadsByEpoch.computeIfPresent(epoch, (k, v) -> v == 1 ? null : v - 1);
        }
    }

    /** EBLOCK/EMODPR/EMODT: the epoch to record in the page's BEPOCH. */
    static long stamp(SecsState s) {
        return s.cbEpoch; // one volatile read: before or after a concurrent ETRACK, as with the monitor
    }

    /** ETRACK: starts a new tracking cycle unless the previous one is still incomplete. */
    static SgxStatus etrack(SecsState s) {
        synchronized (s) {
            if (s.trackedEpoch >= 0 && insideSince(s, s.trackedEpoch)) {
                return SgxStatus.SGX_PREV_TRK_INCMPL;
            }
            s.trackedEpoch = s.cbEpoch;
            s.cbEpoch++;
            return SgxStatus.SGX_SUCCESS;
        }
    }

    /** True when no thread can hold a translation older than a page stamped with {@code bepoch}. */
    static boolean correct(SecsState s, long bepoch) {
        synchronized (s) {
            return bepoch < s.cbEpoch && !insideSince(s, bepoch);
        }
    }

    /** Some thread that entered in epoch {@code epoch} or earlier is still inside. */
    private static boolean insideSince(SecsState s, long epoch) {
        if (s.threadsByEpoch.isEmpty()) {
            return false;
        }
        for (var e : s.threadsByEpoch.entrySet()) {
            if (e.getKey() <= epoch && e.getValue() > 0) {
                return true;
            }
        }
        return false;
    }
}
