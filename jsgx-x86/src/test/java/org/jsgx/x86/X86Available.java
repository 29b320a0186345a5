package org.jsgx.x86;

import org.junit.jupiter.api.Assumptions;

/** Skips a test, naming the missing library, when libunicorn.so.2 cannot be loaded. */
final class X86Available {
    private X86Available() {
    }

    static void assume() {
        Assumptions.assumeTrue(X86Engine.available(), () -> "skipped: " + X86Engine.unavailableReason());
    }
}
