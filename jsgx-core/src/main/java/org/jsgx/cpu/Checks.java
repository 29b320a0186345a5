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
