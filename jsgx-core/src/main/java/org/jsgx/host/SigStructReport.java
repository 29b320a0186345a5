package org.jsgx.host;

import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Rsa3072;
import org.jsgx.cpu.SigStruct;

/**
 * Every field of a SIGSTRUCT, decoded, plus what EINIT would conclude about it: MRSIGNER, and
 * whether the headers, signature and Q1/Q2 pass. {@link #fields()} is ordered as the structure
 * and holds only Strings (lower-case hex for byte fields, {@code 0x}-prefixed hex for 64-bit
 * masks), Longs (integers), Booleans, Lists of Strings (flag names) and nested Maps.
 */
public final class SigStructReport {
    private static final HexFormat HEX = HexFormat.of();

    private final SigStruct sigStruct;
    private final Map<String, Object> fields;
    private final boolean headerValid;
    private final boolean signatureValid;
    private final boolean q1q2Valid;

    private SigStructReport(SigStruct s) {
        this.sigStruct = s;
        this.headerValid = headerValid(s);
        this.signatureValid = Rsa3072.signatureValid(s.modulusLe(), s.signatureLe(), s.signedData());
        this.q1q2Valid = Rsa3072.q1q2Valid(s.modulusLe(), s.signatureLe(), s.q1Le(), s.q2Le());
        this.fields = Collections.unmodifiableMap(decode(s));
    }

    public static SigStructReport of(SigStruct s) {
        return new SigStructReport(s);
    }

    /** Decodes the contents of a {@code .sig} file; it must be exactly 1808 bytes. */
    public static SigStructReport parse(byte[] file) {
        if (file.length != SigStruct.SIZE) {
            throw new IllegalArgumentException("not a SIGSTRUCT (" + file.length + " bytes, expected "
                    + SigStruct.SIZE + ")");
        }
        return of(SigStruct.of(file));
    }

    /**
     * The constant parts EINIT step 4 compares: all 16 HEADER bytes (so a TYPE with the debug
     * bit fails), HEADER2, EXPONENT = 3 and VENDOR ∈ {0, 0x8086}.
     */
    public static boolean headerValid(SigStruct s) {
        return Arrays.equals(s.bytes(SigStruct.HEADER, 16), SigStruct.HEADER_CONST)
                && Arrays.equals(s.bytes(SigStruct.HEADER2, 16), SigStruct.HEADER2_CONST)
                && s.exponent() == 3
                && (s.vendor() == 0 || s.vendor() == SigStruct.VENDOR_INTEL);
    }

    /** Reserved ranges EINIT requires to be zero on every CPU (KSS and CET fields excluded). */
    public static boolean reservedZero(SigStruct s) {
        return s.isZero(44, 84) && s.isZero(910, 2) && s.isZero(992, 16) && s.isZero(1028, 12);
    }

    private Map<String, Object> decode(SigStruct s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("header", s.hex(SigStruct.HEADER, 16));
        m.put("type", u32(s.type()));
        m.put("debugType", (s.type() & SigStruct.TYPE_DEBUG) != 0);
        m.put("vendor", u32(s.vendor()));
        m.put("date", String.format("%08x", s.date()));
        m.put("header2", s.hex(SigStruct.HEADER2, 16));
        m.put("swDefined", u32(s.swDefined()));
        m.put("modulus", HEX.formatHex(s.modulusLe()));
        m.put("exponent", u32(s.exponent()));
        m.put("signature", HEX.formatHex(s.signatureLe()));
        m.put("miscSelect", u32(s.miscSelect()));
        m.put("miscMask", u32(s.miscMask()));
        m.put("cetAttributes", (long) s.u8(SigStruct.CET_ATTRIBUTES));
        m.put("cetAttributesMask", (long) s.u8(SigStruct.CET_ATTRIBUTES_MASK));
        m.put("isvFamilyId", HEX.formatHex(s.isvFamilyId()));
        m.put("attributes", attributes(s.attributes()));
        m.put("attributeMask", attributes(s.attributeMask()));
        m.put("enclaveHash", HEX.formatHex(s.enclaveHash()));
        m.put("isvExtProdId", HEX.formatHex(s.isvExtProdId()));
        m.put("isvProdId", (long) s.isvProdId());
        m.put("isvSvn", (long) s.isvSvn());
        m.put("q1", HEX.formatHex(s.q1Le()));
        m.put("q2", HEX.formatHex(s.q2Le()));
        m.put("reservedZero", reservedZero(s));
        m.put("mrsigner", HEX.formatHex(s.mrSigner()));
        m.put("headerValid", headerValid);
        m.put("signatureValid", signatureValid);
        m.put("q1q2Valid", q1q2Valid);
        return m;
    }

    private static Map<String, Object> attributes(Attributes a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("flags", String.format("0x%016x", a.flags()));
        m.put("flagNames", List.copyOf(AttributeNames.flagNames(a)));
        m.put("xfrm", String.format("0x%016x", a.xfrm()));
        return Collections.unmodifiableMap(m);
    }

    private static Long u32(int v) {
        return Integer.toUnsignedLong(v);
    }

    /** Name → value for every field, in structure order, then the derived values. */
    public Map<String, Object> fields() {
        return fields;
    }

    public SigStruct sigStruct() {
        return sigStruct;
    }

    public byte[] mrSigner() {
        return sigStruct.mrSigner();
    }

    public byte[] enclaveHash() {
        return sigStruct.enclaveHash();
    }

    public boolean headerValid() {
        return headerValid;
    }

    public boolean signatureValid() {
        return signatureValid;
    }

    public boolean q1q2Valid() {
        return q1q2Valid;
    }

    /** True when the signature and Q1/Q2 both pass, i.e. EINIT step 6 would succeed. */
    public boolean verified() {
        return signatureValid && q1q2Valid;
    }
}
