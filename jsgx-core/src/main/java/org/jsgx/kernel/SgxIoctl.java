package org.jsgx.kernel;

import org.jsgx.cpu.Bytes;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.EinitToken;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Secs;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.cpu.SigStruct;

/**
 * ioctl.c: the enclave ioctls with the uAPI's numbers and argument layouts. Arguments are
 * copied from user memory as the byte structs of asm/sgx.h; OUT fields are copied back even on
 * failure. One ioctl per enclave at a time (EBUSY). Every refusal before the first page is
 * processed changes nothing.
 */
public final class SgxIoctl {
    public static final int SGX_MAGIC = 0xA4;
    public static final int SGX_IOC_ENCLAVE_CREATE = 0x4008A400;
    public static final int SGX_IOC_ENCLAVE_ADD_PAGES = 0xC030A401;
    public static final int SGX_IOC_ENCLAVE_INIT = 0x4008A402;
    /**
     * [MODEL uAPI] _IOW(SGX_MAGIC, 0x02, struct sgx_enclave_init_token): INIT with a token from
     * user space; only in {@link LaunchMode#USER_TOKEN} (elsewhere it is an unknown command).
     */
    public static final int SGX_IOC_ENCLAVE_INIT_TOKEN = 0x4010A402;
    public static final int SGX_IOC_ENCLAVE_PROVISION = 0x4008A403;
    public static final int SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS = 0xC028A405;
    public static final int SGX_IOC_ENCLAVE_MODIFY_TYPES = 0xC028A406;
    public static final int SGX_IOC_ENCLAVE_REMOVE_PAGES = 0xC018A407;
    /** The proposals' ioctls (see {@link SgxUapi}); ENOIOCTLCMD under other designs. */
    public static final int SGX_IOC_MAP_SEGMENT = SgxMapSegment.SGX_IOC_MAP_SEGMENT,
            SGX_IOC_MPROTECT = SgxMprotect.SGX_IOC_MPROTECT,
            SGX_IOC_EXTEND_PERMISSIONS = SgxMprotect.SGX_IOC_EXTEND_PERMISSIONS,
            SGX_IOC_ENCLAVE_AUGMENT_PAGES = SgxAugmentPages.SGX_IOC_ENCLAVE_AUGMENT_PAGES;
    /** SEGMENTS: ADD_PAGES.flags bits 10:8 carry the page's segment (RWX cap). */
    public static final int SGX_PAGE_SEGMENT_SHIFT = SgxAddRights.SGX_PAGE_SEGMENT_SHIFT;
    /** enum sgx_page_flags. */
    public static final long SGX_PAGE_MEASURE = 0x01;

    static final int SGX_EINIT_SPIN_COUNT = 20;
    static final int SGX_EINIT_SLEEP_COUNT = 50;
    static final long PAGE = 4096;
    /** SGX_SECINFO_PERMISSION_MASK, SGX_SECINFO_PAGE_TYPE_MASK and everything else reserved. */
    static final long SECINFO_PERMISSION_MASK = 0x7, SECINFO_PAGE_TYPE_MASK = 0xFF00,
            SECINFO_RESERVED_MASK = ~(SECINFO_PERMISSION_MASK | SECINFO_PAGE_TYPE_MASK);
    static final long SGX_PAGE_TYPE_MASK = 0xFF;

    private SgxIoctl() {
    }

