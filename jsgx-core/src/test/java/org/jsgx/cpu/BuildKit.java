package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/**
 * Test kit for the SGX1 build path: a platform, a CPL-0 processor with identity paging, a
 * staging area in ordinary RAM for leaf operands, and helpers that issue ECREATE/EADD/EEXTEND
 * the way a driver does.
 */
final class BuildKit {
    static final long STAGE = 0x1000_0000L;
    static final long PAGEINFO = STAGE;
    static final long SECINFO = STAGE + 0x100;
    static final long SRC = STAGE + 0x1000;
    static final long SIGSTRUCT = STAGE + 0x2000;
    static final long TOKEN = STAGE + 0x3000;

    final Platform pf;
    final LogicalProcessor lp;
    final Encls encls;
    private long nextEpc;

    BuildKit() {
        this(Platform.create());
    }

    BuildKit(Platform pf) {
        this.pf = pf;
        this.lp = pf.cpu(0);
        this.encls = lp.encls();
        this.nextEpc = pf.epc().sections().get(0).base();
    }

    /** The physical (= identity-mapped linear) address of a fresh EPC frame. */
    long epcPage() {
        long p = nextEpc;
        nextEpc += 4096;
        return p;
    }

    EpcPage frame(long pa) {
        return pf.epc().page(pa);
    }

    static Secs secs(long base, long size) {
        return Secs.allocate().baseAddr(base).size(size).ssaFrameSize(1)
                .attributes(new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 0x3));
    }

    void stagePageInfo(long linaddr, long src, long secinfo, long secs) {
        lp.store(PAGEINFO, PageInfo.of(linaddr, src, secinfo, secs).toByteArray());
    }

    void stageSecInfo(long flags) {
        lp.store(SECINFO, SecInfo.of(flags).toByteArray());
    }

    /** ECREATE of {@code secs} into a new EPC frame; returns the frame's address. */
    long ecreate(Secs secs) {
        long page = epcPage();
        lp.store(SRC, secs.toByteArray());
        stageSecInfo(SecInfo.flags(PageType.PT_SECS, 0));
        stagePageInfo(0, SRC, SECINFO, 0);
        encls.ecreate(PAGEINFO, page);
        return page;
    }

    /** EADD of {@code content} at {@code linaddr}; returns the EPC frame address. */
    long eadd(long secsPa, long linaddr, long secinfoFlags, byte[] content) {
        long page = epcPage();
        eaddAt(page, secsPa, linaddr, secinfoFlags, content);
        return page;
    }

    void eaddAt(long page, long secsPa, long linaddr, long secinfoFlags, byte[] content) {
        lp.store(SRC, content);
        stageSecInfo(secinfoFlags);
        stagePageInfo(linaddr, SRC, SECINFO, secsPa);
        encls.eadd(PAGEINFO, page);
    }

    /** 16 EEXTENDs covering the page at {@code pagePa}. */
    void eextendPage(long secsPa, long pagePa) {
        for (int off = 0; off < 4096; off += 256) {
            encls.eextend(secsPa, pagePa + off);
        }
    }

    static byte[] filled(int seed) {
        byte[] b = new byte[4096];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    static byte[] tcs(long ossa, int nssa, long oentry) {
        return Tcs.allocate().ossa(ossa).nssa(nssa).oentry(oentry).toByteArray();
    }

    SecsState state(long secsPa) {
        return frame(secsPa).secsState();
    }

    MemorySegment data(long pa) {
        return frame(pa).data();
    }
}
