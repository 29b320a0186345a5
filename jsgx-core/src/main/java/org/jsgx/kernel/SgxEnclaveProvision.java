package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import org.jsgx.cpu.Struct;

/** struct sgx_enclave_provision: an open /dev/sgx_provision file descriptor. All fields are u64 (uAPI, no padding); {@value #SIZE} bytes. */
public final class SgxEnclaveProvision extends Struct {
    public static final int SIZE = 8;
    /** the file descriptor. */
    public static final int FD = 0;

    public SgxEnclaveProvision(MemorySegment seg) {
        super(seg, SIZE);
    }

    public SgxEnclaveProvision(byte[] bytes) {
        this(MemorySegment.ofArray(bytes));
    }

    public static SgxEnclaveProvision allocate() {
        return new SgxEnclaveProvision(new byte[SIZE]);
    }

    public long fd() {
        return u64(FD);
    }

    public SgxEnclaveProvision fd(long v) {
        u64(FD, v);
        return this;
    }
}
