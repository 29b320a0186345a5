package org.jsgx.kernel;

/**
 * A fatal signal delivered to a task's user code (no handler installed): what a real process
 * would die of, e.g. SIGSEGV for an access to unmapped memory or SIGBUS from a fault handler.
 */
public final class SignalException extends RuntimeException {
    private final Signal signal;
    private final long address;

    public SignalException(Signal signal, long address, String message) {
        super(String.format("%s at 0x%x: %s", signal, address, message));
        this.signal = signal;
        this.address = address;
    }

    public Signal signal() {
        return signal;
    }

    public long address() {
        return address;
    }
}