    /** sgx_ioctl: the SGX_ENCL_IOCTL exclusion and the dispatch. */
    static long ioctl(SgxEnclave encl, Task task, int cmd, long arg) {
        if (!encl.ioctlBusy.compareAndSet(false, true)) {
            throw new ErrnoException(Errno.EBUSY, "another ioctl is running on this enclave");
        }
        try {
            return switch (cmd) {
                case SGX_IOC_ENCLAVE_CREATE -> create(encl, task, arg);
                case SGX_IOC_ENCLAVE_ADD_PAGES -> addPages(encl, task, arg);
                case SGX_IOC_ENCLAVE_INIT -> init(encl, task, arg, false);
                case SGX_IOC_ENCLAVE_INIT_TOKEN -> {
                    ErrnoException.check(encl.drv.launch.mode() != LaunchMode.USER_TOKEN, Errno.ENOIOCTLCMD,
                            "ENCLAVE_INIT_TOKEN: user-space tokens are not accepted in launch mode "
                                    + encl.drv.launch.mode());
                    yield init(encl, task, arg, true);
                }
                case SGX_IOC_ENCLAVE_PROVISION -> provision(encl, task, arg);
                case SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS -> restrictPermissions(encl, task, arg);
                case SGX_IOC_ENCLAVE_MODIFY_TYPES -> modifyTypes(encl, task, arg);
                case SGX_IOC_ENCLAVE_REMOVE_PAGES -> removePages(encl, task, arg);
                case SgxMapSegment.SGX_IOC_MAP_SEGMENT -> SgxMapSegment.mapSegment(encl, task, arg);
                case SgxMprotect.SGX_IOC_MPROTECT -> SgxMprotect.mprotect(encl, task, arg);
                case SgxMprotect.SGX_IOC_EXTEND_PERMISSIONS ->
                        SgxMprotect.extendPermissions(encl, task, arg);
                case SgxAugmentPages.SGX_IOC_ENCLAVE_AUGMENT_PAGES -> SgxAugmentPages.augmentPages(encl, task, arg);
                default -> throw new ErrnoException(Errno.ENOIOCTLCMD,
                        String.format("unknown SGX ioctl 0x%08x", cmd));
            };
        } finally {
            encl.ioctlBusy.set(false);
        }
    }

    /** sgx_validate_offset_length: page-aligned, non-empty, no overflow, inside [0, size). */
    static void validateOffsetLength(SgxEnclave encl, long offset, long length, String what) {
        ErrnoException.check((offset & (PAGE - 1)) != 0, Errno.EINVAL,
                "%s: offset 0x%x is not page aligned", what, offset);
        ErrnoException.check(length == 0 || (length & (PAGE - 1)) != 0, Errno.EINVAL,
                "%s: length 0x%x is not a non-zero multiple of 4096", what, length);
        ErrnoException.check(Long.compareUnsigned(offset + length, offset) < 0, Errno.EINVAL,
                "%s: offset 0x%x + length 0x%x overflows", what, offset, length);
        ErrnoException.check(Long.compareUnsigned(offset + length - PAGE, encl.size) >= 0, Errno.EINVAL,
                "%s: [0x%x, 0x%x) is not inside the enclave's 0x%x bytes", what, offset,
                        offset + length, encl.size);
    }

    // ---- SGX_IOC_ENCLAVE_CREATE ----

    private static long create(SgxEnclave encl, Task task, long arg) {
        ErrnoException.check(encl.created, Errno.EINVAL, "ENCLAVE_CREATE: the enclave was already created");
        SgxEnclaveCreate a = new SgxEnclaveCreate(task.mm().copyFromUser(arg, SgxEnclaveCreate.SIZE));
        byte[] secsImage = task.mm().copyFromUser(a.src(), Secs.SIZE);
        Secs secs = new Secs(java.lang.foreign.MemorySegment.ofArray(secsImage));
        // checked in software so that size arithmetic cannot overflow; the rest is ECREATE's job
        ErrnoException.check(Long.bitCount(secs.size()) != 1, Errno.EINVAL,
                "ENCLAVE_CREATE: SECS.SIZE 0x%x is not a power of two", secs.size());
        SgxDriver drv = encl.drv;
        SgxVaPage va = encl.grow(true, task);
        SgxEpcPage secsEpc;
        encl.secs = new SgxEnclPage(encl, secs.baseAddr(), 0, PageType.PT_SECS);
        try {
            secsEpc = drv.allocator.alloc(encl.secs, true, task);
        } catch (ErrnoException e) {
            encl.shrink(va, task);
            encl.secs = null;
            throw e;
        }
        int ret = drv.encls.ecreate(task.cpu(), secsImage, secsEpc.pa);
        if (ret != 0) {
            drv.allocator.free(secsEpc);
            encl.shrink(va, task);
            encl.secs = null;
            throw new ErrnoException(Errno.EIO, String.format("ENCLAVE_CREATE: ECREATE faulted (vector %d)",
                    SgxEncls.trapnr(ret)));
        }
        encl.lock.lock();
        try {
            if (va != null) {
                encl.vaPages.addFirst(va);
            }
            encl.secs.epcPage = secsEpc;
            encl.attributes = secs.attributes().flags();
            encl.xfrm = secs.attributes().xfrm();
            encl.attributesMask = SgxDriver.SGX_ATTR_UNPRIV_MASK;
            encl.debug = (encl.attributes & SgxDriver.SGX_ATTR_DEBUG) != 0;
            encl.base = secs.baseAddr();
            encl.size = secs.size();
            encl.backing = new SgxBacking(drv.kernel.ram(), encl.size);
            encl.created = true;
        } finally {
            encl.lock.unlock();
        }
        return 0;
    }

