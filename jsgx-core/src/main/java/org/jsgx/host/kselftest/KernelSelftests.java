package org.jsgx.host.kselftest;

import static org.jsgx.host.kselftest.SelftestHarness.ENCL_HEAP_SIZE_DEFAULT;
import static org.jsgx.host.kselftest.SelftestHarness.MAGIC;
import static org.jsgx.host.kselftest.SelftestHarness.MAGIC2;
import static org.jsgx.host.kselftest.SelftestHarness.PAGE_SIZE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jsgx.cpu.Struct;
import org.jsgx.kernel.Errno;
import org.jsgx.kernel.Mman;
import org.jsgx.kernel.SgxEnclaveModifyTypes;
import org.jsgx.kernel.SgxEnclaveRemovePages;
import org.jsgx.kernel.SgxEnclaveRestrictPermissions;
import org.jsgx.kernel.SgxEnclaveRun;
import org.jsgx.kernel.SgxIoctl;
import org.jsgx.kernel.Vdso;

/**
 * The scenarios of tools/testing/selftests/sgx/main.c, by their kernel names, each asserting
 * what the kernel test asserts (return values, run.function, exception vector, error code and
 * address, EACCEPT results, ioctl errno/result/count). The huge ones are scaled by
 * {@link Scale}: by default a 2 MiB EPC, so "heap = total EPC" still oversubscribes it, and a
 * dynamic area of twice the EPC for augment_via_eaccept_long instead of 8 GiB.
 */
public final class KernelSelftests {
    /** SECINFO flag bits the tests use (SGX_SECINFO_*). */
    static final long R = 0x1, W = 0x2, X = 0x4, PENDING = 0x8, MODIFIED = 0x10, PR = 0x20, TCS = 0x100, REG = 0x200,
            TRIM = 0x400;
    static final long SGX_PAGE_TYPE_TCS = 1, SGX_PAGE_TYPE_TRIM = 4;

    /**
     * Sizes of the scaled scenarios.
     *
     * @param epcBytes         the platform's EPC (the oversubscribed heap is this big)
     * @param longDynamicBytes augment_via_eaccept_long's dynamic area (8 GiB in Linux)
     */
    public record Scale(long epcBytes, long longDynamicBytes) {
        public static final long DEFAULT_EPC = 2L << 20;

        /** From -Djsgx.selftest.epc and -Djsgx.selftest.longDynamic (bytes), or -Djsgx.selftest.full=true. */
        public static Scale fromSystemProperties() {
            if (Boolean.getBoolean("jsgx.selftest.full")) {
                return new Scale(128L << 20, 8L << 30);
            }
            long epc = Long.getLong("jsgx.selftest.epc", DEFAULT_EPC);
            return new Scale(epc, Long.getLong("jsgx.selftest.longDynamic", 2 * epc));
        }
    }

    /** The outcome of one scenario. */
    public record Result(String name, Status status, String detail) {
    }

    public enum Status { PASS, FAIL, SKIP }

    /** Thrown by a scenario that the platform cannot run (the kernel test's SKIP()). */
    static final class Skipped extends RuntimeException {
        Skipped(String why) {
            super(why);
        }
    }

    @FunctionalInterface
    interface Body {
        void run(KernelSelftests t);
    }

    private static final Map<String, Body> ALL = new LinkedHashMap<>();

