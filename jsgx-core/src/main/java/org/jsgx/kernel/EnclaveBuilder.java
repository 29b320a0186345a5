package org.jsgx.kernel;

import java.util.concurrent.atomic.AtomicLong;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.EinitToken;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.EpcSection;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.PageInfo;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.cpu.SigStruct;

/**
 * The ENCLS sequences the driver issues to build one enclave (sgx_encl_create / add_page /
 * init without the uAPI around them): it stages PAGEINFO, SECINFO and source pages in ordinary
 * memory of the kernel's direct map and calls the leaves on a CPL-0 processor with identity
 * paging. EPC pages come from a first-fit scan for invalid frames; the full allocator and
 * reclaimer are the driver model's job.
 */
public final class EnclaveBuilder {
    private static final AtomicLong NEXT_SCRATCH = new AtomicLong(0x1_0000_0000L);
    /** INIT retries on SGX_UNMASKED_EVENT, as the kernel's sgx_einit loop does. */
    static final int EINIT_RETRIES = 50;

    private final Platform platform;
    private final LogicalProcessor lp;
    private final long scratch;
    private long secsPa = -1;
    private long base;
    private long nextScan;
    /** Enclave page → EPC frame, as the driver's page tables map the enclave VMA. */
    private final java.util.concurrent.ConcurrentHashMap<Long, Long> pageTable =
            new java.util.concurrent.ConcurrentHashMap<>();

    public EnclaveBuilder(Platform platform, LogicalProcessor lp) {
        this.platform = platform;
        this.lp = lp;
        this.scratch = NEXT_SCRATCH.getAndAdd(0x10000);
        this.nextScan = platform.epc().sections().getFirst().base();
    }

    public Platform platform() {
        return platform;
    }

    /** The EPC address of the SECS (after {@link #ecreate}). */
    public long secs() {
        return secsPa;
    }

    public long base() {
        return base;
    }

    /** ECREATE for an enclave at {@code base} of {@code size} bytes. */
    public long ecreate(long base, long size, int ssaFrameSize, Attributes attributes, int miscSelect) {
        Secs s = Secs.allocate().baseAddr(base).size(size).ssaFrameSize(ssaFrameSize).attributes(attributes)
                .miscSelect(miscSelect);
        long page = allocate();
        lp.store(scratch + 0x1000, s.toByteArray());
        lp.store(scratch + 0x100, SecInfo.of(SecInfo.flags(PageType.PT_SECS, 0)).toByteArray());
        lp.store(scratch, PageInfo.of(0, scratch + 0x1000, scratch + 0x100, 0).toByteArray());
        lp.encls().ecreate(scratch, page);
        this.secsPa = page;
        this.base = base;
        return page;
    }

    /** EADD of one page at {@code offset} from the base; returns its EPC address. */
    public long eadd(long offset, long secinfoFlags, byte[] content) {
        long page = allocate();
        lp.store(scratch + 0x1000, content);
        lp.store(scratch + 0x100, SecInfo.of(secinfoFlags).toByteArray());
        lp.store(scratch, PageInfo.of(base + offset, scratch + 0x1000, scratch + 0x100, secsPa).toByteArray());
        lp.encls().eadd(scratch, page);
        pageTable.put((base + offset) >>> 12, page);
        return page;
    }

    /** EEXTEND of the 256-byte chunk at {@code chunkOffset} (0..0xF00) of an added page. */
    public void eextend(long epcPage, int chunkOffset) {
        lp.encls().eextend(secsPa, epcPage + chunkOffset);
    }

    /** EINIT, retried on SGX_UNMASKED_EVENT like the kernel; a null token is an all-zero one. */
    public SgxStatus einit(SigStruct sigstruct, EinitToken token) {
        lp.store(scratch + 0x2000, sigstruct.toByteArray());
        lp.store(scratch + 0x3000, (token != null ? token : EinitToken.allocate()).toByteArray());
        SgxStatus st = SgxStatus.SGX_UNMASKED_EVENT;
        for (int i = 0; i < EINIT_RETRIES && st == SgxStatus.SGX_UNMASKED_EVENT; i++) {
            st = lp.encls().einit(scratch + 0x2000, secsPa, scratch + 0x3000);
        }
        return st;
    }

    /** Writes the four LE-pubkey-hash MSRs of the building processor (flexible launch control). */
    public void writeLeHash(byte[] mrSigner) {
        for (int i = 0; i < 4; i++) {
            long v = 0;
            for (int b = 7; b >= 0; b--) {
                v = (v << 8) | (mrSigner[8 * i + b] & 0xff);
            }
            lp.wrmsrLeHash(i, v);
        }
    }

    /** The SECS as it now sits in the EPC (MRENCLAVE and MRSIGNER are set after EINIT). */
    public Secs secsView() {
        return new Secs(platform.epc().page(secsPa).data());
    }

    /**
     * Paging for a process that has the enclave mapped: enclave linear addresses translate to
     * their EPC frames, every other address to itself (ordinary memory).
     */
    public org.jsgx.cpu.AddressSpace addressSpace() {
        return (linear, access, user) -> {
            Long pa = pageTable.get(linear >>> 12);
            return pa == null ? linear : pa | (linear & 0xFFF);
        };
    }

    private long allocate() {
        for (EpcSection s : platform.epc().sections()) {
            long from = s.contains(nextScan) ? nextScan : s.base();
            for (long pa = from; pa < s.base() + s.size(); pa += 4096) {
                EpcPage p = s.page(pa);
                if (!p.epcm().valid()) {
                    nextScan = pa + 4096;
                    return pa;
                }
            }
        }
        throw new IllegalStateException("EPC exhausted");
    }
}