    // ---- SGX_IOC_ENCLAVE_ADD_PAGES ----

    /** sgx_validate_secinfo. */
    static void validateSecinfo(byte[] secinfo) {
        SecInfo si = new SecInfo(java.lang.foreign.MemorySegment.ofArray(secinfo));
        long flags = si.flags();
        long perm = flags & SECINFO_PERMISSION_MASK;
        long pt = flags & SECINFO_PAGE_TYPE_MASK;
        ErrnoException.check(pt != PageType.PT_REG.value() << 8 && pt != PageType.PT_TCS.value() << 8, Errno.EINVAL,
                "ADD_PAGES: SECINFO page type 0x%x is neither REG nor TCS", pt >>> 8);
        ErrnoException.check((perm & SecInfo.W) != 0 && (perm & SecInfo.R) == 0, Errno.EINVAL,
                "ADD_PAGES: SECINFO has W without R");
        // the CPU would silently drop a TCS's permissions and the measurement would not match
        ErrnoException.check(pt == PageType.PT_TCS.value() << 8 && perm != 0, Errno.EINVAL,
                "ADD_PAGES: a TCS page's SECINFO must have no permission bits");
        ErrnoException.check((flags & SECINFO_RESERVED_MASK) != 0, Errno.EINVAL,
                "ADD_PAGES: SECINFO flags 0x%x set reserved bits", flags);
        ErrnoException.check(!si.reservedBytesZero(), Errno.EINVAL, "ADD_PAGES: SECINFO reserved bytes not zero");
    }

    private static long addPages(SgxEnclave encl, Task task, long arg) {
        ErrnoException.check(!encl.created || encl.initialized, Errno.EINVAL,
                "ADD_PAGES: the enclave must be created and not yet initialized");
        SgxEnclaveAddPages a = new SgxEnclaveAddPages(task.mm().copyFromUser(arg, SgxEnclaveAddPages.SIZE));
        ErrnoException.check((a.src() & (PAGE - 1)) != 0, Errno.EINVAL,
                "ADD_PAGES: src 0x%x is not page aligned", a.src());
        validateOffsetLength(encl, a.offset(), a.length(), "ADD_PAGES");
        byte[] secinfo = task.mm().copyFromUser(a.secinfo(), SecInfo.SIZE);
        validateSecinfo(secinfo);
        long c = 0;
        ErrnoException failure = null;
        for (; c < a.length(); c += PAGE) {
            if (task.signalPending()) {
                if (c == 0) {
                    failure = new ErrnoException(Errno.ERESTARTSYS, "ADD_PAGES: interrupted by a signal");
                }
                break;
            }
            try {
                addPage(encl, task, a.src() + c, a.offset() + c, secinfo, a.flags());
            } catch (ErrnoException e) {
                failure = e;
                break;
            }
        }
        a.count(c);
        return reportProgress(task, arg, a, failure);
    }

