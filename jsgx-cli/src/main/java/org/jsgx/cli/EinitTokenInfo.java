package org.jsgx.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsgx.cpu.EinitToken;

/**
 * {@code jsgx info} for an EINITTOKEN ({@code .token}, 304 bytes). The MAC needs the platform's
 * launch key, so it is shown, not checked; a token with VALID = 0 is what flexible launch
 * control passes when no launch enclave is involved.
 */
final class EinitTokenInfo implements InfoKind {
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    @Override
    public String name() {
        return "EINITTOKEN";
    }

    @Override
    public boolean accepts(byte[] data) {
        return data.length == EinitToken.SIZE;
    }

    @Override
    public String mismatch(byte[] data) {
        return data.length + " bytes, expected " + EinitToken.SIZE;
    }

    @Override
    public Decoded decode(byte[] data) {
        EinitToken t = EinitToken.of(data);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("valid", Integer.toUnsignedLong(t.valid()));
        m.put("attributes", ReportInfo.attributes(t.attributes()));
        m.put("mrenclave", HEX.formatHex(t.mrEnclave()));
        m.put("mrsigner", HEX.formatHex(t.mrSigner()));
        m.put("cpuSvnLe", HEX.formatHex(t.cpuSvnLe()));
        m.put("isvProdIdLe", (long) t.isvProdIdLe());
        m.put("isvSvnLe", (long) t.isvSvnLe());
        m.put("maskedMiscSelectLe", Integer.toUnsignedLong(t.maskedMiscSelectLe()));
        m.put("maskedAttributesLe", ReportInfo.attributes(t.maskedAttributesLe()));
        m.put("keyId", HEX.formatHex(t.keyId()));
        m.put("mac", HEX.formatHex(t.mac()));
        return new Decoded(m, List.of());
    }
}
