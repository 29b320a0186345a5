package org.jsgx.host;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.SigStruct;

/**
 * The vendor-chosen fields of a SIGSTRUCT: everything in the signed data except the two
 * constant headers. The signer adds HEADER, HEADER2, MODULUS, EXPONENT, SIGNATURE, Q1 and Q2.
 *
 * <p>{@code debugType} sets TYPE bit 31, the Intel SDK's "signed with a debug key" marker. TYPE
 * is bytes 12..15 of the 16-byte HEADER and EINIT compares all 16 bytes with the constant, so a
 * SIGSTRUCT with this bit set is always rejected with SGX_INVALID_SIG_STRUCT; it defaults off.
 *
 * @param date BCD {@code 0xYYYYMMDD}; EINIT does not check it
 */
public record SigStructFields(byte[] enclaveHash, int vendor, int date, int swDefined, boolean debugType,
                              int miscSelect, int miscMask, Attributes attributes, Attributes attributeMask,
                              int isvProdId, int isvSvn, byte[] isvFamilyId, byte[] isvExtProdId) {

    /** Fortanix sgxs-sign's defaults: a 64-bit enclave with x87+SSE, debug allowed either way. */
    public static final Attributes DEFAULT_ATTRIBUTES = new Attributes(Attributes.MODE64BIT, Attributes.XFRM_LEGACY);
    public static final Attributes DEFAULT_ATTRIBUTE_MASK = new Attributes(~Attributes.DEBUG, 0xffff_ffff_ffff_ff1bL);

    public SigStructFields {
        enclaveHash = exact("ENCLAVEHASH", enclaveHash, 32);
        isvFamilyId = exact("ISVFAMILYID", isvFamilyId, 16);
        isvExtProdId = exact("ISVEXTPRODID", isvExtProdId, 16);
        if (vendor != 0 && vendor != SigStruct.VENDOR_INTEL) {
            throw new IllegalArgumentException(String.format(
                    "VENDOR 0x%x: EINIT accepts only 0 or 0x8086", vendor));
        }
        if (!isBcdDate(date)) {
            throw new IllegalArgumentException(String.format("DATE 0x%08x is not a BCD yyyymmdd date", date));
        }
        if (isvProdId < 0 || isvProdId > 0xffff) {
            throw new IllegalArgumentException("ISVPRODID " + isvProdId + " does not fit in 16 bits");
        }
        if (isvSvn < 0 || isvSvn > 0xffff) {
            throw new IllegalArgumentException("ISVSVN " + isvSvn + " does not fit in 16 bits");
        }
        if (attributes == null || attributeMask == null) {
            throw new IllegalArgumentException("ATTRIBUTES and ATTRIBUTEMASK are required");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The fields of an existing SIGSTRUCT, e.g. to re-sign it with another key. */
    public static SigStructFields of(SigStruct s) {
        return new SigStructFields(s.enclaveHash(), s.vendor(), s.date(), s.swDefined(),
                (s.type() & SigStruct.TYPE_DEBUG) != 0, s.miscSelect(), s.miscMask(), s.attributes(),
                s.attributeMask(), s.isvProdId(), s.isvSvn(), s.isvFamilyId(), s.isvExtProdId());
    }

    @Override
    public byte[] enclaveHash() {
        return enclaveHash.clone();
    }

    @Override
    public byte[] isvFamilyId() {
        return isvFamilyId.clone();
    }

    @Override
    public byte[] isvExtProdId() {
        return isvExtProdId.clone();
    }

    /** A date as BCD {@code 0xYYYYMMDD}, the form SIGSTRUCT.DATE stores. */
    public static int bcdDate(LocalDate d) {
        return Integer.parseInt(String.format("%04d%02d%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth()), 16);
    }

    static boolean isBcdDate(int date) {
        for (int i = 0; i < 8; i++) {
            if (((date >>> (4 * i)) & 0xf) > 9) {
                return false;
            }
        }
        return true;
    }

    private static byte[] exact(String name, byte[] v, int len) {
        if (v == null) {
            return new byte[len];
        }
        if (v.length != len) {
            throw new IllegalArgumentException(name + " must be " + len + " bytes, got " + v.length);
        }
        return v.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigStructFields f && Arrays.equals(enclaveHash, f.enclaveHash) && vendor == f.vendor
                && date == f.date && swDefined == f.swDefined && debugType == f.debugType
                && miscSelect == f.miscSelect && miscMask == f.miscMask && attributes.equals(f.attributes)
                && attributeMask.equals(f.attributeMask) && isvProdId == f.isvProdId && isvSvn == f.isvSvn
                && Arrays.equals(isvFamilyId, f.isvFamilyId) && Arrays.equals(isvExtProdId, f.isvExtProdId);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(enclaveHash) * 31 + isvProdId * 7 + isvSvn;
    }

    @Override
    public String toString() {
        return String.format("SigStructFields[enclaveHash=%s, vendor=0x%x, date=%08x, isvProdId=%d, isvSvn=%d]",
                HexFormat.of().formatHex(enclaveHash), vendor, date, isvProdId, isvSvn);
    }

    /** Builder with the defaults documented on each setter. */
    public static final class Builder {
        private byte[] enclaveHash;
        private int vendor;
        private int date = bcdDate(LocalDate.now());
        private int swDefined;
        private boolean debugType;
        private int miscSelect;
        private int miscMask = -1;
        private Attributes attributes = DEFAULT_ATTRIBUTES;
        private Attributes attributeMask = DEFAULT_ATTRIBUTE_MASK;
        private int isvProdId;
        private int isvSvn;
        private byte[] isvFamilyId;
        private byte[] isvExtProdId;

        private Builder() {
        }

        /** The expected MRENCLAVE (required, 32 bytes). */
        public Builder enclaveHash(byte[] v) {
            enclaveHash = v;
            return this;
        }

        /** 0 (default) or 0x8086. */
        public Builder vendor(int v) {
            vendor = v;
            return this;
        }

        /** BCD 0xYYYYMMDD; default today. */
        public Builder date(int bcd) {
            date = bcd;
            return this;
        }

        public Builder date(LocalDate d) {
            date = bcdDate(d);
            return this;
        }

        public Builder swDefined(int v) {
            swDefined = v;
            return this;
        }

        /** TYPE bit 31; default off because EINIT rejects it (see the record's comment). */
        public Builder debugType(boolean v) {
            debugType = v;
            return this;
        }

        /** Default 0. */
        public Builder miscSelect(int v) {
            miscSelect = v;
            return this;
        }

        /** Default 0xffffffff (every MISCSELECT bit must match). */
        public Builder miscMask(int v) {
            miscMask = v;
            return this;
        }

        /** Default {@link #DEFAULT_ATTRIBUTES}. */
        public Builder attributes(Attributes v) {
            attributes = v;
            return this;
        }

        /** Default {@link #DEFAULT_ATTRIBUTE_MASK}. */
        public Builder attributeMask(Attributes v) {
            attributeMask = v;
            return this;
        }

        public Builder isvProdId(int v) {
            isvProdId = v;
            return this;
        }

        public Builder isvSvn(int v) {
            isvSvn = v;
            return this;
        }

        /** KSS only; default zero (EINIT rejects non-zero unless the enclave has KSS). */
        public Builder isvFamilyId(byte[] v) {
            isvFamilyId = v;
            return this;
        }

        /** KSS only; default zero. */
        public Builder isvExtProdId(byte[] v) {
            isvExtProdId = v;
            return this;
        }

        public SigStructFields build() {
            if (enclaveHash == null) {
                throw new IllegalArgumentException("ENCLAVEHASH is required");
            }
            return new SigStructFields(enclaveHash, vendor, date, swDefined, debugType, miscSelect, miscMask,
                    attributes, attributeMask, isvProdId, isvSvn, isvFamilyId, isvExtProdId);
        }
    }
}
