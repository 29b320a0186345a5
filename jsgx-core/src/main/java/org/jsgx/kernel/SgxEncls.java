package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jsgx.cpu.AddressSpace;
import org.jsgx.cpu.ArchFault;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.SgxStatus;

/**
 * encls.h: how the driver executes ENCLS. Each leaf runs on the current task's logical
 * processor at CPL 0 with the kernel's direct map (identity paging), with PAGEINFO and SECINFO
 * staged in that CPU's scratch frames — preemption disabled, as the kernel does, so nothing
 * else uses the CPU meanwhile. The result is encoded as the kernel's macros do: 0, an SGX
 * status code, or {@code ENCLS_FAULT_FLAG | trapnr} when the leaf faulted.
 */
final class SgxEncls {
    /** ENCLS_FAULT_FLAG: bit 30 marks a faulting leaf; the low bits hold the vector. */
    static final int ENCLS_FAULT_FLAG = 0x4000_0000;
    static final int X86_TRAP_PF = 14;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Offsets in the per-CPU scratch frame. */
    private static final int PAGEINFO = 0, SECINFO = 0x40;
    /** EINIT's token sits half a page after the SIGSTRUCT (sgx_ioc_enclave_init). */
    static final int TOKEN_OFFSET = 2048;

    private final PhysRam ram;
    private final boolean cacheLeHash;
    private final long msrWriteNanos;
    private final java.util.concurrent.atomic.LongAdder msrWrites = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder msrWritesSkipped = new java.util.concurrent.atomic.LongAdder();
    private final ConcurrentHashMap<Integer, PerCpu> perCpu = new ConcurrentHashMap<>();

    /** A CPU's scratch frames, its "preemption disabled" lock and its LE-hash MSR cache. */
    private final class PerCpu {
        final ReentrantLock lock = new ReentrantLock();
        final long scratch = ram.alloc();
        final long buffer = ram.alloc();
        /** The scratch frame through the direct map, looked up once (staged into on every leaf). */
        final MemorySegment scratchMap = ram.frame(scratch);
        /** sgx_lepubkeyhash_cache: what this CPU's MSRs hold, null until first written. */
        long[] leHash;
    }

    SgxEncls(PhysRam ram, boolean cacheLeHash, long msrWriteNanos) {
        this.ram = ram;
        this.cacheLeHash = cacheLeHash;
        this.msrWriteNanos = msrWriteNanos;
    }

    static boolean faulted(int ret) {
        return (ret & ENCLS_FAULT_FLAG) != 0;
    }

    static int trapnr(int ret) {
        return ret & ~ENCLS_FAULT_FLAG;
    }

    /** encls_failed: a fault other than #PF (which the caller may expect), or an SGX error. */
    static boolean failed(int ret) {
        return faulted(ret) ? trapnr(ret) != X86_TRAP_PF : ret != 0;
    }

    private PerCpu cpu(LogicalProcessor lp) {
        PerCpu c = perCpu.get(lp.id()); // the common case allocates no lambda
        return c != null ? c : perCpu.computeIfAbsent(lp.id(), k -> new PerCpu());
    }

    @FunctionalInterface
    private interface Leaf {
        SgxStatus run(PerCpu c);
    }

    private int run(LogicalProcessor lp, Leaf leaf) {
        PerCpu c = cpu(lp);
        c.lock.lock();
        long t0 = KernelTiming.ON ? System.nanoTime() : 0;
        int savedCpl = lp.cpl();
        AddressSpace savedAs = lp.addressSpace();
        // per leaf: the (volatile) mode registers are only written when they change; a task
        // that has not entered an enclave already runs the kernel at CPL 0 on the direct map
        boolean switched = savedCpl != 0 || savedAs != AddressSpace.IDENTITY;
        try {
            if (switched) {
                lp.cpl(0);
                lp.addressSpace(AddressSpace.IDENTITY);
            }
            SgxStatus s = leaf.run(c);
            return s == null ? 0 : s.code();
        } catch (ArchFault f) {
            return ENCLS_FAULT_FLAG | f.vector();
        } finally {
            if (switched) {
                lp.addressSpace(savedAs);
                lp.cpl(savedCpl);
            }
            if (KernelTiming.ON) {
                KernelTiming.encls(System.nanoTime() - t0);
            }
            c.lock.unlock();
        }
    }

    private static void pageinfo(PerCpu c, long linaddr, long contents, long metadata, long secs) {
        MemorySegment f = c.scratchMap;
        f.set(U64, PAGEINFO, linaddr);
        f.set(U64, PAGEINFO + 8, contents);
        f.set(U64, PAGEINFO + 16, metadata);
        f.set(U64, PAGEINFO + 24, secs);
    }

    private void secinfo(PerCpu c, long flags) {
        MemorySegment f = c.scratchMap;
        f.asSlice(SECINFO, 64).fill((byte) 0);
        f.set(U64, SECINFO, flags);
    }

    int ecreate(LogicalProcessor lp, byte[] secs, long secsEpc) {
        return run(lp, c -> {
            MemorySegment.copy(secs, 0, ram.frame(c.buffer), ValueLayout.JAVA_BYTE, 0, 4096);
            secinfo(c, 0);
            pageinfo(c, 0, c.buffer, c.scratch + SECINFO, 0);
            lp.encls().ecreate(c.scratch, secsEpc);
            return null;
        });
    }

