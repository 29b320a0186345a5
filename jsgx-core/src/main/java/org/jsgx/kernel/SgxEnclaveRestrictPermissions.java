package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import org.jsgx.cpu.Struct;

/** struct sgx_enclave_restrict_permissions (SGX2): EMODPR over a range. All fields are u64 (uAPI, no padding); {@value #SIZE} bytes. */
public final class SgxEnclaveRestrictPermissions extends Struct {
    public static final int SIZE = 40;
    /** page offset in ELRANGE. */
    public static final int OFFSET = 0;
    /** bytes. */
    public static final int LENGTH = 8;
    /** SECINFO R/W/X to keep. */
    public static final int PERMISSIONS = 16;
    /** OUT: the EMODPR status code on failure. */
    public static final int RESULT = 24;
    /** OUT: bytes processed. */
    public static final int COUNT = 32;

    public SgxEnclaveRestrictPermissions(MemorySegment seg) {
        super(seg, SIZE);
    }

    public SgxEnclaveRestrictPermissions(byte[] bytes) {
        this(MemorySegment.ofArray(bytes));
    }

    public static SgxEnclaveRestrictPermissions allocate() {
        return new SgxEnclaveRestrictPermissions(new byte[SIZE]);
    }

    public long offset() {
        return u64(OFFSET);
    }

    public SgxEnclaveRestrictPermissions offset(long v) {
        u64(OFFSET, v);
        return this;
    }

    public long length() {
        return u64(LENGTH);
    }

    public SgxEnclaveRestrictPermissions length(long v) {
        u64(LENGTH, v);
        return this;
    }

    public long permissions() {
        return u64(PERMISSIONS);
    }

    public SgxEnclaveRestrictPermissions permissions(long v) {
        u64(PERMISSIONS, v);
        return this;
    }

    public long result() {
        return u64(RESULT);
    }

    public SgxEnclaveRestrictPermissions result(long v) {
        u64(RESULT, v);
        return this;
    }

    public long count() {
        return u64(COUNT);
    }

    public SgxEnclaveRestrictPermissions count(long v) {
        u64(COUNT, v);
        return this;
    }
}
