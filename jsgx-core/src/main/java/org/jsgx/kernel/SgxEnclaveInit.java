package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import org.jsgx.cpu.Struct;

/** struct sgx_enclave_init: the SIGSTRUCT to EINIT with. All fields are u64 (uAPI, no padding); {@value #SIZE} bytes. */
public final class SgxEnclaveInit extends Struct {
    public static final int SIZE = 8;
    /** user pointer to a SIGSTRUCT (1808 bytes are read). */
    public static final int SIGSTRUCT = 0;

    public SgxEnclaveInit(MemorySegment seg) {
        super(seg, SIZE);
    }

    public SgxEnclaveInit(byte[] bytes) {
        this(MemorySegment.ofArray(bytes));
    }

    public static SgxEnclaveInit allocate() {
        return new SgxEnclaveInit(new byte[SIZE]);
    }

    public long sigstruct() {
        return u64(SIGSTRUCT);
    }

    public SgxEnclaveInit sigstruct(long v) {
        u64(SIGSTRUCT, v);
        return this;
    }
}
