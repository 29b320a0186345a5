package org.jsgx.kernel;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.SgxCapabilities;

/**
 * driver.c and the driver-wide state of main.c: the /dev/sgx_enclave and /dev/sgx_provision
 * nodes (misc devices, root-only 0600 until an administrator changes them), the enclave file
 * operations (open creates an enclave, release frees it once the fd and every mapping are
 * gone, mmap maps enclave memory MAP_SHARED only), the EPC allocator, the reclaimer and the
 * ENCLS wrapper.
 */
public final class SgxDriver {
    public static final String SGX_ENCLAVE = "/dev/sgx_enclave";
    public static final String SGX_PROVISION = "/dev/sgx_provision";

    /** SGX_ATTR_* (asm/sgx.h). */
    public static final long SGX_ATTR_INIT = Attributes.INIT, SGX_ATTR_DEBUG = Attributes.DEBUG,
            SGX_ATTR_MODE64BIT = Attributes.MODE64BIT, SGX_ATTR_PROVISIONKEY = Attributes.PROVISIONKEY,
            SGX_ATTR_EINITTOKENKEY = Attributes.EINITTOKENKEY, SGX_ATTR_KSS = Attributes.KSS,
            SGX_ATTR_ASYNC_EXIT_NOTIFY = Attributes.AEXNOTIFY;
    /** BIT(3)|BIT(6)|BIT(8)|BIT(9)|GENMASK(63,11). */
    public static final long SGX_ATTR_RESERVED_MASK = (1L << 3) | (1L << 6) | (1L << 8) | (1L << 9) | (-1L << 11);
    /** What every enclave may have without asking. */
    public static final long SGX_ATTR_UNPRIV_MASK = SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT | SGX_ATTR_KSS
            | SGX_ATTR_ASYNC_EXIT_NOTIFY;
    /** SGX_MISC_RESERVED_MASK = GENMASK_ULL(63, 1). */
    static final long SGX_MISC_RESERVED_MASK = -1L << 1;

