package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * ENCLS[EINIT]: verifies SIGSTRUCT and launch authorisation, finalises MRENCLAVE and marks the
 * enclave initialised. On any error the SECS is unchanged and EINIT may be retried.
 */
final class Einit {
    private Einit() {
    }

    static SgxStatus run(LogicalProcessor lp, long rbx, long rcx, long rdx) {
        Checks.aligned(rbx, 4096, "SIGSTRUCT");
        Checks.aligned(rcx, 4096, "SECS");
        Checks.aligned(rdx, EinitToken.ALIGN, "EINITTOKEN");
        EpcPage secsPage = lp.epcOperand(rcx, Access.WRITE);

        SigStruct sig = new SigStruct(MemorySegment.ofArray(lp.read(rbx, SigStruct.SIZE)));
        EinitToken token = new EinitToken(MemorySegment.ofArray(lp.read(rdx, EinitToken.SIZE)));
        SgxCapabilities caps = lp.platform().capabilities();

        if (!sigStructWellFormed(sig, caps)) {
            return SgxStatus.SGX_INVALID_SIG_STRUCT;
        }
        if (lp.unmaskedEventPending) {
            return SgxStatus.SGX_UNMASKED_EVENT;
        }
        byte[] signed = sig.signedData();
        if (!Rsa3072.signatureValid(sig.modulusLe(), sig.signatureLe(), signed)
                || !Rsa3072.q1q2Valid(sig.modulusLe(), sig.signatureLe(), sig.q1Le(), sig.q2Le())) {
            return SgxStatus.SGX_INVALID_SIGNATURE;
        }

        Checks.lock(secsPage, "SECS");
        try {
            EpcmEntry e = secsPage.epcm();
            Checks.pf(!e.valid || e.pageType != PageType.PT_SECS, rcx, "RCX is not a valid SECS page");
            Secs secs = secsPage.secsView();
            Checks.gp(secs.initialized(), "enclave already initialized (EINIT twice)");
            Attributes attrs = secs.attributes();
            if (!attrs.has(Attributes.KSS)
                    && (!Bytes.allZero(sig.isvFamilyId()) || !Bytes.allZero(sig.isvExtProdId()))) {
                return SgxStatus.SGX_INVALID_SIG_STRUCT;
            }
            SecsState state = Checks.state(secsPage);
            byte[] mrEnclave = state.measurement.peekFinal();
            if (!Arrays.equals(sig.enclaveHash(), mrEnclave)) {
                return SgxStatus.SGX_INVALID_MEASUREMENT;
            }
            byte[] mrSigner = sig.mrSigner();
            boolean isLaunchSigner = Arrays.equals(mrSigner, lp.leHashBytes());
            if ((attrs.flags() & Attributes.CONTROLLED) != 0 && !isLaunchSigner) {
                return SgxStatus.SGX_INVALID_ATTRIBUTE;
            }
            Attributes mask = sig.attributeMask();
            if (!attrs.and(mask).equals(sig.attributes().and(mask))) {
                return SgxStatus.SGX_INVALID_ATTRIBUTE;
            }
            if ((secs.miscSelect() & sig.miscMask()) != (sig.miscSelect() & sig.miscMask())) {
                return SgxStatus.SGX_INVALID_ATTRIBUTE;
            }
            if ((token.valid() & 1) == 0) {
                if (!isLaunchSigner) {
                    return SgxStatus.SGX_INVALID_EINITTOKEN;
                }
            } else {
                SgxStatus t = checkToken(lp, token, attrs, mrEnclave, mrSigner);
                if (t != SgxStatus.SGX_SUCCESS) {
                    return t;
                }
            }

            // commit
            secs.bytes(Secs.MRENCLAVE, mrEnclave);
            secs.bytes(Secs.MRSIGNER, mrSigner);
            secs.u16(Secs.ISVPRODID, sig.isvProdId());
            secs.u16(Secs.ISVSVN, sig.isvSvn());
            state.isvFamilyId = sig.isvFamilyId();
            state.isvExtProdId = sig.isvExtProdId();
            state.padding = Arrays.copyOf(Rsa3072.encode(signed), Rsa3072.PADDING_LEN);
            state.measurement = null;
            secs.attributes(attrs.withFlags(attrs.flags() | Attributes.INIT));
            return SgxStatus.SGX_SUCCESS;
        } finally {
            secsPage.unlock();
        }
    }

