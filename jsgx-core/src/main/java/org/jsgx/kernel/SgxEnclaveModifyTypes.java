package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import org.jsgx.cpu.Struct;

/** struct sgx_enclave_modify_types (SGX2): EMODT over a range. All fields are u64 (uAPI, no padding); {@value #SIZE} bytes. */
public final class SgxEnclaveModifyTypes extends Struct {
    public static final int SIZE = 40;
    /** page offset in ELRANGE. */
    public static final int OFFSET = 0;
    /** bytes. */
    public static final int LENGTH = 8;
    /** the new page type (TCS 1 or TRIM 4). */
    public static final int PAGE_TYPE = 16;
    /** OUT: the EMODT status code on failure. */
    public static final int RESULT = 24;
    /** OUT: bytes processed. */
    public static final int COUNT = 32;

    public SgxEnclaveModifyTypes(MemorySegment seg) {
        super(seg, SIZE);
    }

    public SgxEnclaveModifyTypes(byte[] bytes) {
        this(MemorySegment.ofArray(bytes));
    }

    public static SgxEnclaveModifyTypes allocate() {
        return new SgxEnclaveModifyTypes(new byte[SIZE]);
    }

    public long offset() {
        return u64(OFFSET);
    }

    public SgxEnclaveModifyTypes offset(long v) {
        u64(OFFSET, v);
        return this;
    }

    public long length() {
        return u64(LENGTH);
    }

    public SgxEnclaveModifyTypes length(long v) {
        u64(LENGTH, v);
        return this;
    }

    public long pageType() {
        return u64(PAGE_TYPE);
    }

    public SgxEnclaveModifyTypes pageType(long v) {
        u64(PAGE_TYPE, v);
        return this;
    }

    public long result() {
        return u64(RESULT);
    }

    public SgxEnclaveModifyTypes result(long v) {
        u64(RESULT, v);
        return this;
    }

    public long count() {
        return u64(COUNT);
    }

    public SgxEnclaveModifyTypes count(long v) {
        u64(COUNT, v);
        return this;
    }
}