    final Kernel kernel;
    final SgxEpcAllocator allocator;
    final SgxReclaimer reclaimer;
    final SgxEncls encls;
    final SgxLaunchControl launch;
    final SgxStats stats = new SgxStats();
    /** The root EPC cgroup: every task starts in it; no limit. */
    final SgxEpcCgroup rootCgroup = new SgxEpcCgroup("root");
    final boolean sgx2;
    final long attributesReservedMask;
    final long miscReservedMask;
    final long xfrmReservedMask;
    private final DeviceNode enclaveNode;
    private final DeviceNode provisionNode;
    final FileOperations provisionFops = new FileOperations() {
    };
    private final Set<SgxEnclave> enclaves = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));
    final SgxVmOps vmOps = new SgxVmOps(this);

    SgxDriver(Kernel kernel) {
        this.kernel = kernel;
        SgxCapabilities caps = kernel.platform().capabilities();
        this.allocator = new SgxEpcAllocator(kernel.platform());
        this.reclaimer = new SgxReclaimer(this);
        allocator.reclaimer(reclaimer, rootCgroup);
        reclaimer.addGroup(rootCgroup);
        this.encls = new SgxEncls(kernel.ram(), kernel.config().cacheLeHash(), kernel.config().msrWriteNanos());
        this.launch = new SgxLaunchControl(kernel.config());
        this.sgx2 = caps.sgx2();
        // sgx_drv_init: the masks INIT checks SIGSTRUCT against, from CPUID.(12H,0/1)
        this.attributesReservedMask = ~caps.attributesMask().flags() | SGX_ATTR_RESERVED_MASK;
        this.miscReservedMask = ~Integer.toUnsignedLong(caps.miscSelect()) | SGX_MISC_RESERVED_MASK;
        this.xfrmReservedMask = ~caps.attributesMask().xfrm();
        this.enclaveNode = kernel.devfs().register(SGX_ENCLAVE, new EnclaveFops(), 0600);
        this.provisionNode = kernel.devfs().register(SGX_PROVISION, provisionFops, 0600);
    }

    public SgxEpcAllocator allocator() {
        return allocator;
    }

    /** How many times sgx_vma_fault ran (page-ins, ELDUs and EAUGs on enclave VMAs). */
    public long vmaFaults() {
        return vmOps.faults.get();
    }

    /** Pages the fault handler EAUGed into initialized enclaves. */
    public long eaugPages() {
        return vmOps.eaugs.get();
    }

    public SgxReclaimer reclaimer() {
        return reclaimer;
    }

    /** Launch control: mode, in-kernel LE, its mutex's counters. */
    public SgxLaunchControl launchControl() {
        return launch;
    }

    /** WRMSRs to IA32_SGXLEPUBKEYHASHn the driver issued, over all CPUs. */
    public long leHashMsrWrites() {
        return encls.msrWrites();
    }

    /** MSR words the per-CPU cache found already loaded, so not written. */
    public long leHashMsrWritesSkipped() {
        return encls.msrWritesSkipped();
    }

    public SgxEpcCgroup rootCgroup() {
        return rootCgroup;
    }

    /** mkdir of a child sgx_epc cgroup. */
    public SgxEpcCgroup createCgroup(String name) {
        SgxEpcCgroup g = new SgxEpcCgroup(name);
        reclaimer.addGroup(g);
        return g;
    }

    /** Every EPC statistic at once. */
    public SgxStats.Snapshot stats() {
        return SgxStats.snapshot(this);
    }

    List<SgxEnclave> enclaves() {
        synchronized (enclaves) {
            return List.copyOf(enclaves);
        }
    }

    /** Stops ksgxswapd (kernel shutdown). */
    public void shutdown() {
        reclaimer.stop();
    }

    public DeviceNode enclaveNode() {
        return enclaveNode;
    }

    public DeviceNode provisionNode() {
        return provisionNode;
    }

    /** The enclave behind an open /dev/sgx_enclave descriptor of {@code task}, or null. */
    public SgxEnclave enclave(Task task, int fd) {
        OpenFile f = task.file(fd);
        return f != null && f.privateData() instanceof SgxEnclave e ? e : null;
    }

    void mmExited(Mm mm) {
        synchronized (enclaves) {
            for (SgxEnclave e : enclaves) {
                e.mmRemove(mm);
            }
        }
    }

    /** The file operations of /dev/sgx_enclave (sgx_encl_fops). */
    private final class EnclaveFops implements FileOperations {
        @Override
        public void open(OpenFile file, Task task) {
            SgxEnclave encl = new SgxEnclave(SgxDriver.this);
            encl.cgroup = task.epcCgroup() != null ? task.epcCgroup() : rootCgroup;
            encl.cgroup.enclaves.add(encl);
            enclaves.add(encl);
            file.privateData = encl;
        }

        @Override
        public void release(OpenFile file, Task task) {
            SgxEnclave encl = (SgxEnclave) file.privateData;
            encl.release(task);
            enclaves.remove(encl);
        }

        @Override
        public long ioctl(OpenFile file, Task task, int cmd, long arg) {
            return SgxIoctl.ioctl((SgxEnclave) file.privateData, task, cmd, arg);
        }

        /** sgx_get_unmapped_area: MAP_PRIVATE is refused; MAP_FIXED is used as given. */
        @Override
        public long getUnmappedArea(Mm mm, OpenFile file, long addr, long len, int flags) {
            ErrnoException.check((flags & Mman.MAP_PRIVATE) != 0, Errno.EINVAL,
                    "mmap of /dev/sgx_enclave must be MAP_SHARED");
            return (flags & Mman.MAP_FIXED) != 0 ? addr : -1;
        }

        /** sgx_mmap: may_map, register the mm, then a VM_PFNMAP|VM_IO mapping with sgx_vm_ops. */
        @Override
        public Vma mmap(OpenFile file, Task task, Vma vma) {
            SgxEnclave encl = (SgxEnclave) file.privateData;
            long flags = vma.flags;
            SgxUapi uapi = kernel.config().uapi();
            if (uapi == SgxUapi.SEGMENTS || uapi == SgxUapi.MPROTECT_IOCTL) {
                // Andy / Sean step 3: PROT_NONE only, and no VM_MAY* so mprotect() cannot widen it
                ErrnoException.check((flags & Mman.VM_ACCESS_FLAGS) != 0, Errno.EACCES,
                        "mmap of %s: only PROT_NONE under the %s design, not %s", SGX_ENCLAVE, uapi,
                        Mman.protString(flags));
                flags &= ~(Mman.VM_MAYREAD | Mman.VM_MAYWRITE | Mman.VM_MAYEXEC);
                // the rights come later from the driver; the mapping is shared enclave memory
                // even through a read-only fd, so the LSM's WRITE check applies to it
                flags |= Mman.VM_SHARED | Mman.VM_MAYSHARE;
            }
            encl.mayMap(vma.start, vma.end, flags, task);
            encl.mmAdd(vma.mm);
            Vma v = new Vma(vma.mm, vma.start, vma.end,
                    flags | Mman.VM_PFNMAP | Mman.VM_DONTEXPAND | Mman.VM_DONTDUMP | Mman.VM_IO, file, vmOps);
            v.privateData = encl;
            return v;
        }
    }
}
