package org.jsgx.host.sgxs;

import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;

/** The canonical-stream rules the reader (strict mode) and the writer both enforce. */
final class SgxsRules {
    /** SECINFO.FLAGS bits an EADD record may carry: R, W, X and the page type. */
    static final long EADD_FLAGS = SecInfo.RWX | 0xFF00L;

    private SgxsRules() {
    }

    /** The problem with an EADD record's SECINFO.FLAGS, or null when they are canonical. */
    static String eaddFlagsProblem(long flags) {
        if ((flags & ~EADD_FLAGS) != 0) {
            return String.format("EADD SECINFO.FLAGS 0x%x has bits other than R/W/X and the page type", flags);
        }
        int type = (int) (flags >>> 8) & 0xff;
        if (type != PageType.PT_REG.value() && type != PageType.PT_TCS.value()) {
            PageType pt = PageType.ofValue(type);
            return String.format("EADD page type %s is not allowed in a build stream (only PT_REG, PT_TCS)",
                    pt != null ? pt : "0x" + Integer.toHexString(type));
        }
        if (type == PageType.PT_TCS.value() && (flags & SecInfo.RWX) != 0) {
            return String.format("EADD of a PT_TCS page with R/W/X bits set (flags 0x%x)", flags);
        }
        return null;
    }
}