    static {
        ALL.put("unclobbered_vdso", KernelSelftests::unclobberedVdso);
        ALL.put("unclobbered_vdso_oversubscribed", KernelSelftests::unclobberedVdsoOversubscribed);
        ALL.put("unclobbered_vdso_oversubscribed_remove", KernelSelftests::unclobberedVdsoOversubscribedRemove);
        ALL.put("clobbered_vdso", KernelSelftests::clobberedVdso);
        ALL.put("clobbered_vdso_and_user_function", KernelSelftests::clobberedVdsoAndUserFunction);
        ALL.put("tcs_entry", KernelSelftests::tcsEntry);
        ALL.put("pte_permissions", KernelSelftests::ptePermissions);
        ALL.put("tcs_permissions", KernelSelftests::tcsPermissions);
        ALL.put("epcm_permissions", KernelSelftests::epcmPermissions);
        ALL.put("augment", KernelSelftests::augment);
        ALL.put("augment_via_eaccept", KernelSelftests::augmentViaEaccept);
        ALL.put("augment_via_eaccept_long", KernelSelftests::augmentViaEacceptLong);
        ALL.put("tcs_create", KernelSelftests::tcsCreate);
        ALL.put("remove_added_page_no_eaccept", KernelSelftests::removeAddedPageNoEaccept);
        ALL.put("remove_added_page_invalid_access", KernelSelftests::removeAddedPageInvalidAccess);
        ALL.put("remove_added_page_invalid_access_after_eaccept",
                KernelSelftests::removeAddedPageInvalidAccessAfterEaccept);
        ALL.put("remove_untouched_page", KernelSelftests::removeUntouchedPage);
    }

    private final Scale scale;
    private final boolean sgx2;
    private final KselftestEnclave enclave;
    private SelftestHarness self;

    private KernelSelftests(Scale scale, boolean sgx2, KselftestEnclave enclave) {
        this.scale = scale;
        this.sgx2 = sgx2;
        this.enclave = enclave;
    }

    /** The scenario names in the kernel's order. */
    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** Runs one scenario on an SGX2 platform; AssertionError on failure. */
    public static Status run(String name, Scale scale) {
        return run(name, scale, true);
    }

    /** Runs one scenario; {@code sgx2} false models a CPU without SGX2 (those tests SKIP). */
    public static Status run(String name, Scale scale, boolean sgx2) {
        return run(name, scale, sgx2, TestEncl.JAVA);
    }

