package org.jsgx.host.policylab;

/** A scenario step the platform refused: the step, errno and reason that end up in the matrix. */
final class LabDenied extends RuntimeException {
    final String step;
    final String errno;

    LabDenied(String step, String errno, String reason) {
        super(reason);
        this.step = step;
        this.errno = errno;
    }
}
