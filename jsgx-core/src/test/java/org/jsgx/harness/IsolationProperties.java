package org.jsgx.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jsgx.cpu.Access;
import org.jsgx.cpu.AddressSpace;
import org.jsgx.cpu.ArchFault;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.EpcmEntry;
import org.jsgx.cpu.GeneralProtectionFault;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.PageFault;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.cpu.SigStruct;
import org.jsgx.cpu.Tcs;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.SigStructFields;
import org.jsgx.host.SigStructSigner;
import org.jsgx.kernel.EnclaveBuilder;

/**
 * Isolation: code inside enclave A reads, writes and fetches at random linear addresses that
 * random page-table entries map to A's pages, B's pages, A's SECS or ordinary memory. An
 * independent oracle (the SDM's access rules written out here, not the model's code) says
 * which accesses must succeed; every other one must fault, and no access may change a page it
 * was not allowed to write.
 */
class IsolationProperties {
    private static final long A_BASE = 0x10_0000_0000L;
    /**
     * B sits at the same linear addresses as A, as two processes' enclaves may: only the EPCM's
     * owner check (ENCLAVESECS = the running enclave) keeps a page table that maps B's page
     * into A's range from handing A that page.
     */
    private static final long B_BASE = A_BASE;
    private static final long SIZE = 0x10000;
    private static final long[] PERMS = {SecInfo.R, SecInfo.R | SecInfo.W, SecInfo.R | SecInfo.X, SecInfo.RWX};
    private static RSAPrivateCrtKey key;

    /** The mutable page table of the test: linear page → physical frame. */
    private static final class Table implements AddressSpace {
        final Map<Long, Long> map = new HashMap<>();

        @Override
        public long translate(long linear, Access access, boolean user) {
            Long pa = map.get(linear >>> 12);
            if (pa == null) {
                throw new PageFault(linear, PageFault.PFEC_U | access.pfecBits(), "not present");
            }
            return pa | (linear & 0xFFF);
        }
    }

