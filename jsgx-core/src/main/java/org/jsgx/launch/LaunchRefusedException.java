package org.jsgx.launch;

/** A launch enclave declined to mint a token. */
public final class LaunchRefusedException extends RuntimeException {
    private final LaunchRefusal reason;

    public LaunchRefusedException(LaunchRefusal reason) {
        super("launch enclave refused: " + reason);
        this.reason = reason;
    }

    public LaunchRefusal reason() {
        return reason;
    }
}
