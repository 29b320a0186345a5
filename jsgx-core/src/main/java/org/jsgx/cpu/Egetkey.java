package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** ENCLU[EGETKEY]: derives one of the five keys from the SDM's key-dependency table. */
final class Egetkey {
    private Egetkey() {
    }

    static SgxStatus run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, KeyRequest.ALIGN, "KEYREQUEST");
        Checks.gp(!EnclaveAccess.inElrange(lp, rbx), "KEYREQUEST outside ELRANGE");
        EpcPage kr = EnclaveAccess.regPage(lp, rbx, Access.READ);
        Checks.aligned(rcx, 16, "OUTPUTDATA");
        Checks.gp(!EnclaveAccess.inElrange(lp, rcx), "OUTPUTDATA outside ELRANGE");
        EpcPage out = EnclaveAccess.regPage(lp, rcx, Access.WRITE);

        KeyRequest req = new KeyRequest(MemorySegment.ofArray(
                kr.data().asSlice(rbx & 0xFFF, KeyRequest.SIZE).toArray(ValueLayout.JAVA_BYTE)));
        Platform pf = lp.platform();
        Checks.gp(!req.isZero(6, 2) || !req.isZero(KeyRequest.RESERVED, KeyRequest.SIZE - KeyRequest.RESERVED)
                || (req.keyPolicy() & KeyRequest.POLICY_RESERVED) != 0, "KEYREQUEST reserved fields are not zero");
        Secs secs = lp.activeSecs.secsView();
        SecsState st = Checks.state(lp.activeSecs);
        Attributes attrs = secs.attributes();
        boolean kss = attrs.has(Attributes.KSS);
        Checks.gp(!kss && ((req.keyPolicy() & KeyRequest.POLICY_KSS_BITS) != 0 || req.configSvn() > 0),
                "KEYPOLICY KSS bits or CONFIGSVN need ATTRIBUTES.KSS");

        Attributes tmpAttrs = req.attributeMask().or(new Attributes(Attributes.INIT | Attributes.DEBUG, 0)).and(attrs);
        int tmpMisc = req.miscMask() & secs.miscSelect();
        int policy = req.keyPolicy();
        byte[] cpuSvn = pf.capabilities().cpuSvn();
        boolean svnTooHigh = req.isvSvn() > secs.isvSvn() || req.configSvn() > secs.configSvn();

        KeyDerivation.Dependencies d = new KeyDerivation.Dependencies();
        d.keyName = req.keyName();
        switch (req.keyName()) {
            case KeyRequest.SEAL_KEY, KeyRequest.PROVISION_SEAL_KEY, KeyRequest.PROVISION_KEY,
                 KeyRequest.EINITTOKEN_KEY -> {
                if (req.keyName() == KeyRequest.EINITTOKEN_KEY && !attrs.has(Attributes.EINITTOKENKEY)) {
                    return SgxStatus.SGX_INVALID_ATTRIBUTE;
                }
                if ((req.keyName() == KeyRequest.PROVISION_KEY || req.keyName() == KeyRequest.PROVISION_SEAL_KEY)
                        && !attrs.has(Attributes.PROVISIONKEY)) {
                    return SgxStatus.SGX_INVALID_ATTRIBUTE;
                }
                if (KeyDerivation.cpuSvnAbove(req.cpuSvn(), cpuSvn)) {
                    return SgxStatus.SGX_INVALID_CPUSVN;
                }
                if (svnTooHigh) {
                    return SgxStatus.SGX_INVALID_ISVSVN;
                }
                fill(d, req, pf, secs, st, tmpAttrs, tmpMisc, policy);
            }
            case KeyRequest.REPORT_KEY -> {
                d.ownerEpoch = pf.ownerEpoch();
                d.attributes = attrs;
                d.mrEnclave = secs.mrEnclave();
                d.keyId = req.keyId();
                d.sealFuses = pf.fuses().sealFuses();
                d.cpuSvn = cpuSvn;
                d.padding = Rsa3072.hardcodedPadding();
                d.miscSelect = secs.miscSelect();
                d.configId = secs.configId();
                d.configSvn = secs.configSvn();
            }
            default -> {
                return SgxStatus.SGX_INVALID_KEYNAME;
            }
        }
        byte[] key = KeyDerivation.derive(pf.fuses(), d);
        MemorySegment.copy(MemorySegment.ofArray(key), 0, out.data(), rcx & 0xFFF, 16);
        return SgxStatus.SGX_SUCCESS;
    }

    /** The SEAL / EINITTOKEN / PROVISION / PROVISION_SEAL columns of the dependency table. */
    private static void fill(KeyDerivation.Dependencies d, KeyRequest req, Platform pf, Secs secs, SecsState st,
                             Attributes tmpAttrs, int tmpMisc, int policy) {
        int name = req.keyName();
        boolean seal = name == KeyRequest.SEAL_KEY;
        boolean provSeal = name == KeyRequest.PROVISION_SEAL_KEY;
        boolean token = name == KeyRequest.EINITTOKEN_KEY;
        if (seal || provSeal) {
            if ((policy & KeyRequest.POLICY_ISVFAMILYID) != 0) {
                d.isvFamilyId = st.isvFamilyId.clone();
            }
            if ((policy & KeyRequest.POLICY_ISVEXTPRODID) != 0) {
                d.isvExtProdId = st.isvExtProdId.clone();
            }
            d.isvProdId = (policy & KeyRequest.POLICY_NOISVPRODID) != 0 ? 0 : secs.isvProdId();
            d.keyPolicy = policy;
            if ((policy & KeyRequest.POLICY_CONFIGID) != 0) {
                d.configId = secs.configId();
                d.configSvn = req.configSvn();
            }
        } else {
            d.isvProdId = secs.isvProdId();
        }
        d.isvSvn = req.isvSvn();
        if (seal || token) {
            d.ownerEpoch = pf.ownerEpoch();
        }
        d.attributes = tmpAttrs;
        if (!token) {
            d.attributesMask = req.attributeMask();
            d.miscMask = ~req.miscMask();
        }
        if (seal) {
            if ((policy & KeyRequest.POLICY_MRENCLAVE) != 0) {
                d.mrEnclave = secs.mrEnclave();
            }
            if ((policy & KeyRequest.POLICY_MRSIGNER) != 0) {
                d.mrSigner = secs.mrSigner();
            }
        } else {
            d.mrSigner = secs.mrSigner();
        }
        if (seal || token) {
            d.keyId = req.keyId();
        }
        if (name != KeyRequest.PROVISION_KEY) {
            d.sealFuses = pf.fuses().sealFuses();
        }
        d.cpuSvn = req.cpuSvn();
        d.padding = st.padding.clone();
        d.miscSelect = tmpMisc;
    }
}
