package org.jsgx.lsm;

import org.jsgx.kernel.Errno;
import org.jsgx.kernel.ErrnoException;

/** A security module's refusal: the errno the hook returns and the module's reason. */
public final class SecurityDenial {
    private SecurityDenial() {
    }

    /** Denies with {@code errno}; the message names the module and its rule. */
    public static ErrnoException deny(SecurityModule m, Errno errno, String format, Object... args) {
        return new ErrnoException(errno, m.name() + ": " + String.format(format, args));
    }
}
