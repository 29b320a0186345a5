package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One logical processor: its registers, privilege level, paging (an {@link AddressSpace}), its
 * launch-control MSRs and the SGX internal registers (CREGs) that hold enclave-mode state.
 * ENCLS leaves are reached through {@link #encls()}, ENCLU leaves through {@link #enclu()}.
 */
public final class LogicalProcessor {
    private final Platform platform;
    private final int id;
    private final Registers regs = new Registers();
    private final Encls encls;
    private final Enclu enclu;
    private volatile AddressSpace addressSpace = AddressSpace.IDENTITY;
    private volatile int cpl;
    /** IA32_SGXLEPUBKEYHASH0..3 (MSRs 0x8C..0x8F) of this logical processor. */
    private final long[] leHash = Platform.INTEL_LE_PUBKEY_HASH.clone();
    private long leHashWrites;
    /** An unmasked interrupt/NMI/SMI is pending (EINIT then returns SGX_UNMASKED_EVENT). */
    volatile boolean unmaskedEventPending;

    /**
     * [MODEL] An inter-processor interrupt is pending: the engine takes an AEX (vector
     * {@link #IPI_VECTOR}) before this processor's next enclave access; any enclave exit serves it.
     */
    private volatile boolean ipiPending;
    /** The vector of the model's IPI (an external interrupt: AEX reports nothing). */
    public static final int IPI_VECTOR = 0xF2;

    // ---- CREGs ----
    volatile boolean enclaveMode;
    EpcPage activeSecs;
    long elrangeBase;
    long elrangeSize;
    long tcsLa;
    EpcPage tcsPage;
    /** Linear address of the SSA frame in use (frame CSSA at entry). */
    long ssaLa;
    /** CR_GPR_PA: the EPC frame and offset of that frame's GPRSGX, cached at entry for AEX. */
    EpcPage gprPage;
    int gprOffset;
    /** CR_XSAVE_PAGE_0: the first page of that frame (XSAVE legacy region and header). */
    EpcPage xsavePage;
    /** CR2 as the OS sees it after an enclave-mode #PF (page offset cleared by AEX). */
    volatile long cr2;
    boolean dbgOptIn;
    long savedFsBase;
    long savedGsBase;
    long savedTf;
    /** [MODEL] epoch in which this thread entered its enclave. */
    long entryEpoch;

    /**
     * The leaves' internal copies of their PAGEINFO and SECINFO operands (the SDM's TMP_*
     * temporaries): a processor runs one leaf at a time, so they are reused, not allocated.
     */
    final PageInfo tmpPageInfo = new PageInfo(MemorySegment.ofArray(new byte[PageInfo.SIZE]));
    final SecInfo tmpSecInfo = new SecInfo(MemorySegment.ofArray(new byte[SecInfo.SIZE]));
    /**
     * The paging crypto engine of EWB/ELDB/ELDU with its buffers, one per processor for the same
     * reason (created on first use). Per thread it was rebuilt for every enclave entry of the
     * Java-logic engine, which runs each entry on a new virtual thread.
     */
    private PagingCrypto pagingCrypto;

    PagingCrypto pagingCrypto() {
        PagingCrypto c = pagingCrypto;
        if (c == null) {
            c = new PagingCrypto();
            pagingCrypto = c;
        }
        return c;
    }

    LogicalProcessor(Platform platform, int id) {
        this.platform = platform;
        this.id = id;
        this.encls = new Encls(this);
        this.enclu = new Enclu(this);
    }

    public Platform platform() {
        return platform;
    }

    public int id() {
        return id;
    }

    public Registers regs() {
        return regs;
    }

    public Encls encls() {
        return encls;
    }

    public Enclu enclu() {
        return enclu;
    }

    public AddressSpace addressSpace() {
        return addressSpace;
    }

    /** Loads CR3: the paging structures this processor translates with. */
    public void addressSpace(AddressSpace as) {
        addressSpace = as;
    }

    public int cpl() {
        return cpl;
    }

    public void cpl(int v) {
        if (v < 0 || v > 3) {
            throw new IllegalArgumentException("CPL " + v);
        }
        cpl = v;
    }

    /** Signals an unmasked event pending on this processor (tests of EINIT's retry path). */
    public void unmaskedEventPending(boolean v) {
        unmaskedEventPending = v;
    }

    /**
     * Sends this processor an IPI: if it is in enclave mode it will take an AEX at its next
     * access (returns true); otherwise nothing happens (returns false).
     */
    public boolean sendIpi() {
        if (!enclaveMode) {
            return false;
        }
        ipiPending = true;
        if (!enclaveMode) { // left meanwhile: the exit already served it
            ipiPending = false;
            return false;
        }
        return true;
    }

    /** True while an IPI sent to this processor has not been served by an enclave exit. */
    public boolean ipiPending() {
        return ipiPending;
    }

    /** Any enclave exit (EEXIT, AEX) serves a pending IPI. */
    void ipiServed() {
        ipiPending = false;
    }

    public boolean enclaveMode() {
        return enclaveMode;
    }

    /** The SECS frame of the enclave this processor executes in, or null. */
    public EpcPage activeSecs() {
        return activeSecs;
    }

    public long tcsLinearAddress() {
        return tcsLa;
    }

    /** CR2: the last page-fault address delivered to the OS. */
    public long cr2() {
        return cr2;
    }

    // ---- enclave-mode execution: the x86 engine's entry points ----

    /**
     * A data read by code running on this processor: in enclave mode under ELRANGE and EPCM
     * rules, outside it with abort-page semantics for the EPC ({@link EnclaveAccess}).
     */
    public byte[] enclaveRead(long la, int len) {
        return EnclaveAccess.read(this, la, len, Access.READ);
    }

    /** A data write by code running on this processor (see {@link #enclaveRead}). */
    public void enclaveWrite(long la, byte[] data) {
        EnclaveAccess.write(this, la, data);
    }

    /** An instruction fetch: in enclave mode only from executable pages inside ELRANGE. */
    public byte[] enclaveFetch(long la, int len) {
        return EnclaveAccess.read(this, la, len, Access.EXECUTE);
    }

    /**
     * The physical address an access at {@code la} reaches after every check, for an engine
     * that maps memory itself; -1 for an abort page (EPC seen from outside enclave mode).
     */
    public long enclaveTranslate(long la, Access access) {
        return EnclaveAccess.resolve(this, la, access);
    }

    /**
     * The accesses enclave code on this processor may make at {@code la} (bit
     * {@code 1 << Access.ordinal()} each), under the same rules as {@link #enclaveTranslate} but
     * without raising a fault: for the x86 engine, which caches them per page like a TLB and
     * re-checks them at every enclave entry. 0 outside enclave mode.
     */
    public int enclavePermissions(long la) {
        return EnclaveAccess.permissions(this, la);
    }

    /**
     * Asynchronous enclave exit for an exception raised while in enclave mode (e.g. by
     * {@link #enclaveRead} or an ENCLU leaf). {@code resumeRip} is where ERESUME continues
     * (the faulting instruction for faults). A #PF is then reported to the platform's
     * {@link EnclaveFaultSink}.
     */
    public void aex(ArchFault fault, long resumeRip) {
        long address = fault instanceof PageFault pf ? pf.address() : 0;
        Aex.run(this, fault.vector(), fault.errorCode(), address, resumeRip);
    }

    /**
     * Asynchronous enclave exit for any event: an exception {@code vector} with its error code
     * and (for #PF) faulting address, or an interrupt (vector &ge; 32, nothing reported).
     */
    public void aex(int vector, int errorCode, long address, long resumeRip) {
        Aex.run(this, vector, errorCode, address, resumeRip);
    }

    // ---- launch control MSRs ----

    /** RDMSR IA32_SGXLEPUBKEYHASHn. */
    public long rdmsrLeHash(int n) {
        return leHash[n];
    }

    /**
     * WRMSR IA32_SGXLEPUBKEYHASHn: #GP unless flexible launch control is enabled and locked in
     * IA32_FEATURE_CONTROL (SGX_LC_ENABLE), as on hardware.
     */
    public void wrmsrLeHash(int n, long v) {
        long fc = platform.featureControl();
        if ((fc & Platform.FEATURE_CONTROL_LOCK) == 0 || (fc & Platform.FEATURE_CONTROL_SGX_LC) == 0) {
            throw new GeneralProtectionFault("IA32_SGXLEPUBKEYHASH" + n + " is read-only (SGX_LC_ENABLE not set)");
        }
        leHash[n] = v;
        leHashWrites++;
    }

    /** Reset: the MSRs go back to Intel's LE signer (the kernel's cache of them is now stale). */
    void resetLeHash() {
        System.arraycopy(Platform.INTEL_LE_PUBKEY_HASH, 0, leHash, 0, 4);
    }

    /** The MSRs as the 32-byte hash they hold (MSR i = bytes 8i..8i+7, little-endian). */
    public byte[] leHashBytes() {
        byte[] h = new byte[32];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(Bytes.le64(leHash[i]), 0, h, 8 * i, 8);
        }
        return h;
    }

    /** Number of WRMSRs to the LE hash MSRs (their cost is what the kernel's cache avoids). */
    public long leHashWrites() {
        return leHashWrites;
    }

    // ---- memory access helpers for leaf operands ----

    long translate(long la, Access access) {
        return addressSpace.translate(la, access, cpl == 3);
    }

    /**
     * The EPC frame an operand's linear address maps to, or #PF(la) when it does not map into
     * the EPC (the SDM's "not in EPC" check).
     */
    EpcPage epcOperand(long la, Access access) {
        long pa = translate(la, access);
        EpcPage p = platform.epc().page(pa);
        if (p == null) {
            throw notEpc(la, access); // out of line: keeps the hot path small enough to inline
        }
        return p;
    }

    private static PageFault notEpc(long la, Access access) {
        return new PageFault(la, PageFault.PFEC_P | access.pfecBits() | PageFault.PFEC_SGX,
                String.format("operand 0x%x does not map to an EPC page", la));
    }

    /**
     * An ordinary (non-EPC) data read at a linear address, e.g. a PAGEINFO. Reads that land in
     * the EPC outside enclave mode get abort-page semantics (all ones).
     */
    byte[] read(long la, int len) {
        byte[] out = new byte[len];
        read(la, out, 0, len);
        return out;
    }

    /** An ordinary data write; dropped where it lands in the EPC outside enclave mode. */
    void write(long la, byte[] data) {
        write(la, data, 0, data.length);
    }

    /** Writes {@code data[off, off+len)} at {@code la} (see {@link #write(long, byte[])}). */
    void write(long la, byte[] data, int off, int len) {
        if ((la & 0xFFF) + len <= 4096) {
            // within one page (PCMD, PAGEINFO fields, a whole page): one translation, no array
            long pa = translate(la, Access.WRITE);
            if (!(platform.epc().contains(pa) && !enclaveMode)) {
                MemorySegment.copy(data, off, platform.memory().frame(pa), ValueLayout.JAVA_BYTE, pa & 0xFFF, len);
            }
            return;
        }
        // translate every page first so a fault leaves memory unchanged
        long[] pas = new long[(int) (((la & 0xFFF) + len + 4095) >>> 12)];
        for (int i = 0, done = 0; done < len; i++) {
            long a = la + done;
            pas[i] = translate(a, Access.WRITE);
            done += (int) Math.min(len - done, 4096 - (a & 0xFFF));
        }
        for (int i = 0, done = 0; done < len; i++) {
            long a = la + done;
            int n = (int) Math.min(len - done, 4096 - (a & 0xFFF));
            if (!(platform.epc().contains(pas[i]) && !enclaveMode)) {
                MemorySegment f = platform.memory().frame(pas[i]);
                MemorySegment.copy(data, off + done, f, ValueLayout.JAVA_BYTE, pas[i] & 0xFFF, n);
            }
            done += n;
        }
    }

    /** Reads {@code len} bytes at {@code la} into {@code out[off..]} (see {@link #read(long, int)}). */
    void read(long la, byte[] out, int off, int len) {
        readInto(la, MemorySegment.ofArray(out), off, len);
    }

    /**
     * An ordinary data read straight into {@code dst} (e.g. EADD's source page into the EPC
     * frame, with no intermediate copy); abort-page semantics as {@link #read(long, int)}.
     */
    void readInto(long la, MemorySegment dst, long dstOff, int len) {
        int done = 0;
        while (done < len) {
            long a = la + done;
            int n = (int) Math.min(len - done, 4096 - (a & 0xFFF));
            long pa = translate(a, Access.READ);
            if (platform.epc().contains(pa) && !enclaveMode) {
                dst.asSlice(dstOff + done, n).fill((byte) 0xFF);
            } else {
                MemorySegment.copy(platform.memory().frame(pa), pa & 0xFFF, dst, dstOff + done, n);
            }
            done += n;
        }
    }

    long readU64(long la) {
        if ((la & 0xFFF) > 4096 - 8) {
            return Bytes.le64(read(la, 8), 0);
        }
        long pa = translate(la, Access.READ);
        if (platform.epc().contains(pa) && !enclaveMode) {
            return -1L; // abort-page semantics
        }
        return platform.memory().frame(pa).get(Struct.U64, pa & 0xFFF);
    }

    void writeU64(long la, long v) {
        if ((la & 0xFFF) > 4096 - 8) {
            write(la, Bytes.le64(v));
            return;
        }
        long pa = translate(la, Access.WRITE);
        if (!(platform.epc().contains(pa) && !enclaveMode)) {
            platform.memory().frame(pa).set(Struct.U64, pa & 0xFFF, v);
        }
    }

    /** Copies {@code data} into memory at {@code la} (a host/kernel helper, e.g. staging pages). */
    public void store(long la, byte[] data) {
        write(la, data);
    }

    /** Reads {@code len} bytes at {@code la} with this processor's paging and mode. */
    public byte[] load(long la, int len) {
        return read(la, len);
    }
}
