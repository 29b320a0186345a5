package org.jsgx.x86;

/**
 * libunicorn.so.2 could not be loaded (or lacks x86-64 support). The message names the library
 * and how to install it, so a test that needs the engine can skip with it.
 */
public final class UnicornUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnicornUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
