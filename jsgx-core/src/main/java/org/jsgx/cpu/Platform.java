package org.jsgx.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One SGX-capable package: its EPC and RAM, fused secrets, CPUID capabilities, package-scope
 * registers (CR_NEXT_EID, the paging version counter, owner epoch) and its logical processors.
 * Seedable and deterministic.
 */
public final class Platform {
    /** Physical base of the default EPC section. */
    public static final long DEFAULT_EPC_BASE = 0x80_0000_0000L;
    public static final long DEFAULT_EPC_SIZE = 128L << 20;

    /**
     * IA32_SGXLEPUBKEYHASH0..3 reset value: the MRSIGNER of Intel's launch enclave signing key,
     * as four little-endian u64 words.
     */
    public static final long[] INTEL_LE_PUBKEY_HASH = {
            0xA6053E051270B7ACL, 0x6CFBE8BA8B3B413DL, 0xC4916D99F2B3735DL, 0xD4F8C05909F9BB3BL};

    private final long seed;
    private final Fuses fuses;
    private final SgxCapabilities caps;
    private final PhysicalMemory memory;
    private final AtomicLong nextEid = new AtomicLong(1);
    private final AtomicLong pagingVersion = new AtomicLong(1);
    /** IA32_SGXOWNEREPOCH0/1. */
    private volatile byte[] ownerEpoch;
    /** IA32_FEATURE_CONTROL: LOCK, SGX_LC_ENABLE, SGX_ENABLE. */
    private volatile long featureControl;
    /** Hidden state of SECS pages while they are evicted, by EID. */
    final ConcurrentHashMap<Long, SecsState> evictedSecs = new ConcurrentHashMap<>();
    private final List<LogicalProcessor> cpus = new ArrayList<>();
    private LogicalProcessor reservedCpu;
    /** The OS's handler for #PF raised in enclave mode (after AEX), or null. */
    private volatile EnclaveFaultSink enclaveFaultSink;

    public static final long FEATURE_CONTROL_LOCK = 1L;
    public static final long FEATURE_CONTROL_SGX_LC = 1L << 17;
    public static final long FEATURE_CONTROL_SGX_ENABLE = 1L << 18;

    private Platform(Builder b) {
        this.seed = b.seed;
        this.fuses = Fuses.fromSeed(b.seed);
        this.caps = b.caps;
        List<EpcSection> sections = new ArrayList<>();
        long base = DEFAULT_EPC_BASE;
        for (long size : b.epcSections) {
            sections.add(new EpcSection(base, size));
            base += (size + 0x3FFF_FFFFL) & ~0x3FFF_FFFFL; // next section on a 1 GiB boundary
        }
        this.memory = new PhysicalMemory(new Epc(sections));
        this.ownerEpoch = fuses.ownerEpoch().clone();
        this.featureControl = FEATURE_CONTROL_LOCK | FEATURE_CONTROL_SGX_ENABLE
                | (caps.launchControl() ? FEATURE_CONTROL_SGX_LC : 0);
        for (int i = 0; i < b.cpus; i++) {
            cpus.add(new LogicalProcessor(this, i));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A default platform (seed 0, 128 MiB EPC, 4 logical processors). */
    public static Platform create() {
        return builder().build();
    }

    public long seed() {
        return seed;
    }

    public Fuses fuses() {
        return fuses;
    }

    public SgxCapabilities capabilities() {
        return caps;
    }

    public PhysicalMemory memory() {
        return memory;
    }

    public Epc epc() {
        return memory.epc();
    }

    /**
     * [MODEL] One more logical processor, not listed in {@link #cpus()}, for the kernel's own
     * threads (ksgxswapd): a {@code LogicalProcessor} is one hardware thread's state, which two
     * Java threads may not use at once, so the reclaimer never borrows a user task's CPU.
     */
    public synchronized LogicalProcessor reservedCpu() {
        if (reservedCpu == null) {
            reservedCpu = new LogicalProcessor(this, cpus.size());
        }
        return reservedCpu;
    }

    public List<LogicalProcessor> cpus() {
        return List.copyOf(cpus);
    }

    public LogicalProcessor cpu(int i) {
        return cpus.get(i);
    }

    public byte[] ownerEpoch() {
        return ownerEpoch.clone();
    }

    public void ownerEpoch(byte[] v) {
        if (v.length != 16) {
            throw new IllegalArgumentException("owner epoch is 16 bytes");
        }
        ownerEpoch = v.clone();
    }

    /**
     * [MODEL] A platform reset as launch control sees it: a new IA32_SGXOWNEREPOCH (so every
     * EINITTOKEN key changes and tokens minted before stop verifying) and the LE-hash MSRs back at
     * their reset value on every processor. EPC contents are left alone: enclaves are not torn down.
     */
    public void resetLaunchState(byte[] newOwnerEpoch) {
        ownerEpoch(newOwnerEpoch);
        for (LogicalProcessor lp : cpus) {
            lp.resetLeHash();
        }
    }

    public long featureControl() {
        return featureControl;
    }

    public void featureControl(long v) {
        featureControl = v;
    }

    /** Installs the handler AEX reports enclave-mode page faults to (the kernel's). */
    public void enclaveFaultSink(EnclaveFaultSink sink) {
        enclaveFaultSink = sink;
    }

    public EnclaveFaultSink enclaveFaultSink() {
        return enclaveFaultSink;
    }

    /** Hidden states of evicted SECS pages, by EID (read-only view for tests and tools). */
    public java.util.Map<Long, SecsState> evictedSecs() {
        return java.util.Collections.unmodifiableMap(evictedSecs);
    }

    long nextEid() {
        return nextEid.getAndIncrement();
    }

    /** [MODEL] CR_PAGING_VERSION: a package counter, never reused, never zero. */
    long nextPagingVersion() {
        return pagingVersion.getAndIncrement();
    }

    public static final class Builder {
        private long seed;
        private SgxCapabilities caps = SgxCapabilities.defaults();
        private List<Long> epcSections = List.of(DEFAULT_EPC_SIZE);
        private int cpus = 4;

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder capabilities(SgxCapabilities c) {
            caps = c;
            return this;
        }

        /** One EPC section of {@code bytes}; memory is only used as pages are touched. */
        public Builder epcSize(long bytes) {
            epcSections = List.of(bytes);
            return this;
        }

        /** Several EPC sections (NUMA nodes), each of the given size. */
        public Builder epcSections(List<Long> sizes) {
            epcSections = List.copyOf(sizes);
            return this;
        }

        public Builder cpus(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("need at least one logical processor");
            }
            cpus = n;
            return this;
        }

        public Platform build() {
            return new Platform(this);
        }
    }
}
