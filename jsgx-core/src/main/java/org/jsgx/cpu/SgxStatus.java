package org.jsgx.cpu;

/**
 * Architectural status codes returned in RAX by ENCLS/ENCLU leaves (SDM Vol. 3D, "Error Codes").
 * Informational codes are returned with CF=1 and ZF=0; errors with ZF=1.
 */
public enum SgxStatus {
    SGX_SUCCESS(0),
    SGX_INVALID_SIG_STRUCT(1),
    SGX_INVALID_ATTRIBUTE(2),
    SGX_BLKSTATE(3, true),
    SGX_INVALID_MEASUREMENT(4),
    SGX_NOTBLOCKABLE(5, true),
    SGX_PG_INVLD(6),
    SGX_EPC_PAGE_CONFLICT(7),
    SGX_INVALID_SIGNATURE(8),
    SGX_MAC_COMPARE_FAIL(9),
    SGX_PAGE_NOT_BLOCKED(10),
    SGX_NOT_TRACKED(11),
    SGX_VA_SLOT_OCCUPIED(12, true),
    SGX_CHILD_PRESENT(13),
    SGX_ENCLAVE_ACT(14),
    SGX_ENTRYEPOCH_LOCKED(15),
    SGX_INVALID_EINITTOKEN(16),
    SGX_PREV_TRK_INCMPL(17),
    SGX_PG_IS_SECS(18, true),
    SGX_PAGE_ATTRIBUTES_MISMATCH(19),
    SGX_PAGE_NOT_MODIFIABLE(20),
    SGX_PAGE_NOT_DEBUGGABLE(21),
    SGX_INVALID_COUNTER(25),
    SGX_PG_NONEPC(26),
    SGX_TRACK_NOT_REQUIRED(27),
    SGX_INVALID_CPUSVN(32),
    SGX_INVALID_ISVSVN(64),
    SGX_UNMASKED_EVENT(128),
    SGX_INVALID_KEYNAME(256);

    private final int code;
    private final boolean informational;
    /** RFLAGS.ZF and CF as the leaf leaves them for this status (see {@link #zf}, {@link #cf}). */
    final long statusFlags;

    SgxStatus(int code) {
        this(code, false);
    }

    SgxStatus(int code, boolean informational) {
        this.code = code;
        this.informational = informational;
        this.statusFlags = (zf() ? Registers.ZF : 0) | (cf() ? Registers.CF : 0);
    }

    /** The value the leaf leaves in RAX. */
    public int code() {
        return code;
    }

    /** True for the codes returned with CF=1 (the operation is reported, not refused). */
    public boolean informational() {
        return informational;
    }

    /** ZF after the leaf: set for errors only (SGX_SUCCESS is the one code 0). */
    public boolean zf() {
        return code != 0 && !informational;
    }

    /** CF after the leaf: set for informational codes only. */
    public boolean cf() {
        return informational;
    }

    public static SgxStatus ofCode(long code) {
        for (SgxStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("not an SGX status code: " + code);
    }
}
