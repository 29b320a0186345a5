package org.jsgx.cpu;

/** Shared operand checks of the leaves, each raising the SDM's fault. */
final class Checks {
    private Checks() {
    }

    static void aligned(long v, long align, String what) {
        if ((v & (align - 1)) != 0) {
            throw misaligned(v, align, what); // out of line: keeps this check small enough to inline
        }
    }

    private static GeneralProtectionFault misaligned(long v, long align, String what) {
        return new GeneralProtectionFault(String.format("%s 0x%x is not %d-byte aligned", what, v, align));
    }

    static void gp(boolean cond, String reason) {
        if (cond) {
            throw new GeneralProtectionFault(reason);
        }
    }

    static void pf(boolean cond, long la, String reason) {
        if (cond) {
            throw PageFault.epcm(la, reason);
        }
    }

    /** Takes the page's leaf lock or raises #GP for a busy page. */
    static void lock(EpcPage p, String what) {
        if (!p.tryLock()) {
            throw new GeneralProtectionFault(what + " is busy (another leaf holds it)");
        }
    }

    /** How long EENTER/ERESUME wait out a TCS lock held by an ENCLS leaf (see {@link #lockTcs}). */
    static final long TCS_WAIT_NANOS = 1_000_000;

    /**
     * [MODEL] The TCS lock of EENTER/ERESUME. Hardware does not serialise these with the ENCLS
     * leaves that take the page's model lock for a moment (EBLOCK of a TCS the reclaimer
     * evicts, then the entry sees BLOCKED and faults), so a conflict is waited out for up to
     * {@link #TCS_WAIT_NANOS} before it is the #GP of a busy page. The holder is a leaf, which
     * never waits for anything, so only a descheduled holder makes the wait long.
     */
    static void lockTcs(EpcPage p) {
        if (p.tryLock()) {
            return;
        }
        long deadline = System.nanoTime() + TCS_WAIT_NANOS;
        do {
            Thread.onSpinWait();
            if (p.tryLock()) {
                return;
            }
        } while (System.nanoTime() < deadline);
        throw new GeneralProtectionFault("TCS is busy (another leaf holds it)");
    }

    /** 48-bit canonical form. */
    static boolean canonical(long la) {
        long top = la >> 47;
        return top == 0 || top == -1;
    }

    /** The SECS frame behind an EPCM entry's owner, with its hidden state. */
    static SecsState state(EpcPage secs) {
        SecsState s = secs.secsState;
        if (s == null) {
            throw new IllegalStateException("SECS frame without hidden state: " + secs);
        }
        return s;
    }
}
