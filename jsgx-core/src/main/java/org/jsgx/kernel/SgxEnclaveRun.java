package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import org.jsgx.cpu.Struct;

/**
 * struct sgx_enclave_run (asm/sgx.h), the vDSO's seventh argument: which TCS to enter, and on
 * return the last ENCLU leaf and any exception taken; an optional user handler and its data.
 * 256 bytes, of which 216 reserved must be zero.
 */
public final class SgxEnclaveRun extends Struct {
    public static final int SIZE = 256;
    public static final int TCS = 0;
    public static final int FUNCTION = 8;
    public static final int EXCEPTION_VECTOR = 12;
    public static final int EXCEPTION_ERROR_CODE = 14;
    public static final int EXCEPTION_ADDR = 16;
    public static final int USER_HANDLER = 24;
    public static final int USER_DATA = 32;
    public static final int RESERVED = 40;
    public static final int RESERVED_LEN = SIZE - RESERVED;

    public SgxEnclaveRun(MemorySegment seg) {
        super(seg, SIZE);
    }

    public SgxEnclaveRun(byte[] bytes) {
        this(MemorySegment.ofArray(bytes));
    }

    public static SgxEnclaveRun allocate() {
        return new SgxEnclaveRun(new byte[SIZE]);
    }

    public long tcs() {
        return u64(TCS);
    }

    public SgxEnclaveRun tcs(long v) {
        u64(TCS, v);
        return this;
    }

    public int function() {
        return u32(FUNCTION);
    }

    public SgxEnclaveRun function(int v) {
        u32(FUNCTION, v);
        return this;
    }

    public int exceptionVector() {
        return u16(EXCEPTION_VECTOR);
    }

    public SgxEnclaveRun exceptionVector(int v) {
        u16(EXCEPTION_VECTOR, v);
        return this;
    }

    public int exceptionErrorCode() {
        return u16(EXCEPTION_ERROR_CODE);
    }

    public SgxEnclaveRun exceptionErrorCode(int v) {
        u16(EXCEPTION_ERROR_CODE, v);
        return this;
    }

    public long exceptionAddr() {
        return u64(EXCEPTION_ADDR);
    }

    public SgxEnclaveRun exceptionAddr(long v) {
        u64(EXCEPTION_ADDR, v);
        return this;
    }

    public long userHandler() {
        return u64(USER_HANDLER);
    }

    public SgxEnclaveRun userHandler(long v) {
        u64(USER_HANDLER, v);
        return this;
    }

    public long userData() {
        return u64(USER_DATA);
    }

    public SgxEnclaveRun userData(long v) {
        u64(USER_DATA, v);
        return this;
    }

    public boolean reservedZero() {
        return isZero(RESERVED, RESERVED_LEN);
    }
}
