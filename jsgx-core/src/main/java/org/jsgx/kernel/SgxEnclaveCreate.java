package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import org.jsgx.cpu.Struct;

/** struct sgx_enclave_create: the SECS image to create the enclave from. All fields are u64 (uAPI, no padding); {@value #SIZE} bytes. */
public final class SgxEnclaveCreate extends Struct {
    public static final int SIZE = 8;
    /** user pointer to a 4096-byte SECS. */
    public static final int SRC = 0;

    public SgxEnclaveCreate(MemorySegment seg) {
        super(seg, SIZE);
    }

    public SgxEnclaveCreate(byte[] bytes) {
        this(MemorySegment.ofArray(bytes));
    }

    public static SgxEnclaveCreate allocate() {
        return new SgxEnclaveCreate(new byte[SIZE]);
    }

    public long src() {
        return u64(SRC);
    }

    public SgxEnclaveCreate src(long v) {
        u64(SRC, v);
        return this;
    }
}
