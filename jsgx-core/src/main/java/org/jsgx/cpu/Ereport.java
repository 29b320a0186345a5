package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** ENCLU[EREPORT]: a REPORT of the current enclave, MACed with the target enclave's report key. */
final class Ereport {
    private Ereport() {
    }

    static void run(LogicalProcessor lp, long rbx, long rcx, long rdx) {
        Checks.aligned(rbx, TargetInfo.ALIGN, "TARGETINFO");
        Checks.gp(!EnclaveAccess.inElrange(lp, rbx), "TARGETINFO outside ELRANGE");
        EpcPage ti = EnclaveAccess.regPage(lp, rbx, Access.READ);
        Checks.aligned(rcx, 128, "REPORTDATA");
        Checks.gp(!EnclaveAccess.inElrange(lp, rcx), "REPORTDATA outside ELRANGE");
        EpcPage rd = EnclaveAccess.regPage(lp, rcx, Access.READ);
        Checks.aligned(rdx, Report.ALIGN, "OUTPUTDATA");
        Checks.gp(!EnclaveAccess.inElrange(lp, rdx), "OUTPUTDATA outside ELRANGE");
        EpcPage out = EnclaveAccess.regPage(lp, rdx, Access.WRITE);

        TargetInfo target = new TargetInfo(copy(ti, rbx, TargetInfo.SIZE));
        byte[] reportData = copy(rd, rcx, 64).toArray(ValueLayout.JAVA_BYTE);
        Report report = build(lp, reportData);
        byte[] key = KeyDerivation.derive(lp.platform().fuses(), reportKeyDependencies(lp.platform(), target));
        report.bytes(Report.MAC, Crypto.cmac(key, report.body()));
        MemorySegment.copy(report.segment(), 0, out.data(), rdx & 0xFFF, Report.SIZE);
    }

    private static MemorySegment copy(EpcPage p, long la, int len) {
        return MemorySegment.ofArray(p.data().asSlice(la & 0xFFF, len).toArray(ValueLayout.JAVA_BYTE));
    }

    /** The report body and KEYID for the enclave running on {@code lp}. */
    static Report build(LogicalProcessor lp, byte[] reportData) {
        Secs secs = lp.activeSecs.secsView();
        SecsState st = Checks.state(lp.activeSecs);
        Report r = Report.allocate();
        r.bytes(Report.CPUSVN, lp.platform().capabilities().cpuSvn());
        r.u32(Report.MISCSELECT, secs.miscSelect());
        r.bytes(Report.ISVEXTPRODID, st.isvExtProdId);
        r.attributes(Report.ATTRIBUTES, secs.attributes());
        r.bytes(Report.MRENCLAVE, secs.mrEnclave());
        r.bytes(Report.MRSIGNER, secs.mrSigner());
        r.bytes(Report.CONFIGID, secs.configId());
        r.u16(Report.ISVPRODID, secs.isvProdId());
        r.u16(Report.ISVSVN, secs.isvSvn());
        r.u16(Report.CONFIGSVN, secs.configSvn());
        r.bytes(Report.ISVFAMILYID, st.isvFamilyId);
        r.bytes(Report.REPORTDATA, reportData);
        r.bytes(Report.KEYID, lp.platform().fuses().reportKeyId());
        return r;
    }

    /** The report key of the enclave described by {@code target} ([MODEL] HARDCODED padding). */
    static KeyDerivation.Dependencies reportKeyDependencies(Platform pf, TargetInfo target) {
        KeyDerivation.Dependencies d = new KeyDerivation.Dependencies();
        d.keyName = KeyRequest.REPORT_KEY;
        d.ownerEpoch = pf.ownerEpoch();
        d.attributes = target.attributes();
        d.mrEnclave = target.measurement();
        d.keyId = pf.fuses().reportKeyId();
        d.sealFuses = pf.fuses().sealFuses();
        d.cpuSvn = pf.capabilities().cpuSvn();
        d.padding = Rsa3072.hardcodedPadding();
        d.miscSelect = target.miscSelect();
        d.configId = target.configId();
        d.configSvn = target.configSvn();
        return d;
    }
}
