package org.jsgx.kernel;

/**
 * How the kernel handled an exception a task took in enclave mode (or on the vDSO's ENCLU):
 * resolved (the ENCLU at the AEP resumes transparently), fixed up by fixup_vdso_exception (the
 * vDSO reports it in sgx_enclave_run), or a signal for a task that did not enter through the
 * vDSO (or a #DB/#BP, which are never fixed up).
 */
record Trap(Kind kind, int vector, int errorCode, long address, Signal signal) {
    enum Kind { RESOLVED, FIXUP, SIGNAL }

    static final Trap RESOLVED = new Trap(Kind.RESOLVED, 0, 0, 0, null);

    static Trap fixup(int vector, int errorCode, long address) {
        return new Trap(Kind.FIXUP, vector, errorCode, address, null);
    }

    static Trap signal(Signal s, int vector, int errorCode, long address) {
        return new Trap(Kind.SIGNAL, vector, errorCode, address, s);
    }
}
