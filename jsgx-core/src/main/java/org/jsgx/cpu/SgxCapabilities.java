package org.jsgx.cpu;

/**
 * What CPUID leaf 12H reports: the SGX feature set of the modelled part, and the limits ECREATE
 * checks against.
 *
 * @param sgx2             EDMM leaves (EAUG, EMODPR, EMODT, EACCEPT, EACCEPTCOPY, EMODPE)
 * @param kss              key separation and sharing (CONFIGID, ISVFAMILYID, ...)
 * @param launchControl    flexible launch control: IA32_SGXLEPUBKEYHASHn are writable
 * @param miscSelect       CPUID.(12H,0).EBX: MISCSELECT bits that may be set
 * @param attributesMask   CPUID.(12H,1): ATTRIBUTES bits that may be set (FLAGS and XFRM)
 * @param maxEnclaveLog2Non64 CPUID.(12H,0).EDX[7:0]
 * @param maxEnclaveLog2_64   CPUID.(12H,0).EDX[15:8]
 * @param cpuSvn           CR_CPUSVN
 * @param rdtscInEnclave   RDTSC allowed in enclave mode (SGX2 parts)
 */
public record SgxCapabilities(boolean sgx2, boolean kss, boolean launchControl, int miscSelect,
                              Attributes attributesMask, int maxEnclaveLog2Non64, int maxEnclaveLog2_64,
                              byte[] cpuSvn, boolean rdtscInEnclave) {

    /** A server part with SGX2, KSS and FLC: the configuration the Linux driver targets. */
    public static SgxCapabilities defaults() {
        long flags = Attributes.DEBUG | Attributes.MODE64BIT | Attributes.PROVISIONKEY
                | Attributes.EINITTOKENKEY | Attributes.KSS | Attributes.AEXNOTIFY;
        // x87, SSE, AVX, MPX (BNDREGS, BNDCSR), AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM), PKRU
        long xfrm = 0x2FFL;
        byte[] cpuSvn = new byte[16];
        cpuSvn[0] = 0x0E;
        cpuSvn[1] = 0x0E;
        cpuSvn[2] = 0x02;
        cpuSvn[3] = 0x04;
        return new SgxCapabilities(true, true, true, ExInfo.MISCSELECT_EXINFO, new Attributes(flags, xfrm), 31, 47,
                cpuSvn, true);
    }

    /** An SGX1-only part (no EDMM), e.g. a Skylake client. */
    public static SgxCapabilities sgx1Only() {
        SgxCapabilities d = defaults();
        return new SgxCapabilities(false, false, d.launchControl, d.miscSelect,
                new Attributes(d.attributesMask.flags() & ~(Attributes.KSS | Attributes.AEXNOTIFY), 0x1FL),
                d.maxEnclaveLog2Non64, 36, d.cpuSvn, false);
    }

    public SgxCapabilities withSgx2(boolean on) {
        return new SgxCapabilities(on, kss, launchControl, miscSelect, attributesMask, maxEnclaveLog2Non64,
                maxEnclaveLog2_64, cpuSvn, on);
    }

    public SgxCapabilities withLaunchControl(boolean on) {
        return new SgxCapabilities(sgx2, kss, on, miscSelect, attributesMask, maxEnclaveLog2Non64,
                maxEnclaveLog2_64, cpuSvn, rdtscInEnclave);
    }

    public SgxCapabilities withCpuSvn(byte[] svn) {
        return new SgxCapabilities(sgx2, kss, launchControl, miscSelect, attributesMask, maxEnclaveLog2Non64,
                maxEnclaveLog2_64, svn.clone(), rdtscInEnclave);
    }
}
