package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import org.jsgx.cpu.Struct;

/**
 * struct sgx_enclave_init_token [MODEL uAPI, {@link LaunchMode#USER_TOKEN}]: INIT with a
 * caller-supplied EINITTOKEN, as the 2017 out-of-tree driver's SGX_IOC_ENCLAVE_INIT took one.
 * A new struct rather than a wider sgx_enclave_init: _IOW encodes the size, so the 16-byte form
 * gets its own command number and the 8-byte mainline INIT keeps its ABI. u64 fields, no
 * padding; {@value #SIZE} bytes.
 */
public final class SgxEnclaveInitToken extends Struct {
    public static final int SIZE = 16;
    /** user pointer to a SIGSTRUCT (1808 bytes are read). */
    public static final int SIGSTRUCT = 0;
    /** user pointer to an EINITTOKEN (304 bytes are read). */
    public static final int EINITTOKEN = 8;

    public SgxEnclaveInitToken(MemorySegment seg) {
        super(seg, SIZE);
    }

    public SgxEnclaveInitToken(byte[] bytes) {
        this(MemorySegment.ofArray(bytes));
    }

    public static SgxEnclaveInitToken allocate() {
        return new SgxEnclaveInitToken(new byte[SIZE]);
    }

    public long sigstruct() {
        return u64(SIGSTRUCT);
    }

    public SgxEnclaveInitToken sigstruct(long v) {
        u64(SIGSTRUCT, v);
        return this;
    }

    public long einittoken() {
        return u64(EINITTOKEN);
    }

    public SgxEnclaveInitToken einittoken(long v) {
        u64(EINITTOKEN, v);
        return this;
    }
}
