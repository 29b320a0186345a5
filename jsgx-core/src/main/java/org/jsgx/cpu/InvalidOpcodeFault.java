package org.jsgx.cpu;

/** #UD: e.g. ENCLS outside ring 0, ENCLU outside ring 3, CPUID in enclave mode. */
public final class InvalidOpcodeFault extends ArchFault {
    public static final int VECTOR = 6;

    public InvalidOpcodeFault(String reason) {
        super("#UD: " + reason);
    }

    @Override
    public int vector() {
        return VECTOR;
    }

    @Override
    public int errorCode() {
        return 0;
    }

    @Override
    public String mnemonic() {
        return "#UD";
    }
}
