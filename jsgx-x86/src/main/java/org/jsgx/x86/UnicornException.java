package org.jsgx.x86;

/** A Unicorn call returned an error code other than UC_ERR_OK. */
public final class UnicornException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    UnicornException(String call, int code, String text) {
        super(call + ": " + text + " (uc_err " + code + ")");
        this.code = code;
    }

    /** The uc_err value. */
    public int code() {
        return code;
    }
}
