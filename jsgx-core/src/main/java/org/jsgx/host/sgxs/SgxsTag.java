package org.jsgx.host.sgxs;

import org.jsgx.cpu.Measurement;

/**
 * The SGXS record kinds: the 8-byte tag (compared as a u64 LE), the record length in the file
 * and whether the record is part of the MRENCLAVE stream. UNSIZED and UNMEASRD are the ESGXS
 * extensions.
 */
public enum SgxsTag {
    ECREATE(Measurement.TAG_ECREATE, Measurement.RECORD, true, 20),
    EADD(Measurement.TAG_EADD, Measurement.RECORD, true, 24),
    EEXTEND(Measurement.TAG_EEXTEND, Measurement.RECORD + Measurement.CHUNK, true, 16),
    /** "UNSIZED\0": an ECREATE whose bytes 12..19 hold the enclave offset where SIZE goes. */
    UNSIZED(0x0044455A49534E55L, Measurement.RECORD, false, 20),
    /** "UNMEASRD": EEXTEND layout, page data loaded but never hashed. */
    UNMEASRD(0x44525341454D4E55L, Measurement.RECORD + Measurement.CHUNK, false, 16);

    /** The longest record (EEXTEND / UNMEASRD: header and 256 data bytes). */
    public static final int MAX_RECORD = Measurement.RECORD + Measurement.CHUNK;

    private final long value;
    private final int length;
    private final boolean measured;
    private final int reservedFrom;

    SgxsTag(long value, int length, boolean measured, int reservedFrom) {
        this.value = value;
        this.length = length;
        this.measured = measured;
        this.reservedFrom = reservedFrom;
    }

    /** The tag bytes as a little-endian u64. */
    public long value() {
        return value;
    }

    /** Record length in the file: 64, or 320 for records that carry a 256-byte chunk. */
    public int length() {
        return length;
    }

    /** Whether the record (header and data) is fed to SHA-256 for MRENCLAVE. */
    public boolean measured() {
        return measured;
    }

    /** First header byte of the zero-filled tail (bytes reservedFrom..63 must be zero). */
    public int reservedFrom() {
        return reservedFrom;
    }

    public boolean hasData() {
        return length > Measurement.RECORD;
    }

    /** The tag for a u64 tag value, or null when it is not an SGXS tag. */
    public static SgxsTag of(long value) {
        // most frequent first: a measured page is one EADD and sixteen EEXTENDs
        if (value == Measurement.TAG_EEXTEND) {
            return EEXTEND;
        } else if (value == Measurement.TAG_EADD) {
            return EADD;
        } else if (value == UNMEASRD.value) {
            return UNMEASRD;
        } else if (value == Measurement.TAG_ECREATE) {
            return ECREATE;
        } else if (value == UNSIZED.value) {
            return UNSIZED;
        }
        return null;
    }
}
