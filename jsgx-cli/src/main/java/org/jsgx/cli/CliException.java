package org.jsgx.cli;

/** An error that ends a command with a one-line message and a defined exit code. */
public class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** Bad input or usage: exit code 2. */
    public static CliException badInput(String message) {
        return new CliException(Main.EXIT_BAD_INPUT, message);
    }

    /** A verification that ran and failed: exit code 1. */
    public static CliException failed(String message) {
        return new CliException(Main.EXIT_FAILED, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
