package org.jsgx.cpu;

/** #GP(0). The message names the check that failed, for people reading a failing test. */
public final class GeneralProtectionFault extends ArchFault {
    public static final int VECTOR = 13;

    public GeneralProtectionFault(String reason) {
        super("#GP(0): " + reason);
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
        return "#GP(0)";
    }
}
