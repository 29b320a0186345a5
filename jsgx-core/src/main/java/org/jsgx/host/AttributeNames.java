package org.jsgx.host;

import java.util.ArrayList;
import java.util.List;
import org.jsgx.cpu.Attributes;

/**
 * ATTRIBUTES.FLAGS bits by their SDM names. Reserved bits are summed up in one last entry
 * {@code reserved=0x...} so nothing is hidden, yet a mask with all reserved bits set (as
 * ATTRIBUTEMASK usually is) stays readable.
 */
public final class AttributeNames {
    private static final String[] NAMES = new String[64];

    static {
        NAMES[0] = "INIT";
        NAMES[1] = "DEBUG";
        NAMES[2] = "MODE64BIT";
        NAMES[4] = "PROVISIONKEY";
        NAMES[5] = "EINITTOKENKEY";
        NAMES[6] = "CET";
        NAMES[7] = "KSS";
        NAMES[10] = "AEXNOTIFY";
    }

    private AttributeNames() {
    }

    /** The names of the set bits of {@code flags}, lowest first, then any reserved bits. */
    public static List<String> flagNames(long flags) {
        List<String> out = new ArrayList<>();
        long reserved = 0;
        for (int bit = 0; bit < 64; bit++) {
            long b = 1L << bit;
            if ((flags & b) != 0) {
                if (NAMES[bit] != null) {
                    out.add(NAMES[bit]);
                } else {
                    reserved |= b;
                }
            }
        }
        if (reserved != 0) {
            out.add(String.format("reserved=0x%x", reserved));
        }
        return out;
    }

    public static List<String> flagNames(Attributes a) {
        return flagNames(a.flags());
    }
}
