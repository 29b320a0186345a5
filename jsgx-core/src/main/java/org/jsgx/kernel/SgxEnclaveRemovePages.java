package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import org.jsgx.cpu.Struct;

/** struct sgx_enclave_remove_pages (SGX2): EREMOVE of accepted TRIM pages. All fields are u64 (uAPI, no padding); {@value #SIZE} bytes. */
public final class SgxEnclaveRemovePages extends Struct {
    public static final int SIZE = 24;
    /** page offset in ELRANGE. */
    public static final int OFFSET = 0;
    /** bytes. */
    public static final int LENGTH = 8;
    /** OUT: bytes removed. */
    public static final int COUNT = 16;

    public SgxEnclaveRemovePages(MemorySegment seg) {
        super(seg, SIZE);
    }

    public SgxEnclaveRemovePages(byte[] bytes) {
        this(MemorySegment.ofArray(bytes));
    }

    public static SgxEnclaveRemovePages allocate() {
        return new SgxEnclaveRemovePages(new byte[SIZE]);
    }

    public long offset() {
        return u64(OFFSET);
    }

    public SgxEnclaveRemovePages offset(long v) {
        u64(OFFSET, v);
        return this;
    }

    public long length() {
        return u64(LENGTH);
    }

    public SgxEnclaveRemovePages length(long v) {
        u64(LENGTH, v);
        return this;
    }

    public long count() {
        return u64(COUNT);
    }

    public SgxEnclaveRemovePages count(long v) {
        u64(COUNT, v);
        return this;
    }
}
