package org.jsgx.cli;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsgx.cpu.Report;

/**
 * {@code jsgx info} for an SGX ECDSA (DCAP) quote, version 3 or 4: the 48-byte header, the
 * enclave's REPORTBODY at offset 48, and the length of the signature data that follows. The
 * signature chain is not verified (that needs Intel's PCK certificates and collateral).
 */
final class QuoteInfo implements InfoKind {
    static final int HEADER = 48;
    static final int BODY = HEADER;
    static final int SIG_LEN = BODY + Report.BODY_SIZE;
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    @Override
    public String name() {
        return "QUOTE";
    }

    @Override
    public boolean accepts(byte[] data) {
        return mismatch(data) == null;
    }

    @Override
    public String mismatch(byte[] data) {
        if (data.length < SIG_LEN + 4) {
            return "offset 0x" + Integer.toHexString(data.length) + ": " + data.length
                    + " bytes, shorter than a quote header, report body and signature length";
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getShort(0) & 0xffff;
        if (version != 3 && version != 4) {
            return "offset 0x0: version " + version + ", an SGX quote is version 3 or 4";
        }
        int teeType = b.getInt(4);
        if (teeType != 0) {
            return String.format("offset 0x4: TEE type 0x%x is not SGX (0)", teeType);
        }
        long sigLen = Integer.toUnsignedLong(b.getInt(SIG_LEN));
        if (sigLen != data.length - SIG_LEN - 4L) {
            return String.format("offset 0x%x: signature data length %d does not match the %d bytes that follow",
                    SIG_LEN, sigLen, data.length - SIG_LEN - 4);
        }
        return null;
    }

    @Override
    public Decoded decode(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", (long) (b.getShort(0) & 0xffff));
        m.put("attestationKeyType", (long) (b.getShort(2) & 0xffff));
        m.put("teeType", Integer.toUnsignedLong(b.getInt(4)));
        m.put("qeSvn", (long) (b.getShort(8) & 0xffff));
        m.put("pceSvn", (long) (b.getShort(10) & 0xffff));
        m.put("qeVendorId", HEX.formatHex(data, 12, 28));
        m.put("userData", HEX.formatHex(data, 28, 48));
        Report body = Report.bodyOnly(MemorySegment.ofArray(java.util.Arrays.copyOfRange(data, BODY,
                BODY + Report.BODY_SIZE)));
        m.put("reportBody", ReportInfo.body(body));
        m.put("signatureDataLength", Integer.toUnsignedLong(b.getInt(SIG_LEN)));
        return new Decoded(m, List.of());
    }
}
