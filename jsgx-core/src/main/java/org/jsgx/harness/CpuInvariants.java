package org.jsgx.harness;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.EpcmEntry;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SecsState;

/**
 * The invariants checked after every workload step:
 * <ol>
 *   <li>every valid EPCM entry is one the shadow model expects, with the right type, owner,
 *       linear address and permissions, and every expected page is valid;</li>
 *   <li>each SECS's child count equals its resident pages;</li>
 *   <li>every evicted page has exactly one live (non-zero) VA slot, and no other slot is live;</li>
 *   <li>MRENCLAVE changed only by ECREATE/EADD/EEXTEND: the running measurement equals the
 *       shadow's, and after EINIT SECS.MRENCLAVE is the shadow's final value;</li>
 *   <li>resident page contents are what was added (the leaves here never write pages).</li>
 * </ol>
 */
final class CpuInvariants {
    private CpuInvariants() {
    }

    static void check(CpuWorkload w) {
        Platform pf = w.platform();
        Map<Long, CpuWorkload.ShadowPage> byFrame = new HashMap<>();
        Map<Long, CpuWorkload.ShadowEnclave> secsByFrame = new HashMap<>();
        int evicted = 0;
        for (CpuWorkload.ShadowEnclave e : w.enclaves) {
            secsByFrame.put(e.secsPa, e);
            for (CpuWorkload.ShadowPage p : e.pages) {
                if (p.resident()) {
                    byFrame.put(p.epcPa, p);
                } else {
                    evicted++;
                    if (pf.epc().page(p.vaPa).data().get(ValueLayout.JAVA_LONG_UNALIGNED, p.slot * 8L) == 0) {
                        throw w.violation(String.format("evicted page 0x%x has an empty VA slot", p.linaddr));
                    }
                }
            }
        }
        int[] valid = {0};
        int[] liveSlots = {0};
        pf.epc().forEachTouched(frame -> {
            EpcmEntry e = frame.epcm();
            if (!e.valid()) {
                return;
            }
            valid[0]++;
            long pa = frame.pa();
            switch (e.pageType()) {
                case PT_SECS -> checkSecs(w, frame, secsByFrame.get(pa));
                case PT_VA -> {
                    if (!w.vaPages.containsKey(pa)) {
                        throw w.violation(String.format("unexpected VA page 0x%x", pa));
                    }
                    for (int i = 0; i < 512; i++) {
                        if (frame.data().get(ValueLayout.JAVA_LONG_UNALIGNED, i * 8L) != 0) {
                            liveSlots[0]++;
                        }
                    }
                }
                default -> checkChild(w, frame, byFrame.get(pa));
            }
        });
        int expectedValid = byFrame.size() + secsByFrame.size() + w.vaPages.size();
        if (valid[0] != expectedValid) {
            throw w.violation("valid EPC pages: " + valid[0] + ", expected " + expectedValid);
        }
        if (liveSlots[0] != evicted) {
            throw w.violation("live VA slots: " + liveSlots[0] + ", evicted pages: " + evicted);
        }
    }

    private static void checkSecs(CpuWorkload w, EpcPage frame, CpuWorkload.ShadowEnclave e) {
        if (e == null) {
            throw w.violation(String.format("unexpected SECS at 0x%x", frame.pa()));
        }
        SecsState st = frame.secsState();
        long resident = e.pages.stream().filter(CpuWorkload.ShadowPage::resident).count();
        if (st.children() != resident) {
            throw w.violation(String.format("SECS 0x%x counts %d children, %d resident", frame.pa(), st.children(),
                    resident));
        }
        Secs secs = new Secs(frame.data());
        if (e.initialized()) {
            if (!secs.initialized() || !Arrays.equals(secs.mrEnclave(), e.mrEnclave)) {
                throw w.violation(String.format("SECS 0x%x: MRENCLAVE differs from the records issued", frame.pa()));
            }
        } else if (secs.initialized() || !Arrays.equals(st.mrEnclaveSoFar(), e.measurement.peekFinal())) {
            throw w.violation(String.format("SECS 0x%x: running measurement differs from the records issued",
                    frame.pa()));
        }
    }

    private static void checkChild(CpuWorkload w, EpcPage frame, CpuWorkload.ShadowPage p) {
        EpcmEntry e = frame.epcm();
        if (p == null) {
            throw w.violation(String.format("unexpected valid %s page at 0x%x", e.pageType(), frame.pa()));
        }
        if (e.pageType() != p.type || e.enclaveSecs() == null || e.enclaveSecs().pa() != p.enclave.secsPa
                || e.enclaveAddress() != p.linaddr || e.perms() != (p.type == PageType.PT_TCS ? 0 : p.perms)
                || e.pending() || e.modified() || e.pr()) {
            throw w.violation(String.format("EPCM of 0x%x is %s, expected %s at 0x%x perms %d", frame.pa(), e, p.type,
                    p.linaddr, p.perms));
        }
        if (!Arrays.equals(frame.data().toArray(ValueLayout.JAVA_BYTE), p.content)) {
            throw w.violation(String.format("contents of 0x%x changed", frame.pa()));
        }
    }
}