    /** Runs one scenario against {@code enclave} (the Java test enclave or a real binary). */
    public static Status run(String name, Scale scale, boolean sgx2, KselftestEnclave enclave) {
        Body b = ALL.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no kernel selftest named " + name);
        }
        KernelSelftests t = new KernelSelftests(scale, sgx2, enclave);
        try {
            b.run(t);
            return Status.PASS;
        } catch (Skipped s) {
            return Status.SKIP;
        } finally {
            if (t.self != null) {
                t.self.close();
            }
        }
    }

    /** Runs every scenario, reporting each as it completes. */
    public static List<Result> runAll(Scale scale, Consumer<Result> listener) {
        return runAll(scale, TestEncl.JAVA, listener);
    }

    /** Runs every scenario against {@code enclave}, reporting each as it completes. */
    public static List<Result> runAll(Scale scale, KselftestEnclave enclave, Consumer<Result> listener) {
        List<Result> out = new ArrayList<>();
        for (String name : ALL.keySet()) {
            Result r;
            try {
                Status s = run(name, scale, true, enclave);
                r = new Result(name, s, "");
            } catch (AssertionError | RuntimeException e) {
                r = new Result(name, Status.FAIL, String.valueOf(e.getMessage()));
            }
            out.add(r);
            listener.accept(r);
        }
        return out;
    }

    // ---- harness helpers (kselftest_harness.h) ----

    private void setup(long heap, long dynamic) {
        self = new SelftestHarness(enclave, scale.epcBytes(), sgx2, heap, dynamic);
    }

    private static void expectEq(Object got, Object want, String what) {
        if (!want.equals(got)) {
            throw new AssertionError(what + ": expected " + fmt(want) + ", got " + fmt(got));
        }
    }

    private static String fmt(Object o) {
        return o instanceof Long l ? "0x" + Long.toHexString(l) : o instanceof Integer i ? "0x" + Integer.toHexString(i)
                : String.valueOf(o);
    }

    private void expectEexit() {
        expectEq(self.runStruct().function(), Vdso.EEXIT, "run.function");
    }

    private void expectNoException() {
        SgxEnclaveRun r = self.runStruct();
        expectEq(r.exceptionVector(), 0, "run.exception_vector");
        expectEq(r.exceptionErrorCode(), 0, "run.exception_error_code");
        expectEq(r.exceptionAddr(), 0L, "run.exception_addr");
    }

    private void expectException(int function, int vector, int errorCode, long addr) {
        SgxEnclaveRun r = self.runStruct();
        expectEq(r.function(), function, "run.function");
        expectEq(r.exceptionVector(), vector, "run.exception_vector");
        expectEq(r.exceptionErrorCode(), errorCode, "run.exception_error_code");
        expectEq(r.exceptionAddr(), addr, "run.exception_addr");
    }

    private long call(long[] op, boolean clobbered) {
        return self.call(op, clobbered);
    }

    private void put(long value) {
        long[] op = {TestEncl.ENCL_OP_PUT_TO_BUFFER, value};
        expectEq(call(op, false), 0L, "ENCL_CALL(PUT_TO_BUFFER)");
        expectEexit();
    }

    private long get() {
        long[] op = {TestEncl.ENCL_OP_GET_FROM_BUFFER, 0};
        expectEq(call(op, false), 0L, "ENCL_CALL(GET_FROM_BUFFER)");
        expectEexit();
        return op[1];
    }

    private void putAddr(long addr, long value) {
        long[] op = {TestEncl.ENCL_OP_PUT_TO_ADDRESS, value, addr};
        expectEq(call(op, false), 0L, "ENCL_CALL(PUT_TO_ADDRESS)");
        expectEexit();
        expectNoException();
    }

    private long getAddr(long addr) {
        long[] op = {TestEncl.ENCL_OP_GET_FROM_ADDRESS, 0, addr};
        expectEq(call(op, false), 0L, "ENCL_CALL(GET_FROM_ADDRESS)");
        expectEexit();
        expectNoException();
        return op[1];
    }

    /** EACCEPT through TCS run.tcs; returns eaccept_op.ret after checking EEXIT and no exception. */
    private long eaccept(long addr, long flags) {
        long[] op = {TestEncl.ENCL_OP_EACCEPT, addr, flags, 0};
        expectEq(call(op, false), 0L, "ENCL_CALL(EACCEPT)");
        expectEexit();
        expectNoException();
        return op[3];
    }

    /** An ioctl on the enclave fd with {@code arg} in user memory; the arg is read back. */
    private long ioctl(int cmd, Struct arg) {
        long p = self.op + 0x800;
        self.task.mm().write(p, arg.toByteArray());
        long ret = self.task.ioctl(self.encl.fd, cmd, p);
        arg.segment().copyFrom(java.lang.foreign.MemorySegment.ofArray(self.task.mm().read(p, (int) arg.segment().byteSize())));
        return ret;
    }

    private Errno errno(long ret) {
        return ret == -1 ? self.task.errno() : null;
    }

    /** sgx2_supported() and the all-zero probe of an SGX2 ioctl (ENOTTY/ENODEV: SKIP). */
    private void requireSgx2Ioctl(int cmd, Struct zeroArg) {
        if (!self.platform.capabilities().sgx2()) {
            // the kernel test SKIPs on CPUID; the probe would see ENODEV the same way
            long ret = ioctl(cmd, zeroArg);
            expectEq(errno(ret), Errno.ENODEV, "errno of an SGX2 ioctl without SGX2");
            throw new Skipped("SGX2 not supported");
        }
        long ret = ioctl(cmd, zeroArg);
        Errno e = errno(ret);
        if (e == Errno.ENOTTY || e == Errno.ENODEV) {
            throw new Skipped("kernel does not support the SGX2 ioctls");
        }
        expectEq(ret, -1L, "the all-zero probe ioctl fails");
    }

    // ---- the tests ----

    private void unclobberedVdso() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        putGetMagic(false);
    }

    private void unclobberedVdsoOversubscribed() {
        setup(scale.epcBytes(), 0);
        putGetMagic(false);
        if (self.kernel.sgx().reclaimer().pagesWritten() == 0) {
            throw new AssertionError("the heap did not oversubscribe the EPC (nothing was reclaimed)");
        }
    }

    /** PUT_TO_BUFFER(MAGIC), GET_FROM_BUFFER: both EEXIT with user_data 0, the value read back. */
    private void putGetMagic(boolean clobbered) {
        long[] put = {TestEncl.ENCL_OP_PUT_TO_BUFFER, MAGIC};
        expectEq(call(put, clobbered), 0L, "ENCL_CALL");
        expectEexit();
        expectEq(self.runStruct().userData(), 0L, "run.user_data");
        long[] get = {TestEncl.ENCL_OP_GET_FROM_BUFFER, 0};
        expectEq(call(get, clobbered), 0L, "ENCL_CALL");
        expectEq(get[1], MAGIC, "get_op.value");
        expectEexit();
        expectEq(self.runStruct().userData(), 0L, "run.user_data");
    }

    private void unclobberedVdsoOversubscribedRemove() {
        setup(scale.epcBytes(), 0);
        requireSgx2Ioctl(SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, SgxEnclaveModifyTypes.allocate());
        putGetMagic(false);
        TestEnclLoader.Segment heap = self.heap();
        SgxEnclaveModifyTypes modt = SgxEnclaveModifyTypes.allocate().offset(heap.offset()).length(heap.size())
                .pageType(SGX_PAGE_TYPE_TRIM);
        long count = 0;
        long ret;
        do {
            ret = ioctl(SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, modt);
            if (errno(ret) != Errno.EAGAIN) {
                break;
            }
            expectEq(modt.result(), 0L, "modt_ioc.result");
            count += modt.count();
            modt.offset(modt.offset() + modt.count()).length(modt.length() - modt.count()).result(0).count(0);
        } while (modt.length() != 0);
        expectEq(ret, 0L, "MODIFY_TYPES(TRIM) ret (" + self.task.lastError() + ")");
        expectEq(modt.result(), 0L, "modt_ioc.result");
        count += modt.count();
        expectEq(count, heap.size(), "pages trimmed");
        for (long a = self.encl.base + heap.offset(); a < self.encl.base + heap.offset() + heap.size(); a += PAGE_SIZE) {
            expectEq(eaccept(a, TRIM | MODIFIED), 0L, "eaccept_op.ret at 0x" + Long.toHexString(a));
        }
        SgxEnclaveRemovePages rm = SgxEnclaveRemovePages.allocate().offset(heap.offset()).length(heap.size());
        count = 0;
        do {
            ret = ioctl(SgxIoctl.SGX_IOC_ENCLAVE_REMOVE_PAGES, rm);
            // [MODEL] the kernel's test retries EAGAIN only. REMOVE_PAGES also fails with EBUSY
            // when ksgxswapd isolated the page between its load and sgx_unmark_page_reclaimable
            // (a window upstream has too); the model's ksgxswapd, busy on the tiny EPC while the
            // trimmed pages are loaded back, falls into it now and then: retry that as well
            if (errno(ret) != Errno.EAGAIN && errno(ret) != Errno.EBUSY) {
                break;
            }
            count += rm.count();
            rm.offset(rm.offset() + rm.count()).length(rm.length() - rm.count()).count(0);
        } while (rm.length() != 0);
        expectEq(ret, 0L, "REMOVE_PAGES ret (" + self.task.lastError() + ")");
        count += rm.count();
        expectEq(count, heap.size(), "pages removed");
    }

    private void clobberedVdso() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        putGetMagic(true);
    }

    private void clobberedVdsoAndUserFunction() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        long handler = self.task.registerUserFunction((rdi, rsi, rdx, ursp, r8, r9, run) -> {
            self.task.mm().writeU64(run + SgxEnclaveRun.USER_DATA, 0);
            return 0;
        });
        self.task.mm().writeU64(self.run + SgxEnclaveRun.USER_HANDLER, handler);
        self.task.mm().writeU64(self.run + SgxEnclaveRun.USER_DATA, 0xdeadbeefL);
        long[] put = {TestEncl.ENCL_OP_PUT_TO_BUFFER, MAGIC};
        expectEq(call(put, true), 0L, "ENCL_CALL");
        expectEexit();
        expectEq(self.runStruct().userData(), 0L, "run.user_data (the handler clears it)");
        self.task.mm().writeU64(self.run + SgxEnclaveRun.USER_DATA, 0xdeadbeefL);
        long[] get = {TestEncl.ENCL_OP_GET_FROM_BUFFER, 0};
        expectEq(call(get, true), 0L, "ENCL_CALL");
        expectEq(get[1], MAGIC, "get_op.value");
        expectEexit();
        expectEq(self.runStruct().userData(), 0L, "run.user_data (the handler clears it)");
    }

    private void tcsEntry() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        long[] nop = {TestEncl.ENCL_OP_NOP};
        expectEq(call(nop, true), 0L, "ENCL_CALL via TCS #1");
        expectEexit();
        expectNoException();
        self.tcs(self.encl.base + PAGE_SIZE);
        expectEq(call(nop, true), 0L, "ENCL_CALL via TCS #2");
        expectEexit();
        expectNoException();
    }

    private void ptePermissions() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        long data = self.dataPage();
        putAddr(data, MAGIC);
        expectEq(getAddr(data), MAGIC, "get_addr_op.value");
        expectEq(self.task.mprotect(data, PAGE_SIZE, Mman.PROT_READ), 0, "mprotect(PROT_READ)");
        long[] op = {TestEncl.ENCL_OP_PUT_TO_ADDRESS, MAGIC2, data};
        expectEq(call(op, false), 0L, "ENCL_CALL");
        // a PTE fault: no SGX bit
        expectException(Vdso.ERESUME, 14, 0x7, data);
        expectEq(self.task.mprotect(data, PAGE_SIZE, Mman.PROT_READ | Mman.PROT_WRITE), 0, "mprotect(RW)");
        self.clearException();
        expectEq(self.eresume(), 0L, "ERESUME");
        expectEexit();
        expectEq(getAddr(data), MAGIC2, "get_addr_op.value");
    }

    private void tcsPermissions() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        requireSgx2Ioctl(SgxIoctl.SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, SgxEnclaveRestrictPermissions.allocate());
        SgxEnclaveRestrictPermissions ioc = SgxEnclaveRestrictPermissions.allocate().offset(self.encl.segments.get(0).offset())
                .length(PAGE_SIZE).permissions(R);
        long ret = ioctl(SgxIoctl.SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, ioc);
        expectEq(ret, -1L, "RESTRICT_PERMISSIONS on a TCS");
        expectEq(errno(ret), Errno.EINVAL, "errno");
        expectEq(ioc.result(), 0L, "ioc.result");
        expectEq(ioc.count(), 0L, "ioc.count");
    }

    private void epcmPermissions() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        requireSgx2Ioctl(SgxIoctl.SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, SgxEnclaveRestrictPermissions.allocate());
        long data = self.dataPage();
        putAddr(data, MAGIC);
        expectEq(getAddr(data), MAGIC, "get_addr_op.value");
        SgxEnclaveRestrictPermissions ioc = SgxEnclaveRestrictPermissions.allocate().offset(data - self.encl.base)
                .length(PAGE_SIZE).permissions(R);
        long ret = ioctl(SgxIoctl.SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, ioc);
        expectEq(ret, 0L, "RESTRICT_PERMISSIONS (" + self.task.lastError() + ")");
        expectEq(ioc.result(), 0L, "ioc.result");
        expectEq(ioc.count(), PAGE_SIZE, "ioc.count");
        expectEq(eaccept(data, R | REG | PR), 0L, "eaccept_op.ret");
        long[] op = {TestEncl.ENCL_OP_PUT_TO_ADDRESS, MAGIC2, data};
        expectEq(call(op, false), 0L, "ENCL_CALL");
        expectException(Vdso.ERESUME, 14, 0x8007, data);
        self.clearException();
        self.tcs(self.encl.base + PAGE_SIZE);
        long[] emodpe = {TestEncl.ENCL_OP_EMODPE, data, R | W};
        expectEq(call(emodpe, false), 0L, "ENCL_CALL(EMODPE)");
        expectEexit();
        expectNoException();
        self.tcs(self.encl.base);
        expectEq(self.eresume(), 0L, "ERESUME");
        expectEexit();
        expectNoException();
        expectEq(getAddr(data), MAGIC2, "get_addr_op.value");
    }

    private long mmapDynamic(long size, int prot) {
        long want = self.encl.base + self.totalSize();
        long addr = self.task.mmap(want, size, prot, Mman.MAP_SHARED | Mman.MAP_FIXED, self.encl.fd, 0);
        expectEq(addr, want, "mmap of the dynamic area (" + self.task.lastError() + ")");
        return addr;
    }

    private void augment() {
        setup(ENCL_HEAP_SIZE_DEFAULT, PAGE_SIZE);
        if (!self.platform.capabilities().sgx2()) {
            throw new Skipped("SGX2 not supported");
        }
        long addr = mmapDynamic(PAGE_SIZE, Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC);
        long[] op = {TestEncl.ENCL_OP_PUT_TO_ADDRESS, MAGIC, addr};
        expectEq(call(op, false), 0L, "ENCL_CALL");
        SgxEnclaveRun r = self.runStruct();
        expectEq(r.function(), Vdso.ERESUME, "run.function");
        expectEq(r.exceptionVector(), 14, "run.exception_vector");
        expectEq(r.exceptionAddr(), addr, "run.exception_addr");
        if (r.exceptionErrorCode() == 0x6) {
            throw new Skipped("kernel does not support adding pages to an initialized enclave");
        }
        expectEq(r.exceptionErrorCode(), 0x8007, "run.exception_error_code");
        self.clearException();
        self.tcs(self.encl.base + PAGE_SIZE);
        expectEq(eaccept(addr, R | W | REG | PENDING), 0L, "eaccept_op.ret");
        self.tcs(self.encl.base);
        expectEq(self.eresume(), 0L, "ERESUME");
        expectEexit();
        expectNoException();
        expectEq(getAddr(addr), MAGIC, "get_addr_op.value");
        self.task.munmap(addr, PAGE_SIZE);
    }

    private void augmentViaEaccept() {
        setup(ENCL_HEAP_SIZE_DEFAULT, PAGE_SIZE);
        if (!self.platform.capabilities().sgx2()) {
            throw new Skipped("SGX2 not supported");
        }
        long addr = mmapDynamic(PAGE_SIZE, Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC);
        long[] op = {TestEncl.ENCL_OP_EACCEPT, addr, R | W | REG | PENDING, 0};
        expectEq(call(op, false), 0L, "ENCL_CALL(EACCEPT)");
        SgxEnclaveRun r = self.runStruct();
        if (r.exceptionVector() == 14 && r.exceptionErrorCode() == 4 && r.exceptionAddr() == addr) {
            throw new Skipped("kernel does not support adding pages to an initialized enclave");
        }
        expectEexit();
        expectNoException();
        expectEq(op[3], 0L, "eaccept_op.ret");
        putAddr(addr, MAGIC);
        expectEq(getAddr(addr), MAGIC, "get_addr_op.value");
        self.task.munmap(addr, PAGE_SIZE);
    }

    private void augmentViaEacceptLong() {
        long dynamic = scale.longDynamicBytes();
        setup(ENCL_HEAP_SIZE_DEFAULT, dynamic);
        if (!self.platform.capabilities().sgx2()) {
            throw new Skipped("SGX2 not supported");
        }
        long addr = mmapDynamic(dynamic, Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC);
        for (long a = addr; a < addr + dynamic; a += PAGE_SIZE) {
            long[] op = {TestEncl.ENCL_OP_EACCEPT, a, R | W | REG | PENDING, 0};
            expectEq(call(op, false), 0L, "ENCL_CALL(EACCEPT)");
            SgxEnclaveRun r = self.runStruct();
            if (r.exceptionVector() == 14 && r.exceptionErrorCode() == 4 && r.exceptionAddr() == a) {
                throw new Skipped("kernel does not support adding pages to an initialized enclave");
            }
            expectEexit();
            expectNoException();
            expectEq(op[3], 0L, "eaccept_op.ret at 0x" + Long.toHexString(a));
        }
        putAddr(addr, MAGIC);
        expectEq(getAddr(addr), MAGIC, "get_addr_op.value");
        self.task.munmap(addr, dynamic);
    }

    private void tcsCreate() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 3 * PAGE_SIZE);
        requireSgx2Ioctl(SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, SgxEnclaveModifyTypes.allocate());
        long total = self.totalSize();
        long addr = mmapDynamic(3 * PAGE_SIZE, Mman.PROT_READ | Mman.PROT_WRITE);
        long stackEnd = addr;
        long tcs = addr + PAGE_SIZE;
        long ssa = addr + 2 * PAGE_SIZE;
        for (long a : new long[] {stackEnd, tcs, ssa}) {
            expectEq(eaccept(a, R | W | REG | PENDING), 0L, "eaccept_op.ret at 0x" + Long.toHexString(a));
        }
        long[] init = {TestEncl.ENCL_OP_INIT_TCS_PAGE, tcs, total + 2 * PAGE_SIZE, enclave.dynEntry()};
        expectEq(call(init, false), 0L, "ENCL_CALL(INIT_TCS_PAGE)");
        expectEexit();
        expectNoException();
        SgxEnclaveModifyTypes modt = SgxEnclaveModifyTypes.allocate().offset(total + PAGE_SIZE).length(PAGE_SIZE)
                .pageType(SGX_PAGE_TYPE_TCS);
        long ret = ioctl(SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, modt);
        expectEq(ret, 0L, "MODIFY_TYPES(TCS) (" + self.task.lastError() + ")");
        expectEq(modt.result(), 0L, "modt_ioc.result");
        expectEq(modt.count(), PAGE_SIZE, "modt_ioc.count");
        expectEq(eaccept(tcs, TCS | MODIFIED), 0L, "eaccept_op.ret (TCS)");
        // enter through the new TCS
        self.tcs(tcs);
        put(MAGIC);
        expectEq(get(), MAGIC, "get_op.value via the new TCS");
        // phase 2: remove the three pages
        self.tcs(self.encl.base);
        modt = SgxEnclaveModifyTypes.allocate().offset(total).length(3 * PAGE_SIZE).pageType(SGX_PAGE_TYPE_TRIM);
        ret = ioctl(SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, modt);
        expectEq(ret, 0L, "MODIFY_TYPES(TRIM) (" + self.task.lastError() + ")");
        expectEq(modt.result(), 0L, "modt_ioc.result");
        expectEq(modt.count(), 3 * PAGE_SIZE, "modt_ioc.count");
        for (long a : new long[] {stackEnd, tcs, ssa}) {
            expectEq(eaccept(a, TRIM | MODIFIED), 0L, "eaccept_op.ret (TRIM) at 0x" + Long.toHexString(a));
        }
        SgxEnclaveRemovePages rm = SgxEnclaveRemovePages.allocate().offset(total).length(3 * PAGE_SIZE);
        ret = ioctl(SgxIoctl.SGX_IOC_ENCLAVE_REMOVE_PAGES, rm);
        expectEq(ret, 0L, "REMOVE_PAGES (" + self.task.lastError() + ")");
        expectEq(rm.count(), 3 * PAGE_SIZE, "remove_ioc.count");
        // touching where TCS #3 was adds a fresh regular page
        expectEq(eaccept(tcs, R | W | REG | PENDING), 0L, "eaccept_op.ret (re-EAUG)");
        putAddr(tcs, MAGIC);
        expectEq(getAddr(tcs), MAGIC, "get_addr_op.value");
        self.task.munmap(addr, 3 * PAGE_SIZE);
    }

    private void trimDataPage(long data) {
        SgxEnclaveModifyTypes modt = SgxEnclaveModifyTypes.allocate().offset(data - self.encl.base).length(PAGE_SIZE)
                .pageType(SGX_PAGE_TYPE_TRIM);
        long ret = ioctl(SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, modt);
        expectEq(ret, 0L, "MODIFY_TYPES(TRIM) (" + self.task.lastError() + ")");
        expectEq(modt.result(), 0L, "modt_ioc.result");
        expectEq(modt.count(), PAGE_SIZE, "modt_ioc.count");
    }

    private void removeAddedPageNoEaccept() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        requireSgx2Ioctl(SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, SgxEnclaveModifyTypes.allocate());
        long data = self.dataPage();
        putAddr(data, MAGIC);
        expectEq(getAddr(data), MAGIC, "get_addr_op.value");
        trimDataPage(data);
        SgxEnclaveRemovePages rm = SgxEnclaveRemovePages.allocate().offset(data - self.encl.base).length(PAGE_SIZE);
        long ret = ioctl(SgxIoctl.SGX_IOC_ENCLAVE_REMOVE_PAGES, rm);
        expectEq(ret, -1L, "REMOVE_PAGES without EACCEPT");
        expectEq(errno(ret), Errno.EPERM, "errno");
        expectEq(rm.count(), 0L, "remove_ioc.count");
    }

    private void removeAddedPageInvalidAccess() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        requireSgx2Ioctl(SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, SgxEnclaveModifyTypes.allocate());
        long data = self.dataPage();
        putAddr(data, MAGIC);
        expectEq(getAddr(data), MAGIC, "get_addr_op.value");
        trimDataPage(data);
        long[] op = {TestEncl.ENCL_OP_GET_FROM_ADDRESS, 0, data};
        expectEq(call(op, false), 0L, "ENCL_CALL");
        expectException(Vdso.ERESUME, 14, 0x8005, data);
    }

    private void removeAddedPageInvalidAccessAfterEaccept() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        requireSgx2Ioctl(SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, SgxEnclaveModifyTypes.allocate());
        long data = self.dataPage();
        putAddr(data, MAGIC);
        expectEq(getAddr(data), MAGIC, "get_addr_op.value");
        trimDataPage(data);
        expectEq(eaccept(data, TRIM | MODIFIED), 0L, "eaccept_op.ret");
        long[] op = {TestEncl.ENCL_OP_GET_FROM_ADDRESS, 0, data};
        expectEq(call(op, false), 0L, "ENCL_CALL");
        expectException(Vdso.ERESUME, 14, 0x8005, data);
    }

    private void removeUntouchedPage() {
        setup(ENCL_HEAP_SIZE_DEFAULT, 0);
        requireSgx2Ioctl(SgxIoctl.SGX_IOC_ENCLAVE_MODIFY_TYPES, SgxEnclaveModifyTypes.allocate());
        long data = self.dataPage();
        trimDataPage(data);
        expectEq(eaccept(data, TRIM | MODIFIED), 0L, "eaccept_op.ret");
        SgxEnclaveRemovePages rm = SgxEnclaveRemovePages.allocate().offset(data - self.encl.base).length(PAGE_SIZE);
        long ret = ioctl(SgxIoctl.SGX_IOC_ENCLAVE_REMOVE_PAGES, rm);
        expectEq(ret, 0L, "REMOVE_PAGES (" + self.task.lastError() + ")");
        expectEq(rm.count(), PAGE_SIZE, "remove_ioc.count");
    }
}
