package org.jsgx.cpu;

/** EPCM / SECINFO page types (SECINFO.FLAGS bits 15:8). */
public enum PageType {
    PT_SECS(0),
    PT_TCS(1),
    PT_REG(2),
    PT_VA(3),
    PT_TRIM(4),
    PT_SS_FIRST(5),
    PT_SS_REST(6);

    private static final PageType[] VALUES = values();

    private final int value;

    PageType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The type for a SECINFO page-type field, or null when the value is reserved. */
    public static PageType ofValue(int value) {
        return value >= 0 && value < 7 ? VALUES[value] : null;
    }
}
