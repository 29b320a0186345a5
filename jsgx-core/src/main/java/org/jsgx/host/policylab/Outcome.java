package org.jsgx.host.policylab;

/** One cell of the matrix: allowed, or denied at a named step with the kernel's reason. */
public record Outcome(boolean allowed, String step, String errno, String reason) {
    static Outcome ok() {
        return new Outcome(true, null, null, null);
    }

    public String cell() {
        return allowed ? "allowed" : "denied: " + step + ": " + reason;
    }
}
