package org.jsgx.kernel;

/** The signals the model delivers (x86-64 numbers). */
public enum Signal {
    SIGTRAP(5),
    SIGBUS(7),
    SIGSEGV(11);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
