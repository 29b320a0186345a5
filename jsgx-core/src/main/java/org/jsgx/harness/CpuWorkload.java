package org.jsgx.harness;

import java.lang.foreign.ValueLayout;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsgx.cpu.ArchFault;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.EinitToken;
import org.jsgx.cpu.Encls;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.EpcSection;
import org.jsgx.cpu.GeneralProtectionFault;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.Measurement;
import org.jsgx.cpu.PageFault;
import org.jsgx.cpu.PageInfo;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.cpu.SigStruct;
import org.jsgx.cpu.Tcs;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.SigStructSigner;

/**
 * Model-based testing of the cpu layer: random sequences of ENCLS leaves (create, add, extend,
 * init, remove, block/track/evict, reload, tampered reload, and deliberately invalid calls)
 * against a small platform, with a shadow model that predicts each outcome and the invariants
 * of {@link CpuInvariants} checked after every step. Every decision comes from a
 * {@link Choices} source, so runs replay exactly and property tests can shrink them.
 */
public final class CpuWorkload {
    /** The kinds of step, for statistics. */
    public enum Op { CREATE, ADD, EXTEND, INIT, REMOVE_PAGE, REMOVE_SECS, EVICT, RELOAD, TAMPERED_RELOAD, INVALID }

    static final int EPC_PAGES = 192;
    /** Building steps are drawn more often than destructive ones, so enclaves grow. */
    private static final Op[] WEIGHTED = {Op.CREATE, Op.ADD, Op.ADD, Op.ADD, Op.ADD, Op.EXTEND, Op.EXTEND,
        Op.EXTEND, Op.INIT, Op.REMOVE_PAGE, Op.REMOVE_SECS, Op.EVICT, Op.EVICT, Op.RELOAD, Op.RELOAD,
        Op.TAMPERED_RELOAD, Op.INVALID};
    private static final long STAGE = 0x1000_0000L;
    private static final long PAGEINFO = STAGE;
    private static final long SECINFO = STAGE + 0x100;
    private static final long SRC = STAGE + 0x1000;
    private static final long SIGSTRUCT = STAGE + 0x2000;
    private static final long TOKEN = STAGE + 0x3000;
    private static final long BACKING = 0x2000_0000L;
    private static final long PCMDS = 0x3000_0000L;
    private static final Attributes ATTRS = new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 0x3);

    /** A page of a shadow enclave: resident in an EPC frame or evicted to a backing slot. */
    static final class ShadowPage {
        final ShadowEnclave enclave;
        final long linaddr;
        final PageType type;
        final long perms;
        long epcPa;
        byte[] content;
        long vaPa = -1;
        int slot;
        long backing;
        long pcmd;

        ShadowPage(ShadowEnclave enclave, long linaddr, PageType type, long perms, long epcPa) {
            this.enclave = enclave;
            this.linaddr = linaddr;
            this.type = type;
            this.perms = perms;
            this.epcPa = epcPa;
        }

        boolean resident() {
            return vaPa < 0;
        }
    }

    /** What the workload expects of one enclave. */
    static final class ShadowEnclave {
        final long secsPa;
        final long base;
        final long size;
        final Measurement measurement;
        final List<ShadowPage> pages = new ArrayList<>();
        byte[] mrEnclave;

        ShadowEnclave(long secsPa, long base, long size) {
            this.secsPa = secsPa;
            this.base = base;
            this.size = size;
            this.measurement = new Measurement(1, size);
        }

        boolean initialized() {
            return mrEnclave != null;
        }
    }

    private final Choices choices;
    private final Platform pf;
    private final LogicalProcessor lp;
    private final Encls encls;
    private final RSAPrivateCrtKey key;
    final List<ShadowEnclave> enclaves = new ArrayList<>();
    final Set<Long> usedFrames = new HashSet<>();
    /** VA page → occupied slots. */
    final Map<Long, boolean[]> vaPages = new java.util.LinkedHashMap<>();
    private long nextBacking;
    private long nextBase = 0x10_0000_0000L;
    private final Map<Op, Long> counts = new EnumMap<>(Op.class);
    private long invariantChecks;
    private long steps;
    private final StringBuilder trace = new StringBuilder();

    public CpuWorkload(Choices choices, long platformSeed, RSAPrivateCrtKey key) {
        this.choices = choices;
        this.pf = Platform.builder().seed(platformSeed).epcSize(EPC_PAGES * 4096L).cpus(1).build();
        this.lp = pf.cpu(0);
        this.encls = lp.encls();
        this.key = key;
    }

    public Platform platform() {
        return pf;
    }

    public long steps() {
        return steps;
    }

    public long invariantChecks() {
        return invariantChecks;
    }

    public Map<Op, Long> counts() {
        return counts;
    }

    /** Runs up to {@code max} steps or until the choices run out; throws on the first violation. */
    public void run(int max) {
        for (int i = 0; i < max && choices.hasNext(); i++) {
            step();
        }
    }

    /** One random step followed by the invariant checks. */
    public void step() {
        Op op = WEIGHTED[choices.next(WEIGHTED.length)];
        boolean done;
        try {
            done = switch (op) {
                case CREATE -> create();
                case ADD -> add();
                case EXTEND -> extend();
                case INIT -> init();
                case REMOVE_PAGE -> removePage();
                case REMOVE_SECS -> removeSecs();
                case EVICT -> evict();
                case RELOAD -> reload();
                case TAMPERED_RELOAD -> tamperedReload();
                case INVALID -> invalid();
            };
        } catch (ArchFault f) {
            throw violation("unexpected " + f.getMessage() + " in " + op);
        }
        if (done) {
            steps++;
            counts.merge(op, 1L, Long::sum);
            CpuInvariants.check(this);
            invariantChecks++;
        }
    }

    AssertionError violation(String what) {
        return new AssertionError(what + "\n  after steps:" + trace);
    }

    private void log(String s) {
        trace.append("\n    ").append(s);
        if (trace.length() > 20_000) {
            trace.delete(0, trace.length() - 10_000);
        }
    }

    // ---- helpers ----

    private <T> T pick(List<T> l) {
        return l.get(choices.next(l.size()));
    }

    private long freeFrame() {
        EpcSection s = pf.epc().sections().getFirst();
        int start = choices.next(EPC_PAGES);
        for (int i = 0; i < EPC_PAGES; i++) {
            long pa = s.base() + (long) ((start + i) % EPC_PAGES) * 4096;
            if (!usedFrames.contains(pa)) {
                return pa;
            }
        }
        return -1;
    }

    private void stagePage(long linaddr, long src, long secinfo, long secs) {
        lp.store(PAGEINFO, PageInfo.of(linaddr, src, secinfo, secs).toByteArray());
    }

    private List<ShadowPage> pages(java.util.function.Predicate<ShadowPage> p) {
        List<ShadowPage> l = new ArrayList<>();
        for (ShadowEnclave e : enclaves) {
            for (ShadowPage sp : e.pages) {
                if (p.test(sp)) {
                    l.add(sp);
                }
            }
        }
        return l;
    }

    /** Runs a call that must be refused and checks it changed nothing. */
    private void refused(String what, Runnable call, Class<? extends ArchFault> fault, SgxStatus status) {
        String before = Fingerprint.of(pf);
        try {
            call.run();
            if (fault != null) {
                throw violation(what + ": expected " + fault.getSimpleName() + ", completed");
            }
            if (lp.regs().rax != status.code()) {
                throw violation(what + ": expected " + status + ", got RAX=" + lp.regs().rax);
            }
        } catch (ArchFault f) {
            if (fault == null || !fault.isInstance(f)) {
                throw violation(what + ": expected " + (fault != null ? fault.getSimpleName() : status) + ", got "
                        + f.getMessage());
            }
        }
        if (!before.equals(Fingerprint.of(pf))) {
            throw violation(what + ": a refused call changed architectural state");
        }
    }

    // ---- steps ----

    private boolean create() {
        if (enclaves.size() >= 4) {
            return false;
        }
        long secsPa = freeFrame();
        if (secsPa < 0) {
            return false;
        }
        long size = 1L << (13 + choices.next(5)); // 8 KiB .. 128 KiB
        long base = nextBase;
        nextBase += 1L << 24;
        lp.store(SRC, Secs.allocate().baseAddr(base).size(size).ssaFrameSize(1).attributes(ATTRS).toByteArray());
        lp.store(SECINFO, SecInfo.of(SecInfo.flags(PageType.PT_SECS, 0)).toByteArray());
        stagePage(0, SRC, SECINFO, 0);
        encls.ecreate(PAGEINFO, secsPa);
        enclaves.add(new ShadowEnclave(secsPa, base, size));
        usedFrames.add(secsPa);
        log(String.format("ECREATE 0x%x base 0x%x size 0x%x", secsPa, base, size));
        return true;
    }

    private boolean add() {
        if (enclaves.isEmpty()) {
            return false;
        }
        ShadowEnclave e = pick(enclaves);
        long frame = freeFrame();
        if (frame < 0) {
            return false;
        }
        long linaddr = e.base + (long) choices.next((int) (e.size >>> 12)) * 4096;
        boolean tcs = choices.next(4) == 0;
        long perms = choices.next(8); // a TCS's R/W/X are ignored: EADD clears them
        byte[] content = new byte[4096];
        if (tcs) {
            content = Tcs.allocate().ossa(0x1000).nssa(1).oentry(choices.next(64)).toByteArray();
        } else {
            for (int i = 0; i < 4096; i += 97) {
                content[i] = (byte) choices.next(256);
            }
        }
        long flags = SecInfo.flags(tcs ? PageType.PT_TCS : PageType.PT_REG, perms);
        lp.store(SRC, content);
        lp.store(SECINFO, SecInfo.of(flags).toByteArray());
        stagePage(linaddr, SRC, SECINFO, e.secsPa);
        boolean wWithoutR = !tcs && (perms & SecInfo.W) != 0 && (perms & SecInfo.R) == 0;
        if (e.initialized() || wWithoutR) {
            refused("EADD " + (e.initialized() ? "after EINIT" : "W without R"), () -> encls.eadd(PAGEINFO, frame),
                    GeneralProtectionFault.class, null);
            log("EADD refused as expected");
            return true;
        }
        encls.eadd(PAGEINFO, frame);
        ShadowPage p = new ShadowPage(e, linaddr, tcs ? PageType.PT_TCS : PageType.PT_REG, perms, frame);
        p.content = pf.epc().page(frame).data().toArray(ValueLayout.JAVA_BYTE);
        e.pages.add(p);
        e.measurement.eadd(linaddr - e.base, tcs ? SecInfo.flags(PageType.PT_TCS, 0) : flags);
        usedFrames.add(frame);
        log(String.format("EADD 0x%x at 0x%x flags 0x%x", frame, linaddr, flags));
        return true;
    }

    private boolean extend() {
        List<ShadowPage> l = pages(p -> p.resident() && !p.enclave.initialized());
        if (l.isEmpty()) {
            return false;
        }
        ShadowPage p = pick(l);
        int chunk = choices.next(16) * 256;
        encls.eextend(p.enclave.secsPa, p.epcPa + chunk);
        p.enclave.measurement.eextend(p.linaddr - p.enclave.base + chunk, p.content, chunk);
        log(String.format("EEXTEND 0x%x+0x%x", p.epcPa, chunk));
        return true;
    }

    private boolean init() {
        List<ShadowEnclave> l = enclaves.stream().filter(e -> !e.initialized()).toList();
        if (l.isEmpty()) {
            return false;
        }
        ShadowEnclave e = pick(l);
        byte[] expected = e.measurement.peekFinal();
        boolean wrongHash = choices.next(5) == 0;
        byte[] hash = expected.clone();
        if (wrongHash) {
            hash[choices.next(32)] ^= (byte) (1 << choices.next(8));
        }
        SigStruct sig = SigStructSigner.sign(SigStructFields.builder().enclaveHash(hash).attributes(ATTRS)
                .date(0x20261122).build(), key);
        byte[] h = sig.mrSigner();
        for (int i = 0; i < 4; i++) {
            long v = 0;
            for (int b = 7; b >= 0; b--) {
                v = (v << 8) | (h[8 * i + b] & 0xff);
            }
            lp.wrmsrLeHash(i, v);
        }
        lp.store(SIGSTRUCT, sig.toByteArray());
        lp.store(TOKEN, EinitToken.allocate().toByteArray());
        if (wrongHash) {
            refused("EINIT with another enclave's hash", () -> encls.einit(SIGSTRUCT, e.secsPa, TOKEN), null,
                    SgxStatus.SGX_INVALID_MEASUREMENT);
            log("EINIT wrong hash refused");
            return true;
        }
        SgxStatus st = encls.einit(SIGSTRUCT, e.secsPa, TOKEN);
        if (st != SgxStatus.SGX_SUCCESS) {
            throw violation("EINIT: " + st);
        }
        e.mrEnclave = expected;
        log(String.format("EINIT 0x%x", e.secsPa));
        return true;
    }

    private boolean removePage() {
        List<ShadowPage> l = pages(ShadowPage::resident);
        if (l.isEmpty()) {
            return false;
        }
        ShadowPage p = pick(l);
        expect(encls.eremove(p.epcPa), SgxStatus.SGX_SUCCESS, "EREMOVE page");
        p.enclave.pages.remove(p);
        usedFrames.remove(p.epcPa);
        log(String.format("EREMOVE 0x%x", p.epcPa));
        return true;
    }

    private boolean removeSecs() {
        if (enclaves.isEmpty()) {
            return false;
        }
        ShadowEnclave e = pick(enclaves);
        boolean resident = e.pages.stream().anyMatch(ShadowPage::resident);
        if (resident) {
            refused("EREMOVE of a SECS with children", () -> encls.eremove(e.secsPa), null,
                    SgxStatus.SGX_CHILD_PRESENT);
            log("EREMOVE SECS refused (children)");
            return true;
        }
        if (!e.pages.isEmpty()) {
            return false; // only evicted children: a driver would reload or drop them first
        }
        expect(encls.eremove(e.secsPa), SgxStatus.SGX_SUCCESS, "EREMOVE SECS");
        enclaves.remove(e);
        usedFrames.remove(e.secsPa);
        log(String.format("EREMOVE SECS 0x%x", e.secsPa));
        return true;
    }

    private long[] freeSlot() {
        for (Map.Entry<Long, boolean[]> va : vaPages.entrySet()) {
            for (int i = 0; i < 512; i++) {
                if (!va.getValue()[i]) {
                    return new long[] {va.getKey(), i};
                }
            }
        }
        long frame = freeFrame();
        if (frame < 0) {
            return null;
        }
        encls.epa(frame);
        usedFrames.add(frame);
        vaPages.put(frame, new boolean[512]);
        log(String.format("EPA 0x%x", frame));
        return new long[] {frame, 0};
    }

    private boolean evict() {
        List<ShadowPage> l = pages(ShadowPage::resident);
        if (l.isEmpty()) {
            return false;
        }
        ShadowPage p = pick(l);
        long[] slot = freeSlot();
        if (slot == null) {
            return false;
        }
        // EWB before EBLOCK is refused
        lp.store(PAGEINFO, PageInfo.of(0, BACKING + nextBacking * 4096, PCMDS + nextBacking * 128, 0).toByteArray());
        long va = slot[0] + slot[1] * 8;
        refused("EWB of an unblocked page", () -> encls.ewb(PAGEINFO, p.epcPa, va), null,
                SgxStatus.SGX_PAGE_NOT_BLOCKED);
        expect(encls.eblock(p.epcPa), SgxStatus.SGX_SUCCESS, "EBLOCK");
        expect(encls.etrack(p.enclave.secsPa), SgxStatus.SGX_SUCCESS, "ETRACK");
        p.backing = BACKING + nextBacking * 4096;
        p.pcmd = PCMDS + nextBacking * 128;
        nextBacking++;
        expect(encls.ewb(PAGEINFO, p.epcPa, va), SgxStatus.SGX_SUCCESS, "EWB");
        usedFrames.remove(p.epcPa);
        vaPages.get(slot[0])[(int) slot[1]] = true;
        p.vaPa = slot[0];
        p.slot = (int) slot[1];
        log(String.format("EWB 0x%x (0x%x) to VA 0x%x slot %d", p.epcPa, p.linaddr, p.vaPa, p.slot));
        p.epcPa = -1;
        return true;
    }

    private boolean reload() {
        List<ShadowPage> l = pages(p -> !p.resident());
        if (l.isEmpty()) {
            return false;
        }
        ShadowPage p = pick(l);
        long frame = freeFrame();
        if (frame < 0) {
            return false;
        }
        lp.store(PAGEINFO, PageInfo.of(p.linaddr, p.backing, p.pcmd, p.enclave.secsPa).toByteArray());
        long va = p.vaPa + p.slot * 8L;
        if (choices.next(4) == 0) {
            // the wrong linear address fails the MAC and loads nothing
            lp.store(PAGEINFO, PageInfo.of(p.linaddr ^ 0x1000, p.backing, p.pcmd, p.enclave.secsPa).toByteArray());
            refused("ELDU at another address", () -> encls.eldu(PAGEINFO, frame, va), null,
                    SgxStatus.SGX_MAC_COMPARE_FAIL);
            lp.store(PAGEINFO, PageInfo.of(p.linaddr, p.backing, p.pcmd, p.enclave.secsPa).toByteArray());
        }
        expect(encls.eldu(PAGEINFO, frame, va), SgxStatus.SGX_SUCCESS, "ELDU");
        vaPages.get(p.vaPa)[p.slot] = false;
        p.vaPa = -1;
        p.epcPa = frame;
        usedFrames.add(frame);
        byte[] now = pf.epc().page(frame).data().toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(now, p.content)) {
            throw violation(String.format("ELDU of 0x%x restored other content", p.linaddr));
        }
        log(String.format("ELDU 0x%x into 0x%x", p.linaddr, frame));
        return true;
    }

    private boolean tamperedReload() {
        List<ShadowPage> l = pages(p -> !p.resident());
        if (l.isEmpty()) {
            return false;
        }
        ShadowPage p = pick(l);
        long frame = freeFrame();
        if (frame < 0) {
            return false;
        }
        boolean inPcmd = choices.next(3) == 0;
        long at = inPcmd ? p.pcmd + choices.next(128) : p.backing + choices.next(4096);
        byte bit = (byte) (1 << choices.next(8));
        byte[] old = lp.load(at, 1);
        lp.store(at, new byte[] {(byte) (old[0] ^ bit)});
        lp.store(PAGEINFO, PageInfo.of(p.linaddr, p.backing, p.pcmd, p.enclave.secsPa).toByteArray());
        long va = p.vaPa + p.slot * 8L;
        String what = String.format("ELDU with a flipped bit at 0x%x", at);
        long pcmdSecinfo = Long.MIN_VALUE;
        if (inPcmd && at - p.pcmd < 8) {
            // a flip in PCMD.SECINFO.FLAGS may make it reserved or a type ELDU faults on (#PF/#GP)
            pcmdSecinfo = 0;
        }
        if (pcmdSecinfo == 0) {
            String before = Fingerprint.of(pf);
            try {
                SgxStatus st = encls.eldu(PAGEINFO, frame, va);
                expect(st, SgxStatus.SGX_MAC_COMPARE_FAIL, what);
            } catch (PageFault | GeneralProtectionFault f) {
                // refused by a structural check before the MAC: also fine
            }
            if (!before.equals(Fingerprint.of(pf))) {
                throw violation(what + ": changed state");
            }
        } else {
            refused(what, () -> encls.eldu(PAGEINFO, frame, va), null, SgxStatus.SGX_MAC_COMPARE_FAIL);
        }
        lp.store(at, old);
        log(what + " refused");
        return true;
    }

    private boolean invalid() {
        int kind = choices.next(4);
        switch (kind) {
            case 0 -> {
                List<ShadowPage> l = pages(ShadowPage::resident);
                if (l.isEmpty() || enclaves.isEmpty()) {
                    return false;
                }
                ShadowPage p = pick(l);
                lp.store(SRC, new byte[4096]);
                lp.store(SECINFO, SecInfo.of(0x203).toByteArray());
                stagePage(p.enclave.base, SRC, SECINFO, p.enclave.secsPa);
                refused("EADD into a valid EPC page", () -> encls.eadd(PAGEINFO, p.epcPa), PageFault.class, null);
            }
            case 1 -> {
                List<ShadowPage> l = pages(ShadowPage::resident);
                if (l.isEmpty()) {
                    return false;
                }
                ShadowPage p = pick(l);
                refused("EEXTEND of an unaligned chunk", () -> encls.eextend(p.enclave.secsPa, p.epcPa + 0x80),
                        GeneralProtectionFault.class, null);
            }
            case 2 -> {
                if (enclaves.isEmpty()) {
                    return false;
                }
                ShadowEnclave e = pick(enclaves);
                refused("EBLOCK of a SECS", () -> encls.eblock(e.secsPa), null, SgxStatus.SGX_PG_IS_SECS);
            }
            default -> {
                long frame = freeFrame();
                if (frame < 0) {
                    return false;
                }
                refused("EBLOCK of an invalid page", () -> encls.eblock(frame), null, SgxStatus.SGX_PG_INVLD);
            }
        }
        log("invalid call " + kind + " refused");
        return true;
    }

    private void expect(SgxStatus got, SgxStatus want, String what) {
        if (got != want) {
            throw violation(what + ": expected " + want + ", got " + got);
        }
    }
}
