package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import org.jsgx.cpu.Struct;

/** struct sgx_enclave_add_pages: pages to EADD (and EEXTEND with SGX_PAGE_MEASURE); count is written back. All fields are u64 (uAPI, no padding); {@value #SIZE} bytes. */
public final class SgxEnclaveAddPages extends Struct {
    public static final int SIZE = 48;
    /** user pointer to the first source page (page aligned). */
    public static final int SRC = 0;
    /** page offset in ELRANGE. */
    public static final int OFFSET = 8;
    /** bytes, a non-zero multiple of 4096. */
    public static final int LENGTH = 16;
    /** user pointer to a 64-byte SECINFO. */
    public static final int SECINFO = 24;
    /** SGX_PAGE_MEASURE or 0. */
    public static final int FLAGS = 32;
    /** OUT: bytes added. */
    public static final int COUNT = 40;

    public SgxEnclaveAddPages(MemorySegment seg) {
        super(seg, SIZE);
    }

    public SgxEnclaveAddPages(byte[] bytes) {
        this(MemorySegment.ofArray(bytes));
    }

    public static SgxEnclaveAddPages allocate() {
        return new SgxEnclaveAddPages(new byte[SIZE]);
    }

    public long src() {
        return u64(SRC);
    }

    public SgxEnclaveAddPages src(long v) {
        u64(SRC, v);
        return this;
    }

    public long offset() {
        return u64(OFFSET);
    }

    public SgxEnclaveAddPages offset(long v) {
        u64(OFFSET, v);
        return this;
    }

    public long length() {
        return u64(LENGTH);
    }

    public SgxEnclaveAddPages length(long v) {
        u64(LENGTH, v);
        return this;
    }

    public long secinfo() {
        return u64(SECINFO);
    }

    public SgxEnclaveAddPages secinfo(long v) {
        u64(SECINFO, v);
        return this;
    }

    public long flags() {
        return u64(FLAGS);
    }

    public SgxEnclaveAddPages flags(long v) {
        u64(FLAGS, v);
        return this;
    }

    public long count() {
        return u64(COUNT);
    }

    public SgxEnclaveAddPages count(long v) {
        u64(COUNT, v);
        return this;
    }
}