    /** sgx_encl_add_page. */
    private static void addPage(SgxEnclave encl, Task task, long src, long offset, byte[] secinfo, long flags) {
        SgxDriver drv = encl.drv;
        PageType type = SgxEnclave.pageType(Bytes.le64(secinfo, 0)); // SECINFO.FLAGS
        long addr = encl.base + offset;
        SgxEnclPage present = encl.pageArray.get(addr >>> 12);
        if (present != null && drv.kernel.config().uapi() == SgxUapi.SEGMENTS) {
            // Andy's [0]: a second EADD of an address is refused, naming the segment it is in
            throw new ErrnoException(Errno.EINVAL, String.format(
                    "ADD_PAGES at offset 0x%x: page already added to segment %s", offset,
                    Mman.protString(present.vmMaxProtBits)));
        }
        SgxAddRights rights = SgxAddRights.of(encl, task, src, addr, secinfo, flags);
        secinfo = rights.secinfo();
        SgxEnclPage page = new SgxEnclPage(encl, addr, rights.maxProt(), type);
        SgxEpcPage epc = drv.allocator.alloc(page, true, task);
        SgxVaPage va;
        try {
            va = encl.grow(true, task);
        } catch (ErrnoException e) {
            encl.lock.lock();
            try {
                encl.freeEpcPage(epc, task);
            } finally {
                encl.lock.unlock();
            }
            throw e;
        }
        Mm mm = task.mm();
        mm.mmapLock.readLock().lock();
        encl.lock.lock();
        try {
            if (va != null) {
                encl.vaPages.addFirst(va);
            }
            if (encl.pageArray.putIfAbsent(addr >>> 12, page) != null) {
                encl.shrink(va, task);
                encl.freeEpcPage(epc, task);
                throw new ErrnoException(Errno.EBUSY,
                        String.format("ADD_PAGES at offset 0x%x: page already present", offset));
            }
            try {
                eadd(encl, task, page, epc, secinfo, src, offset);
                if ((flags & SGX_PAGE_MEASURE) != 0) {
                    int ret = drv.encls.eextendPage(task.cpu(), encl.secs.epcPage.pa, epc.pa);
                    if (ret != 0) {
                        throw new ErrnoException(Errno.EIO, String.format(
                                "ADD_PAGES at offset 0x%x: EEXTEND failed (0x%x)", offset, ret));
                    }
                }
            } catch (ErrnoException e) {
                encl.pageArray.remove(addr >>> 12);
                encl.shrink(va, task);
                encl.freeEpcPage(epc, task);
                throw e;
            }
            page.epcPage = epc;
            encl.secsChildCnt++;
            drv.reclaimer.markReclaimable(epc);
        } finally {
            encl.lock.unlock();
            mm.mmapLock.readLock().unlock();
        }
    }

    /** __sgx_encl_add_page: the source VMA must allow exec (not on a noexec mount), then EADD. */
    private static void eadd(SgxEnclave encl, Task task, SgxEnclPage page, SgxEpcPage epc, byte[] secinfo, long src,
                             long offset) {
        Mm mm = task.mm();
        // per page: the messages are formatted (and their arguments boxed) only on failure
        Vma vma = mm.findVmaFrom(src);
        if (vma == null) {
            throw new ErrnoException(Errno.EFAULT, String.format("ADD_PAGES: src 0x%x is not mapped", src));
        }
        if ((vma.flags & Mman.VM_MAYEXEC) == 0) {
            throw new ErrnoException(Errno.EACCES, String.format(
                    "ADD_PAGES: src 0x%x is in a mapping that may never be executable (noexec)", src));
        }
        if (!vma.contains(src)) {
            throw new ErrnoException(Errno.EFAULT, String.format("ADD_PAGES: src 0x%x is not mapped", src));
        }
        long srcPa = mm.getUserPage(vma, src);
        int ret = encl.drv.encls.eadd(task.cpu(), srcPa, secinfo, page.address, encl.secs.epcPage.pa, epc.pa);
        if (ret != 0) {
            throw new ErrnoException(Errno.EIO, String.format(
                    "ADD_PAGES at offset 0x%x: EADD faulted (vector %d)", offset, SgxEncls.trapnr(ret)));
        }
    }