    /** Step 4: constant headers, vendor, exponent and reserved fields. */
    static boolean sigStructWellFormed(SigStruct s, SgxCapabilities caps) {
        if (!Arrays.equals(s.bytes(SigStruct.HEADER, 16), SigStruct.HEADER_CONST)
                || !Arrays.equals(s.bytes(SigStruct.HEADER2, 16), SigStruct.HEADER2_CONST)) {
            return false;
        }
        if (s.vendor() != 0 && s.vendor() != SigStruct.VENDOR_INTEL) {
            return false;
        }
        if (s.exponent() != 3) {
            return false;
        }
        boolean reservedZero = s.isZero(44, 84) && s.isZero(908, 4) && s.isZero(992, 16) && s.isZero(1028, 12);
        if (!caps.kss()) {
            reservedZero &= s.isZero(SigStruct.ISVFAMILYID, 16) && s.isZero(SigStruct.ISVEXTPRODID, 16);
        }
        return reservedZero;
    }

    /** Steps 17-22: the EINITTOKEN path. */
    private static SgxStatus checkToken(LogicalProcessor lp, EinitToken token, Attributes attrs, byte[] mrEnclave,
                                        byte[] mrSigner) {
        if (token.maskedAttributesLe().has(Attributes.DEBUG) && !attrs.has(Attributes.DEBUG)) {
            return SgxStatus.SGX_INVALID_EINITTOKEN;
        }
        if ((token.valid() & ~1) != 0 || !token.isZero(4, 44) || !token.isZero(96, 32) || !token.isZero(160, 32)
                || !token.isZero(212, 24)) {
            return SgxStatus.SGX_INVALID_EINITTOKEN;
        }
        Platform pf = lp.platform();
        if (KeyDerivation.cpuSvnAbove(token.cpuSvnLe(), pf.capabilities().cpuSvn())) {
            return SgxStatus.SGX_INVALID_CPUSVN;
        }
        byte[] key = KeyDerivation.derive(pf.fuses(), tokenKeyDependencies(pf, token, lp.leHashBytes()));
        if (!Bytes.equal(token.mac(), Crypto.cmac(key, token.macedBytes()))) {
            return SgxStatus.SGX_INVALID_EINITTOKEN;
        }
        if (!Arrays.equals(token.mrEnclave(), mrEnclave) || !Arrays.equals(token.mrSigner(), mrSigner)) {
            return SgxStatus.SGX_INVALID_MEASUREMENT;
        }
        if (!token.attributes().equals(attrs)) {
            return SgxStatus.SGX_INVALID_ATTRIBUTE;
        }
        return SgxStatus.SGX_SUCCESS;
    }

    /** EINIT's token-key dependencies; a launch enclave gets the same key from EGETKEY. */
    static KeyDerivation.Dependencies tokenKeyDependencies(Platform pf, EinitToken token, byte[] leHash) {
        KeyDerivation.Dependencies d = new KeyDerivation.Dependencies();
        d.keyName = KeyRequest.EINITTOKEN_KEY;
        d.isvProdId = token.isvProdIdLe();
        d.isvSvn = token.isvSvnLe();
        d.ownerEpoch = pf.ownerEpoch();
        d.attributes = token.maskedAttributesLe();
        d.mrSigner = leHash;
        d.keyId = token.keyId();
        d.sealFuses = pf.fuses().sealFuses();
        d.cpuSvn = token.cpuSvnLe();
        d.padding = Rsa3072.hardcodedPadding();
        d.miscSelect = token.maskedMiscSelectLe();
        return d;
    }
}
