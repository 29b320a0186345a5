package org.jsgx.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One 4 KiB EPC page frame: its physical address, its contents (off-heap, allocated on first
 * use so a large EPC costs nothing up front), and its EPCM entry. The busy flag models the
 * per-page lock leaves take: a second leaf on a busy page gets #GP (or a conflict code).
 */
public final class EpcPage {
    public static final int SIZE = 4096;

    private final long pa;
    private volatile MemorySegment data;
    private final EpcmEntry epcm = new EpcmEntry();
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Hidden SECS state when this frame holds a SECS (EPCM.PT = PT_SECS). */
    SecsState secsState;
    /**
     * [MODEL] Set by every enclave-mode access that reaches this frame ({@link EnclaveAccess});
     * stands in for the PTE accessed bit the kernel's reclaimer ages pages with.
     */
    private volatile boolean accessed;
    private Secs secsView;

    EpcPage(long pa) {
        this.pa = pa;
    }

    public long pa() {
        return pa;
    }

    public EpcmEntry epcm() {
        return epcm;
    }

    /** The frame's 4096 bytes, allocated (zeroed) on first access. */
    public MemorySegment data() {
        MemorySegment d = data;
        return d != null ? d : allocate();
    }

    private MemorySegment allocate() {
        MemorySegment d = data;
        if (d == null) {
            synchronized (this) {
                d = data;
                if (d == null) {
                    d = Arena.ofAuto().allocate(SIZE, SIZE);
                    data = d;
                }
            }
        }
        return d;
    }

    /**
     * A SECS view of this frame's memory, made once: the frame's memory never moves, so the
     * view stays valid whatever the frame holds (the leaves that read a SECS use it).
     */
    Secs secsView() {
        Secs v = secsView;
        if (v == null) {
            v = new Secs(data());
            secsView = v;
        }
        return v;
    }

    /** True once the frame's memory exists (tests check the EPC is lazy). */
    public boolean allocated() {
        return data != null;
    }

    /** The hidden state of the SECS in this frame, or null. */
    public SecsState secsState() {
        return secsState;
    }

    void markAccessed() {
        if (!accessed) {
            accessed = true; // read first: no cache-line write on the hot path
        }
    }

    /** Test-and-clear of the accessed bit (ptep_test_and_clear_young for the reclaimer). */
    public boolean testAndClearAccessed() {
        if (!accessed) {
            return false;
        }
        accessed = false;
        return true;
    }

    boolean tryLock() {
        return busy.compareAndSet(false, true);
    }

    void unlock() {
        busy.setRelease(false); // a lock release needs release order only, not a full fence
    }

    @Override
    public String toString() {
        return String.format("EPC page 0x%x %s", pa, epcm);
    }
}
