package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/** ENCLS[ECREATE]: checks in the SDM's order, then the SECS becomes a valid PT_SECS page. */
final class Ecreate {
    private Ecreate() {
    }

    static void run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, PageInfo.ALIGN, "PAGEINFO");
        Checks.aligned(rcx, 4096, "SECS EPC page");
        EpcPage page = lp.epcOperand(rcx, Access.WRITE);

        PageInfo pi = new PageInfo(MemorySegment.ofArray(lp.read(rbx, PageInfo.SIZE)));
        Checks.aligned(pi.srcpge(), 4096, "PAGEINFO.SRCPGE");
        Checks.aligned(pi.secinfo(), SecInfo.ALIGN, "PAGEINFO.SECINFO");
        Checks.gp(pi.linaddr() != 0, "PAGEINFO.LINADDR must be 0 for ECREATE");
        Checks.gp(pi.secs() != 0, "PAGEINFO.SECS must be 0 for ECREATE");

        SecInfo si = new SecInfo(MemorySegment.ofArray(lp.read(pi.secinfo(), SecInfo.SIZE)));
        Checks.gp((si.flags() & SecInfo.RESERVED_BITS) != 0 || !si.reservedBytesZero(),
                "SECINFO reserved bits are not zero");
        Checks.gp(si.pageType() != PageType.PT_SECS, "SECINFO.PAGE_TYPE is not PT_SECS");

        Checks.lock(page, "SECS EPC page");
        try {
            Checks.pf(page.epcm().valid, rcx, "EPC page already valid");
            Secs tmp = new Secs(MemorySegment.ofArray(lp.read(pi.srcpge(), Secs.SIZE)));
            checkSecs(lp.platform().capabilities(), tmp);

            long eid = lp.platform().nextEid();
            SecsState state = new SecsState(eid, new Measurement(tmp.ssaFrameSize(), tmp.size()));
            // inputs that ECREATE overwrites rather than checks
            tmp.segment().asSlice(Secs.MRENCLAVE, 32).fill((byte) 0);
            tmp.segment().asSlice(Secs.MRSIGNER, 32).fill((byte) 0);
            tmp.u16(Secs.ISVPRODID, 0);
            tmp.u16(Secs.ISVSVN, 0);
            MemorySegment.copy(tmp.segment(), 0, page.data(), 0, Secs.SIZE);
            page.secsState = state;
            page.epcm().set(PageType.PT_SECS, 0, null, 0);
        } finally {
            page.unlock();
        }
    }

    /** Steps 7-16 of the SDM's ECREATE on the copied SECS. */
    static void checkSecs(SgxCapabilities caps, Secs s) {
        Attributes a = s.attributes();
        long xfrm = a.xfrm();
        if ((xfrm & 0x3) != 0x3) {
            throw new GeneralProtectionFault(String.format("XFRM 0x%x: x87 and SSE (bits 1:0) must be set", xfrm));
        }
        if ((xfrm & ~caps.attributesMask().xfrm()) != 0 || !Xsave.validXcr0(xfrm)) {
            throw new GeneralProtectionFault(String.format("XFRM 0x%x is not a supported XCR0 value", xfrm));
        }
        if ((s.miscSelect() & ~caps.miscSelect()) != 0) {
            throw new GeneralProtectionFault(String.format("MISCSELECT 0x%x has unsupported bits", s.miscSelect()));
        }
        long need = Xsave.size(xfrm) + GprSgx.SIZE + miscSize(s.miscSelect());
        if ((long) Integer.toUnsignedLong(s.ssaFrameSize()) * 4096 < need) {
            throw new GeneralProtectionFault(String.format(
                    "SSAFRAMESIZE %d pages is smaller than the %d bytes XSAVE+MISC+GPRSGX need",
                    Integer.toUnsignedLong(s.ssaFrameSize()), need));
        }
        boolean mode64 = a.has(Attributes.MODE64BIT);
        long base = s.baseAddr();
        long size = s.size();
        if (mode64) {
            if (!Checks.canonical(base)) {
                throw new GeneralProtectionFault(String.format("BASEADDR 0x%x is not canonical", base));
            }
            if (Long.compareUnsigned(size, 1L << caps.maxEnclaveLog2_64()) >= 0) {
                throw new GeneralProtectionFault(String.format("SIZE 0x%x exceeds the 64-bit maximum 2^%d", size, caps.maxEnclaveLog2_64()));
            }
        } else {
            Checks.gp(Long.compareUnsigned(base, 1L << 32) >= 0, "BASEADDR above 4 GiB for a 32-bit enclave");
            if (Long.compareUnsigned(size, 1L << caps.maxEnclaveLog2Non64()) >= 0) {
                throw new GeneralProtectionFault(String.format("SIZE 0x%x exceeds the 32-bit maximum 2^%d", size, caps.maxEnclaveLog2Non64()));
            }
        }
        if (Long.compareUnsigned(size, 8192) < 0 || Long.bitCount(size) != 1) {
            throw new GeneralProtectionFault(String.format("SIZE 0x%x is not a power of two of at least 8 KiB", size));
        }
        if ((base & (size - 1)) != 0) {
            throw new GeneralProtectionFault(String.format("BASEADDR 0x%x is not naturally aligned to SIZE 0x%x", base, size));
        }
        Attributes mask = caps.attributesMask();
        if ((a.flags() & ~mask.flags()) != 0) {
            throw new GeneralProtectionFault(String.format("ATTRIBUTES.FLAGS 0x%x has bits not allowed by CPUID (INIT or reserved)", a.flags()));
        }
        Checks.gp(!s.isZero(24, 24), "SECS reserved bytes 24..47 are not zero");
        Checks.gp(!s.isZero(96, 32), "SECS reserved bytes 96..127 are not zero");
        Checks.gp(!s.isZero(160, 32), "SECS reserved bytes 160..191 are not zero");
        if (!caps.kss()) {
            Checks.gp(!s.isZero(Secs.CONFIGID, 64), "SECS CONFIGID is reserved without KSS");
            Checks.gp(s.configSvn() != 0, "SECS CONFIGSVN is reserved without KSS");
        }
        Checks.gp(!s.isZero(Secs.RESERVED_TAIL, Secs.SIZE - Secs.RESERVED_TAIL),
                "SECS reserved bytes 262..4095 are not zero");
        Checks.gp((!s.isZero(Secs.CONFIGID, 64) || s.configSvn() != 0) && !a.has(Attributes.KSS),
                "CONFIGID/CONFIGSVN set without ATTRIBUTES.KSS");
    }

    /** Size of the MISC region for the selected MISCSELECT components. */
    static int miscSize(int miscSelect) {
        return (miscSelect & ExInfo.MISCSELECT_EXINFO) != 0 ? ExInfo.SIZE : 0;
    }
}
