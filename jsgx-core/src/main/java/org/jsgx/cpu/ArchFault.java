package org.jsgx.cpu;

/**
 * An architectural fault raised by an SGX leaf or an enclave-mode access: the third outcome of
 * a leaf besides completing and returning a status code. A fault leaves RAX, flags and memory
 * as they were.
 */
public abstract sealed class ArchFault extends RuntimeException
        permits GeneralProtectionFault, PageFault, InvalidOpcodeFault {

    protected ArchFault(String message) {
        super(message, null, false, false);
    }

    /** For faults that build their message only when it is asked for ({@link #getMessage}). */
    protected ArchFault() {
        super(null, null, false, false);
    }

    /** The exception vector (13 for #GP, 14 for #PF, 6 for #UD). */
    public abstract int vector();

    /** The error code pushed with the fault (0 for #GP(0) and #UD). */
    public abstract int errorCode();

    /** The SDM's mnemonic, e.g. "#GP(0)". */
    public abstract String mnemonic();
}
