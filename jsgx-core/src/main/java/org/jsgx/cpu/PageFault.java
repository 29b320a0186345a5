package org.jsgx.cpu;

/**
 * #PF at a linear address with its error code. Faults caused by an EPCM check set bit 15 (SGX)
 * of the error code, as the SDM specifies.
 */
public final class PageFault extends ArchFault {
    public static final int VECTOR = 14;
    public static final int PFEC_P = 1;
    public static final int PFEC_W = 1 << 1;
    public static final int PFEC_U = 1 << 2;
    public static final int PFEC_RSVD = 1 << 3;
    public static final int PFEC_I = 1 << 4;
    public static final int PFEC_PK = 1 << 5;
    public static final int PFEC_SGX = 1 << 15;

    private final long address;
    private final int errorCode;
    private final String reason;

    public PageFault(long address, int errorCode, String reason) {
        this.address = address;
        this.errorCode = errorCode;
        this.reason = reason;
    }

    /** Formatted on demand: most page faults are resolved by the kernel and never printed. */
    @Override
    public String getMessage() {
        return String.format("#PF(0x%x, pfec=0x%x): %s", address, errorCode, reason);
    }

    /** A fault raised by an SGX leaf's EPC/EPCM operand check (PFEC.P|SGX). */
    public static PageFault epcm(long address, String reason) {
        return new PageFault(address, PFEC_P | PFEC_SGX, reason);
    }

    /** The faulting linear address (CR2). */
    public long address() {
        return address;
    }

    @Override
    public int vector() {
        return VECTOR;
    }

    @Override
    public int errorCode() {
        return errorCode;
    }

    @Override
    public String mnemonic() {
        return String.format("#PF(0x%x)", address);
    }

    public boolean sgx() {
        return (errorCode & PFEC_SGX) != 0;
    }
}
