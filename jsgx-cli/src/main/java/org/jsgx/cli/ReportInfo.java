package org.jsgx.cli;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Report;
import org.jsgx.host.AttributeNames;

/**
 * {@code jsgx info} for a REPORT (EREPORT output, 432 bytes): the body fields, KEYID and MAC.
 * The MAC needs the target enclave's report key, so it is shown, not checked.
 */
final class ReportInfo implements InfoKind {
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    @Override
    public String name() {
        return "REPORT";
    }

    @Override
    public boolean accepts(byte[] data) {
        return data.length == Report.SIZE;
    }

    @Override
    public String mismatch(byte[] data) {
        return data.length + " bytes, expected " + Report.SIZE;
    }

    @Override
    public Decoded decode(byte[] data) {
        Report r = new Report(MemorySegment.ofArray(data.clone()));
        Map<String, Object> m = body(r);
        m.put("keyId", HEX.formatHex(r.keyId()));
        m.put("mac", HEX.formatHex(r.mac()));
        return new Decoded(m, List.of());
    }

    /** The REPORTBODY fields (offsets from the SDM), in structure order. */
    static Map<String, Object> body(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpuSvn", HEX.formatHex(r.cpuSvn()));
        m.put("miscSelect", Integer.toUnsignedLong(r.miscSelect()));
        m.put("isvExtProdId", HEX.formatHex(r.isvExtProdId()));
        m.put("attributes", attributes(r.attributes()));
        m.put("mrenclave", HEX.formatHex(r.mrEnclave()));
        m.put("mrsigner", HEX.formatHex(r.mrSigner()));
        m.put("configId", HEX.formatHex(r.configId()));
        m.put("isvProdId", (long) r.isvProdId());
        m.put("isvSvn", (long) r.isvSvn());
        m.put("configSvn", (long) r.configSvn());
        m.put("isvFamilyId", HEX.formatHex(r.isvFamilyId()));
        m.put("reportData", HEX.formatHex(r.reportData()));
        return m;
    }

    static Map<String, Object> attributes(Attributes a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("flags", String.format("0x%016x", a.flags()));
        m.put("flagNames", List.copyOf(AttributeNames.flagNames(a)));
        m.put("xfrm", String.format("0x%016x", a.xfrm()));
        return m;
    }
}