    private static EnclaveBuilder enclave(Platform pf, long base, List<Long> frames) {
        EnclaveBuilder b = new EnclaveBuilder(pf, pf.cpu(0));
        b.ecreate(base, SIZE, 1, new Attributes(Attributes.MODE64BIT, 0x3), 0);
        frames.add(b.eadd(0, SecInfo.flags(PageType.PT_TCS, 0), Tcs.allocate().ossa(0x1000).nssa(1).toByteArray()));
        frames.add(b.eadd(0x1000, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W), new byte[4096]));
        for (int i = 0; i < PERMS.length; i++) {
            byte[] c = new byte[4096];
            Arrays.fill(c, (byte) (base >>> 36 ^ i));
            frames.add(b.eadd(0x2000 + i * 0x1000L, SecInfo.flags(PageType.PT_REG, PERMS[i]), c));
        }
        SigStruct s = SigStructSigner.sign(SigStructFields.builder().enclaveHash(
                pf.epc().page(b.secs()).secsState().mrEnclaveSoFar()).build(), key);
        b.writeLeHash(s.mrSigner());
        assertThat(b.einit(s, null)).isEqualTo(SgxStatus.SGX_SUCCESS);
        return b;
    }

    @Property(tries = 40, seed = "7")
    void enclaveCodeReachesOnlyWhatTheSdmAllows(
            @ForAll @Size(min = 1, max = 120) List<@IntRange(min = 0, max = 1 << 20) Integer> script) {
        if (key == null) {
            key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        }
        Platform pf = Platform.builder().epcSize(64 * 4096).cpus(1).build();
        List<Long> aFrames = new ArrayList<>();
        List<Long> bFrames = new ArrayList<>();
        EnclaveBuilder a = enclave(pf, A_BASE, aFrames);
        enclave(pf, B_BASE, bFrames);
        Map<Long, long[]> addedAt = new HashMap<>();
        for (int i = 0; i < aFrames.size(); i++) {
            addedAt.put(A_BASE + i * 0x1000L, new long[] {aFrames.get(i), bFrames.get(i)});
        }
        List<Long> frames = new ArrayList<>(aFrames);
        frames.addAll(bFrames);
        frames.add(a.secs());
        frames.add(0x7000_0000L); // ordinary memory
        frames.add(0x7000_1000L);

        LogicalProcessor lp = pf.cpu(0);
        Table t = new Table();
        t.map.put(A_BASE >>> 12, aFrames.get(0));
        t.map.put((A_BASE + 0x1000) >>> 12, aFrames.get(1));
        lp.addressSpace(t);
        lp.cpl(3);
        lp.enclu().eenter(A_BASE, 0x40_0000L);
        EpcPage aSecs = pf.epc().page(a.secs());

        Choices c = Choices.of(script);
        while (c.hasNext()) {
            // a linear page: in A's ELRANGE, in B's, or outside both
            long[] regions = {A_BASE, 0x30_0000_0000L};
            long la = regions[c.next(2)] + c.next(16) * 4096L + c.next(512) * 8L;
            // half the time a frame EADD put at this very address (A's or B's): the case
            // where only the owner and linear-address checks decide
            long[] own = addedAt.get(la & ~0xFFFL);
            long frame = own != null && c.next(2) == 0 ? own[c.next(2)] : frames.get(c.next(frames.size()));
            t.map.put(la >>> 12, frame);
            Access access = Access.values()[c.next(3)];
            boolean allowed = allowed(pf, aSecs, la, frame, access);
            String before = Fingerprint.of(pf);
            try {
                switch (access) {
                    case READ -> {
                        byte[] got = lp.enclaveRead(la, 8);
                        assertThat(got).isEqualTo(expected(pf, frame, la));
                    }
                    case WRITE -> lp.enclaveWrite(la, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
                    case EXECUTE -> lp.enclaveFetch(la, 8);
                }
                assertThat(allowed).as("%s of 0x%x mapped to 0x%x succeeded", access, la, frame).isTrue();
            } catch (PageFault | GeneralProtectionFault f) {
                assertThat(allowed).as("%s of 0x%x mapped to 0x%x faulted: %s", access, la, frame, f.getMessage())
                        .isFalse();
                assertThat(Fingerprint.of(pf)).as("a faulting access changed state").isEqualTo(before);
            } catch (ArchFault f) {
                throw new AssertionError("unexpected " + f.getMessage());
            }
        }
    }

    /** The SDM's access rules for enclave mode (reference §6), written independently. */
    private static boolean allowed(Platform pf, EpcPage activeSecs, long la, long frame, Access access) {
        boolean inElrange = Long.compareUnsigned(la - A_BASE, SIZE) < 0;
        EpcPage p = pf.epc().page(frame);
        if (p == null) {
            return !inElrange && access != Access.EXECUTE; // ordinary memory: data only, outside ELRANGE
        }
        if (!inElrange && access == Access.EXECUTE) {
            return false;
        }
        EpcmEntry e = p.epcm();
        boolean perm = switch (access) {
            case READ -> e.r();
            case WRITE -> e.w();
            case EXECUTE -> e.x();
        };
        return e.valid() && e.pageType() == PageType.PT_REG && e.enclaveSecs() == activeSecs
                && e.enclaveAddress() == (la & ~0xFFFL) && !e.blocked() && !e.pending() && !e.modified() && perm;
    }

    private static byte[] expected(Platform pf, long frame, long la) {
        EpcPage p = pf.epc().page(frame);
        if (p != null) {
            return p.data().asSlice(la & 0xFFF, 8).toArray(ValueLayout.JAVA_BYTE);
        }
        return pf.memory().ram().frame(frame).asSlice(la & 0xFFF, 8).toArray(ValueLayout.JAVA_BYTE);
    }
}
