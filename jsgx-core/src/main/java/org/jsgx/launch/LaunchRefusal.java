package org.jsgx.launch;

/** Why a launch enclave declined to mint a token; the code is what the LE reports back. */
public enum LaunchRefusal {
    /** The enclave's MRSIGNER is not on the LE's list. */
    SIGNER_NOT_ADMITTED(1),
    /** A DEBUG enclave, and the policy admits production enclaves only. */
    DEBUG_NOT_ALLOWED(2),
    /** The enclave asks for EINITTOKENKEY: only launch enclaves may, and they need no token. */
    LAUNCH_KEY_REQUESTED(3),
    /** EGETKEY(EINITTOKEN_KEY) failed inside the LE (e.g. an SVN it may not claim). */
    KEY_UNAVAILABLE(4),
    /** The policy in the LE's memory is not the one its code was built with. */
    POLICY_MISMATCH(5);

    private final int code;

    LaunchRefusal(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static LaunchRefusal ofCode(int code) {
        for (LaunchRefusal r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown launch refusal code " + code);
    }
}
