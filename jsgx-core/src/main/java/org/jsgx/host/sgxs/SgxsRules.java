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

    /**
     * The problem with an EEXTEND/UNMEASRD chunk at {@code offset}, or null: 256-aligned, inside
     * the page of the most recent EADD ({@code lastEadd}, -1 if none), each chunk at most once
     * ({@code chunksSeen}: bit i = chunk i of that page already supplied).
     */
    static String chunkProblem(SgxsTag t, long offset, long lastEadd, int chunksSeen) {
        if ((offset & 0xFF) != 0) {
            return String.format("%s offset 0x%x is not 256-aligned", t, offset);
        }
        if (lastEadd == -1) {
            return String.format("%s offset 0x%x before any EADD", t, offset);
        }
        if ((offset & ~0xFFFL) != lastEadd) {
            return String.format("%s offset 0x%x is outside the page of the most recent EADD (0x%x)", t, offset,
                    lastEadd);
        }
        if ((chunksSeen & chunkBit(offset)) != 0) {
            return String.format("%s offset 0x%x: chunk already supplied for this page", t, offset);
        }
        return null;
    }

    /** The bit of a chunk in a page's chunk mask. */
    static int chunkBit(long offset) {
        return 1 << (int) ((offset & 0xFFF) >>> 8);
    }
}
