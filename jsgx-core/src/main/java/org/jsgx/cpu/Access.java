package org.jsgx.cpu;

/** The kind of a memory access, for paging and EPCM checks. */
public enum Access {
    READ,
    WRITE,
    EXECUTE;

    /** PFEC bits this access contributes (W/R, I/D). */
    public int pfecBits() {
        return switch (this) {
            case READ -> 0;
            case WRITE -> PageFault.PFEC_W;
            case EXECUTE -> PageFault.PFEC_I;
        };
    }
}