    // ---- SGX_IOC_ENCLAVE_INIT ----

    private static long init(SgxEnclave encl, Task task, long arg, boolean withToken) {
        ErrnoException.check(!encl.created || encl.initialized, Errno.EINVAL,
                "ENCLAVE_INIT: the enclave must be created and not yet initialized");
        byte[] sig;
        byte[] token = null;
        if (withToken) {
            SgxEnclaveInitToken a = new SgxEnclaveInitToken(task.mm().copyFromUser(arg, SgxEnclaveInitToken.SIZE));
            sig = task.mm().copyFromUser(a.sigstruct(), SigStruct.SIZE);
            token = task.mm().copyFromUser(a.einittoken(), EinitToken.SIZE);
        } else {
            SgxEnclaveInit a = new SgxEnclaveInit(task.mm().copyFromUser(arg, SgxEnclaveInit.SIZE));
            sig = task.mm().copyFromUser(a.sigstruct(), SigStruct.SIZE);
        }
        SigStruct s = SigStruct.of(sig);
        ErrnoException.check(s.vendor() != 0 && s.vendor() != SigStruct.VENDOR_INTEL, Errno.EINVAL,
                "ENCLAVE_INIT: SIGSTRUCT vendor 0x%04x is neither 0 nor 0x8086", s.vendor());
        SgxDriver drv = encl.drv;
        SgxLaunchControl launch = drv.launch;
        // with a trusted LE, EINITTOKENKEY is the CPU's to police (only the LE's signer gets it)
        long allowed = encl.attributesMask | (launch.mode() != LaunchMode.FLC ? SgxDriver.SGX_ATTR_EINITTOKENKEY : 0);
        ErrnoException.check((encl.attributes & ~allowed) != 0, Errno.EACCES,
                "ENCLAVE_INIT: attributes 0x%x are not allowed (allowed mask 0x%x; PROVISIONKEY needs the PROVISION ioctl)",
                encl.attributes, allowed);
        ErrnoException.check((s.attributes().flags() & s.attributeMask().flags() & drv.attributesReservedMask) != 0,
                Errno.EINVAL, "ENCLAVE_INIT: SIGSTRUCT attributes set reserved bits under the mask");
        ErrnoException.check((Integer.toUnsignedLong(s.miscSelect()) & Integer.toUnsignedLong(s.miscMask())
                & drv.miscReservedMask) != 0, Errno.EINVAL, "ENCLAVE_INIT: SIGSTRUCT miscselect sets reserved bits");
        ErrnoException.check((s.attributes().xfrm() & s.attributeMask().xfrm() & drv.xfrmReservedMask) != 0,
                Errno.EINVAL, "ENCLAVE_INIT: SIGSTRUCT xfrm sets reserved bits");
        drv.kernel.lsm().enclaveInit(task, encl, s, encl.attributes);
        byte[] mrSigner = Crypto.sha256(s.modulusLe());
        long[] hash = launch.msrHash(mrSigner);
        if (launch.mode() == LaunchMode.KERNEL_LE && !launch.isLaunchSigner(mrSigner)) {
            // the 2017 flow: the kernel's LE mints the token before the enclave is locked
            token = launch.kernelToken(sig, encl.attributes, encl.xfrm);
        }
        encl.lock.lock();
        try {
            int ret = SgxStatus.SGX_UNMASKED_EVENT.code();
            boolean enforced = false;
            for (int i = 0; i < SGX_EINIT_SLEEP_COUNT; i++) {
                for (int j = 0; j < SGX_EINIT_SPIN_COUNT; j++) {
                    ret = drv.encls.einit(task.cpu(), sig, token, hash, encl.secs.epcPage.pa, enforced);
                    // a stale MSR cache (the MSRs reset under it) looks like a bad token: rewrite once
                    if (ret == SgxStatus.SGX_INVALID_EINITTOKEN.code() && !enforced) {
                        enforced = true;
                        j--;
                        continue;
                    }
                    if (ret != SgxStatus.SGX_UNMASKED_EVENT.code()) {
                        break;
                    }
                }
                if (ret != SgxStatus.SGX_UNMASKED_EVENT.code()) {
                    break;
                }
                sleep(drv.kernel.config().einitSleepMillis());
                ErrnoException.check(task.signalPending(), Errno.ERESTARTSYS,
                        "ENCLAVE_INIT: interrupted while waiting to retry EINIT");
            }
            if (SgxEncls.faulted(ret)) {
                throw new ErrnoException(Errno.EIO, "ENCLAVE_INIT: EINIT faulted (vector " + SgxEncls.trapnr(ret) + ")");
            }
            if (ret != 0) {
                throw new ErrnoException(Errno.EPERM, "ENCLAVE_INIT: EINIT returned " + SgxStatus.ofCode(ret));
            }
            encl.initialized = true;
        } finally {
            encl.lock.unlock();
        }
        return 0;
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- SGX_IOC_ENCLAVE_PROVISION ----

    /** sgx_set_attribute: a /dev/sgx_provision fd allows PROVISIONKEY; anything else is EINVAL. */
    private static long provision(SgxEnclave encl, Task task, long arg) {
        SgxEnclaveProvision a = new SgxEnclaveProvision(task.mm().copyFromUser(arg, SgxEnclaveProvision.SIZE));
        OpenFile f = task.file((int) a.fd());
        ErrnoException.check(f == null, Errno.EINVAL, "ENCLAVE_PROVISION: fd " + (int) a.fd() + " is not open");
        ErrnoException.check(f.ops() != encl.drv.provisionFops, Errno.EINVAL,
                "ENCLAVE_PROVISION: fd " + (int) a.fd() + " is not /dev/sgx_provision");
        encl.attributesMask |= SgxDriver.SGX_ATTR_PROVISIONKEY;
        return 0;
    }

    // ---- SGX2 ----

    /** sgx_ioc_sgx2_ready. */
    static void sgx2Ready(SgxEnclave encl, String what) {
        ErrnoException.check(!encl.drv.sgx2, Errno.ENODEV, what + ": the CPU has no SGX2");
        ErrnoException.check(!encl.initialized, Errno.EINVAL, what + ": the enclave is not initialized");
    }

    /** sgx_encl_load_page errors as the SGX2 ioctls report them: EBUSY → EAGAIN, else EFAULT. */
    private static SgxEnclPage load(SgxEnclave encl, Task task, long addr, String what) {
        try {
            return encl.loadPage(addr, task);
        } catch (ErrnoException e) {
            throw new ErrnoException(e.errno() == Errno.EBUSY ? Errno.EAGAIN : Errno.EFAULT,
                    what + ": " + e.getMessage());
        }
    }

    private static long restrictPermissions(SgxEnclave encl, Task task, long arg) {
        String what = "RESTRICT_PERMISSIONS";
        sgx2Ready(encl, what);
        SgxEnclaveRestrictPermissions a = new SgxEnclaveRestrictPermissions(
                task.mm().copyFromUser(arg, SgxEnclaveRestrictPermissions.SIZE));
        validateOffsetLength(encl, a.offset(), a.length(), what);
        ErrnoException.check((a.permissions() & ~SECINFO_PERMISSION_MASK) != 0, Errno.EINVAL,
                what + ": permissions 0x" + Long.toHexString(a.permissions()) + " are not R/W/X bits");
        ErrnoException.check((a.permissions() & SecInfo.W) != 0 && (a.permissions() & SecInfo.R) == 0, Errno.EINVAL,
                what + ": W without R");
        ErrnoException.check(a.result() != 0 || a.count() != 0, Errno.EINVAL, what + ": result and count must be 0");
        SgxDriver drv = encl.drv;
        long c = 0;
        ErrnoException failure = null;
        for (; c < a.length(); c += PAGE) {
            long addr = encl.base + a.offset() + c;
            drv.reclaimer.reclaimDirect(task);
            encl.lock.lock();
            try {
                SgxEnclPage entry = load(encl, task, addr, what);
                ErrnoException.check(entry.type != PageType.PT_REG, Errno.EINVAL,
                        "%s: page 0x%x is %s, only REG pages can be restricted", what, addr, entry.type);
                int ret = drv.encls.emodpr(task.cpu(), a.permissions() & SECINFO_PERMISSION_MASK, entry.epcPage.pa);
                if (SgxEncls.faulted(ret)) {
                    throw new ErrnoException(Errno.EFAULT, String.format("%s: EMODPR of 0x%x faulted", what, addr));
                }
                if (ret != 0) {
                    a.result(ret);
                    throw new ErrnoException(Errno.EFAULT,
                            String.format("%s: EMODPR of 0x%x returned %s", what, addr, SgxStatus.ofCode(ret)));
                }
                encl.etrack(task);
            } catch (ErrnoException e) {
                failure = e;
                break;
            } finally {
                encl.lock.unlock();
            }
        }
        a.count(c);
        return reportProgress(task, arg, a, failure);
    }

    private static long modifyTypes(SgxEnclave encl, Task task, long arg) {
        String what = "MODIFY_TYPES";
        sgx2Ready(encl, what);
        SgxEnclaveModifyTypes a = new SgxEnclaveModifyTypes(task.mm().copyFromUser(arg, SgxEnclaveModifyTypes.SIZE));
        validateOffsetLength(encl, a.offset(), a.length(), what);
        ErrnoException.check((a.pageType() & ~SGX_PAGE_TYPE_MASK) != 0, Errno.EINVAL,
                what + ": page type 0x" + Long.toHexString(a.pageType()) + " has bits above 7:0");
        ErrnoException.check(a.result() != 0 || a.count() != 0, Errno.EINVAL, what + ": result and count must be 0");
        long pageType = a.pageType() & SGX_PAGE_TYPE_MASK;
        ErrnoException failure = null;
        long c = 0;
        if (pageType != PageType.PT_TCS.value() && pageType != PageType.PT_TRIM.value()) {
            failure = new ErrnoException(Errno.EINVAL, what + ": the new type must be TCS (1) or TRIM (4), not "
                    + pageType);
        }
        SgxDriver drv = encl.drv;
        PageType target = failure == null ? PageType.ofValue((int) pageType) : null;
        for (; failure == null && c < a.length(); c += PAGE) {
            long addr = encl.base + a.offset() + c;
            drv.reclaimer.reclaimDirect(task);
            encl.lock.lock();
            try {
                SgxEnclPage entry = load(encl, task, addr, what);
                PageType from = entry.type;
                ErrnoException.check(!(from == PageType.PT_REG || from == PageType.PT_TCS && target == PageType.PT_TRIM),
                        Errno.EINVAL, "%s: page 0x%x cannot change from %s to %s", what, addr, from, target);
                long maxProtRestore = entry.vmMaxProtBits;
                if (from == PageType.PT_REG && target == PageType.PT_TCS) {
                    ErrnoException.check((entry.vmMaxProtBits & (Mman.VM_READ | Mman.VM_WRITE))
                            != (Mman.VM_READ | Mman.VM_WRITE), Errno.EPERM,
                            "%s: page 0x%x may not be mapped RW, so it cannot become a TCS", what, addr);
                    entry.vmMaxProtBits = Mman.VM_READ | Mman.VM_WRITE;
                    try {
                        drv.reclaimer.unmarkReclaimable(entry.epcPage);
                    } catch (ErrnoException e) {
                        entry.vmMaxProtBits = maxProtRestore;
                        throw new ErrnoException(Errno.EAGAIN, what + ": page 0x" + Long.toHexString(addr)
                                + " is being reclaimed");
                    }
                    // a TCS must not stay mapped: PTEs are zapped without encl->lock (mm lock order)
                    encl.lock.unlock();
                    try {
                        encl.zapPtes(addr);
                    } finally {
                        encl.lock.lock();
                    }
                    drv.reclaimer.markReclaimable(entry.epcPage);
                }
                int ret = drv.encls.emodt(task.cpu(), (long) target.value() << 8, entry.epcPage.pa);
                if (SgxEncls.faulted(ret) || ret != 0) {
                    entry.vmMaxProtBits = maxProtRestore;
                    if (!SgxEncls.faulted(ret)) {
                        a.result(ret);
                    }
                    throw new ErrnoException(Errno.EFAULT, String.format("%s: EMODT of 0x%x %s", what, addr,
                            SgxEncls.faulted(ret) ? "faulted" : "returned " + SgxStatus.ofCode(ret)));
                }
                encl.etrack(task);
                entry.type = target;
            } catch (ErrnoException e) {
                failure = e;
                break;
            } finally {
                encl.lock.unlock();
            }
        }
        a.count(c);
        return reportProgress(task, arg, a, failure);
    }

    private static long removePages(SgxEnclave encl, Task task, long arg) {
        String what = "REMOVE_PAGES";
        sgx2Ready(encl, what);
        SgxEnclaveRemovePages a = new SgxEnclaveRemovePages(task.mm().copyFromUser(arg, SgxEnclaveRemovePages.SIZE));
        validateOffsetLength(encl, a.offset(), a.length(), what);
        ErrnoException.check(a.count() != 0, Errno.EINVAL, what + ": count must be 0");
        SgxDriver drv = encl.drv;
        long c = 0;
        ErrnoException failure = null;
        for (; c < a.length(); c += PAGE) {
            long addr = encl.base + a.offset() + c;
            drv.reclaimer.reclaimDirect(task);
            encl.lock.lock();
            try {
                SgxEnclPage entry = load(encl, task, addr, what);
                ErrnoException.check(entry.type != PageType.PT_TRIM, Errno.EPERM,
                        "%s: page 0x%x is %s, not TRIM", what, addr, entry.type);
                // an accepted TRIM page makes EMODPR fault; an unaccepted one returns NOT_MODIFIABLE
                int ret = drv.encls.emodpr(task.cpu(), SecInfo.RWX, entry.epcPage.pa);
                ErrnoException.check(!SgxEncls.faulted(ret) || SgxEncls.trapnr(ret) != SgxEncls.X86_TRAP_PF,
                        Errno.EPERM, "%s: the enclave has not EACCEPTed the trim of 0x%x", what, addr);
                try {
                    drv.reclaimer.unmarkReclaimable(entry.epcPage);
                } catch (ErrnoException e) {
                    throw new ErrnoException(Errno.EBUSY, what + ": page 0x" + Long.toHexString(addr)
                            + " is being reclaimed");
                }
                encl.lock.unlock();
                try {
                    encl.zapPtes(addr);
                } finally {
                    encl.lock.lock();
                }
                encl.freeEpcPage(entry.epcPage, task);
                encl.secsChildCnt--;
                entry.epcPage = null;
                encl.pageArray.remove(addr >>> 12);
                encl.shrink(null, task);
            } catch (ErrnoException e) {
                failure = e;
                break;
            } finally {
                encl.lock.unlock();
            }
        }
        a.count(c);
        return reportProgress(task, arg, a, failure);
    }

    /**
     * The end of the page-range ioctls (ADD_PAGES and the SGX2 ones): the struct (count,
     * result) goes back to user space whether or not the walk stopped early, then the first
     * failure is returned as the errno.
     */
    private static long reportProgress(Task task, long arg, org.jsgx.cpu.Struct a, ErrnoException failure) {
        task.mm().copyToUser(arg, a.toByteArray());
        if (failure != null) {
            throw failure;
        }
        return 0;
    }
}