    /** EADD of the (pinned) source frame {@code src} with the user's 64-byte SECINFO. */
    int eadd(LogicalProcessor lp, long src, byte[] secinfo, long linaddr, long secsEpc, long epc) {
        return run(lp, c -> {
            MemorySegment.copy(secinfo, 0, c.scratchMap, ValueLayout.JAVA_BYTE, SECINFO, 64);
            pageinfo(c, linaddr, src, c.scratch + SECINFO, secsEpc);
            lp.encls().eadd(c.scratch, epc);
            return null;
        });
    }

    /** The 16 EEXTENDs of one page (__sgx_encl_extend); the first failure is returned. */
    int eextendPage(LogicalProcessor lp, long secsEpc, long epc) {
        return run(lp, c -> {
            for (int off = 0; off < 4096; off += 256) {
                lp.encls().eextend(secsEpc, epc + off);
            }
            return null;
        });
    }

    /**
     * sgx_einit: the LE-pubkey-hash MSRs (sgx_update_lepubkeyhash, skipping words this CPU's
     * cache says are already there unless {@code enforce}) and EINIT with {@code token} (null: the
     * all-zero token of flexible launch control), on one CPU.
     */
    int einit(LogicalProcessor lp, byte[] sigstruct, byte[] token, long[] leHash, long secsEpc, boolean enforce) {
        return run(lp, c -> {
            updateLeHash(lp, c, leHash, enforce);
            MemorySegment buf = ram.frame(c.buffer);
            buf.fill((byte) 0);
            MemorySegment.copy(sigstruct, 0, buf, ValueLayout.JAVA_BYTE, 0, sigstruct.length);
            if (token != null) {
                MemorySegment.copy(token, 0, buf, ValueLayout.JAVA_BYTE, TOKEN_OFFSET, token.length);
            }
            return lp.encls().einit(c.buffer, secsEpc, c.buffer + TOKEN_OFFSET);
        });
    }

    int einit(LogicalProcessor lp, byte[] sigstruct, long[] leHash, long secsEpc) {
        return einit(lp, sigstruct, null, leHash, secsEpc, false);
    }

    private void updateLeHash(LogicalProcessor lp, PerCpu c, long[] leHash, boolean enforce) {
        if (cacheLeHash && c.leHash == null) {
            // the cache starts from what the CPU holds (reset value or an earlier owner's)
            c.leHash = new long[4];
            for (int i = 0; i < 4; i++) {
                c.leHash[i] = lp.rdmsrLeHash(i);
            }
        }
        for (int i = 0; i < 4; i++) {
            if (enforce || !cacheLeHash || c.leHash[i] != leHash[i]) {
                lp.wrmsrLeHash(i, leHash[i]);
                msrWrites.increment();
                spin(msrWriteNanos);
                if (cacheLeHash) {
                    c.leHash[i] = leHash[i];
                }
            } else {
                msrWritesSkipped.increment();
            }
        }
    }

    /** [MODEL] the WRMSR's cost: busy, with preemption disabled, as the real instruction is. */
    private static void spin(long nanos) {
        if (nanos <= 0) {
            return;
        }
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    long msrWrites() {
        return msrWrites.sum();
    }

    long msrWritesSkipped() {
        return msrWritesSkipped.sum();
    }

    int eremove(LogicalProcessor lp, long epc) {
        return run(lp, c -> lp.encls().eremove(epc));
    }

    int epa(LogicalProcessor lp, long epc) {
        return run(lp, c -> {
            lp.encls().epa(epc);
            return null;
        });
    }

    int eblock(LogicalProcessor lp, long epc) {
        return run(lp, c -> lp.encls().eblock(epc));
    }

    int etrack(LogicalProcessor lp, long secsEpc) {
        return run(lp, c -> lp.encls().etrack(secsEpc));
    }

    int ewb(LogicalProcessor lp, long epc, long contents, long pcmd, long vaSlot) {
        return run(lp, c -> {
            pageinfo(c, 0, contents, pcmd, 0);
            return lp.encls().ewb(c.scratch, epc, vaSlot);
        });
    }

    int eldu(LogicalProcessor lp, long linaddr, long contents, long pcmd, long secsEpc, long epc, long vaSlot) {
        return run(lp, c -> {
            pageinfo(c, linaddr, contents, pcmd, secsEpc);
            return lp.encls().eldu(c.scratch, epc, vaSlot);
        });
    }

    int eaug(LogicalProcessor lp, long linaddr, long secsEpc, long epc) {
        return run(lp, c -> {
            pageinfo(c, linaddr, 0, 0, secsEpc);
            lp.encls().eaug(c.scratch, epc);
            return null;
        });
    }

    int emodpr(LogicalProcessor lp, long perms, long epc) {
        return run(lp, c -> {
            secinfo(c, perms);
            return lp.encls().emodpr(c.scratch + SECINFO, epc);
        });
    }

    int emodt(LogicalProcessor lp, long flags, long epc) {
        return run(lp, c -> {
            secinfo(c, flags);
            return lp.encls().emodt(c.scratch + SECINFO, epc);
        });
    }
}
