package org.jsgx.cli;

import java.util.ArrayList;
import java.util.List;
import org.jsgx.cpu.SigStruct;
import org.jsgx.host.SigStructReport;

/** {@code jsgx info} for a SIGSTRUCT ({@code .sig}, {@code css.bin}): recognised by its size. */
final class SigStructInfo implements InfoKind {
    @Override
    public String name() {
        return "SIGSTRUCT";
    }

    @Override
    public boolean accepts(byte[] data) {
        return data.length == SigStruct.SIZE;
    }

    @Override
    public String mismatch(byte[] data) {
        if (data.length < SigStruct.SIZE) {
            return String.format("offset 0x%x: file ends after %d of %d bytes", data.length, data.length,
                    SigStruct.SIZE);
        }
        return String.format("offset 0x%x: %d bytes after the %d-byte structure", SigStruct.SIZE,
                data.length - SigStruct.SIZE, SigStruct.SIZE);
    }

    @Override
    public Decoded decode(byte[] data) {
        requireConstants(data);
        SigStructReport r = SigStructReport.parse(data);
        List<String> failures = new ArrayList<>();
        if (!r.signatureValid()) {
            failures.add("SIGSTRUCT signature does not verify");
        }
        if (!r.q1q2Valid()) {
            failures.add("SIGSTRUCT Q1/Q2 do not match the signature");
        }
        return new Decoded(r.fields(), failures);
    }

    /**
     * The constant fields that make 1808 bytes a SIGSTRUCT: HEADER (12 bytes; the SDK's TYPE
     * word after it is reported, not required), HEADER2 and EXPONENT. Anything else is decoded.
     */
    private static void requireConstants(byte[] data) {
        SigStruct s = SigStruct.of(data);
        expect(s, SigStruct.HEADER, java.util.Arrays.copyOf(SigStruct.HEADER_CONST, 12), "HEADER");
        expect(s, SigStruct.HEADER2, SigStruct.HEADER2_CONST, "HEADER2");
        if (s.exponent() != 3) {
            throw new IllegalArgumentException(String.format(
                    "offset 0x%x: EXPONENT is %d, a SIGSTRUCT's is 3", SigStruct.EXPONENT,
                    Integer.toUnsignedLong(s.exponent())));
        }
    }

    private static void expect(SigStruct s, int off, byte[] want, String name) {
        byte[] got = s.bytes(off, want.length);
        for (int i = 0; i < want.length; i++) {
            if (got[i] != want[i]) {
                java.util.HexFormat h = java.util.HexFormat.of();
                throw new IllegalArgumentException(String.format("offset 0x%x: %s is %s, expected %s (not a SIGSTRUCT)",
                        off + i, name, h.formatHex(got), h.formatHex(want)));
            }
        }
    }
}
