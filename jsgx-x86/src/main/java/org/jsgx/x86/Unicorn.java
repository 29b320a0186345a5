package org.jsgx.x86;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Downcalls into libunicorn.so.2 (Unicorn 2.x) through the Foreign Function &amp; Memory API, and
 * one engine handle ({@code uc_engine*}) with the calls the x86 engine needs. An instance is not
 * thread-safe (neither is uc_engine): one thread at a time.
 *
 * <p>The library is the system's {@code libunicorn.so.2} unless the system property
 * {@value #LIBRARY_PROPERTY} or the environment variable {@value #LIBRARY_ENV} names another
 * file (the launcher and the test scripts point it at the Unicorn 2.1 that
 * {@code scripts/fetch-unicorn.sh} unpacks into {@code .deps/}); the value {@code system}
 * forces the system's.
 */
final class Unicorn implements AutoCloseable {
    static final String SYSTEM_LIBRARY = "libunicorn.so.2";
    static final String LIBRARY_PROPERTY = "jsgx.unicorn.library";
    static final String LIBRARY_ENV = "JSGX_UNICORN_LIBRARY";
    /** Set to {@code false} to run a Unicorn 2.1 the way 2.0 runs (counted, no virtual TLB). */
    static final String VIRTUAL_TLB_PROPERTY = "jsgx.unicorn.vtlb";

    /** The bound C functions, loaded once; {@code null} fields never escape (see {@link #lib()}). */
    private record Lib(MethodHandle version, MethodHandle open, MethodHandle close, MethodHandle strerror,
            MethodHandle regRead, MethodHandle regWrite, MethodHandle memMapPtr, MethodHandle memUnmap,
            MethodHandle memProtect, MethodHandle memRead, MethodHandle emuStart, MethodHandle emuStop,
            MethodHandle hookAdd, MethodHandle ctl0, MethodHandle ctl1, MethodHandle ctl2,
            MethodHandle regReadBatch, MethodHandle regWriteBatch, MethodHandle contextAlloc,
            MethodHandle contextSave, MethodHandle contextRestore, MethodHandle contextFree, MemorySegment emuStopSymbol) {
    }

    private static volatile Lib lib;
    private static volatile UnicornUnavailableException failure;

    private final MemorySegment uc;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(JAVA_LONG, 2);
    private boolean closed;

    private Unicorn(MemorySegment uc) {
        this.uc = uc;
    }

    /** True when libunicorn.so.2 loads; otherwise {@link #unavailableReason()} says why. */
    static boolean available() {
        try {
            lib();
            return true;
        } catch (UnicornUnavailableException e) {
            return false;
        }
    }

    static String unavailableReason() {
        return available() ? null : failure.getMessage();
    }

    private static Lib lib() {
        Lib l = lib;
        if (l != null) {
            return l;
        }
        if (failure != null) {
            throw failure;
        }
        synchronized (Unicorn.class) {
            if (lib == null && failure == null) {
                try {
                    lib = load();
                } catch (Throwable t) {
                    failure = new UnicornUnavailableException(library() + " (Unicorn 2, the x86-64 engine's emulator) "
                            + "could not be loaded: " + t.getMessage()
                            + "; install it with: apt-get install libunicorn2", t);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return lib;
        }
    }

    /** The library to load: a file named by the property or the environment, else the system's. */
    static String library() {
        String v = System.getProperty(LIBRARY_PROPERTY);
        if (v == null || v.isBlank()) {
            v = System.getenv(LIBRARY_ENV);
        }
        return v == null || v.isBlank() || v.equals("system") ? SYSTEM_LIBRARY : v;
    }

    private static Lib load() {
        Linker linker = Linker.nativeLinker();
        String path = library();
        SymbolLookup sym = path.contains("/") ? SymbolLookup.libraryLookup(java.nio.file.Path.of(path), Arena.global())
                : SymbolLookup.libraryLookup(path, Arena.global());
        java.util.function.BiFunction<String, FunctionDescriptor, MethodHandle> f =
                (name, fd) -> linker.downcallHandle(sym.find(name).orElseThrow(
                        () -> new IllegalStateException("symbol " + name + " missing")), fd);
        FunctionDescriptor hookFd = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, JAVA_INT);
        MemorySegment hookAddSym = sym.find("uc_hook_add").orElseThrow();
        MemorySegment ctlSym = sym.find("uc_ctl").orElseThrow();
        return new Lib(
                f.apply("uc_version", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                f.apply("uc_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)),
                f.apply("uc_close", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                f.apply("uc_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
                f.apply("uc_reg_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
                f.apply("uc_reg_write", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
                f.apply("uc_mem_map_ptr", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT,
                        ADDRESS)),
                f.apply("uc_mem_unmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG)),
                f.apply("uc_mem_protect", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT)),
                f.apply("uc_mem_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG)),
                f.apply("uc_emu_start", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                        JAVA_LONG)),
                f.apply("uc_emu_stop", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                // uc_hook_add and uc_ctl are variadic: the System V ABI needs AL set, which the
                // linker does only when told where the variadic part begins.
                linker.downcallHandle(hookAddSym, hookFd, Linker.Option.firstVariadicArg(7)),
                linker.downcallHandle(ctlSym, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                linker.downcallHandle(ctlSym, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                        Linker.Option.firstVariadicArg(2)),
                linker.downcallHandle(ctlSym, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG),
                        Linker.Option.firstVariadicArg(2)),
                f.apply("uc_reg_read_batch", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT)),
                f.apply("uc_reg_write_batch", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT)),
                f.apply("uc_context_alloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                f.apply("uc_context_save", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                f.apply("uc_context_restore", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                f.apply("uc_context_free", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                sym.find("uc_emu_stop").orElseThrow());
    }

    /**
     * Whether engines use Unicorn 2.1's virtual TLB ({@link #useVirtualTlb}):
     * only on 2.1 or later, unless {@value #VIRTUAL_TLB_PROPERTY} is {@code false}.
     */
    static boolean virtualTlbSupported() {
        return (version() >>> 16) >= 0x0201 && !"false".equals(System.getProperty(VIRTUAL_TLB_PROPERTY));
    }

    /**
     * Whether a {@code uc_emu_stop} from a block hook ends a run before the block (what uncounted
     * runs rely on, see {@link TurnEndHook}): measured on 2.1.4, and it follows from 2.1's
     * translator emitting the block hook before the exit-request check. Another minor version may
     * order them differently, so only 2.1.x qualifies until measured.
     */
    static boolean blockHookStopPrecise() {
        return (version() >>> 16) == 0x0201;
    }

    /** {@code uc_version}: (major << 8) | minor of the loaded library. */
    static int version() {
        try (Arena a = Arena.ofConfined()) {
            return (int) lib().version().invokeExact(a.allocate(JAVA_INT), a.allocate(JAVA_INT));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code uc_open(UC_ARCH_X86, UC_MODE_64)}. */
    static Unicorn openX86_64() {
        Lib l = lib();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("uc_open", (int) l.open().invokeExact(UcConst.UC_ARCH_X86, UcConst.UC_MODE_64, out));
            return new Unicorn(out.get(ADDRESS, 0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                int ignored = (int) lib().close().invokeExact(uc);
            } catch (Throwable t) {
                throw rethrow(t);
            } finally {
                arena.close();
            }
        }
    }

    /** The arena upcall stubs for this engine's hooks live in (freed by {@link #close()}). */
    Arena arena() {
        return arena;
    }

    long regRead(int reg) {
        try {
            check("uc_reg_read", (int) lib.regRead().invokeExact(uc, reg, scratch));
            return scratch.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void regWrite(int reg, long value) {
        try {
            scratch.set(JAVA_LONG, 0, value);
            check("uc_reg_write", (int) lib.regWrite().invokeExact(uc, reg, scratch));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * A fixed set of 64-bit registers moved with one downcall each way ({@code uc_reg_read_batch}
     * / {@code uc_reg_write_batch}) through native arrays allocated once.
     */
    final class RegisterBlock {
        private final MemorySegment ids;
        private final MemorySegment values;
        private final MemorySegment pointers;
        private final int count;

        RegisterBlock(int... regs) {
            count = regs.length;
            ids = arena.allocate(JAVA_INT, count);
            values = arena.allocate(JAVA_LONG, count);
            pointers = arena.allocate(ADDRESS, count);
            for (int i = 0; i < count; i++) {
                ids.setAtIndex(JAVA_INT, i, regs[i]);
                pointers.setAtIndex(ADDRESS, i, values.asSlice(8L * i, 8));
            }
        }

        /** Reads the registers into {@code into[0..count)}. */
        void read(long[] into) {
            try {
                check("uc_reg_read_batch", (int) lib.regReadBatch().invokeExact(uc, ids, pointers, count));
            } catch (Throwable t) {
                throw rethrow(t);
            }
            MemorySegment.copy(values, JAVA_LONG, 0, into, 0, count);
        }

        /** Writes {@code from[0..count)} to the registers. */
        void write(long[] from) {
            MemorySegment.copy(from, 0, values, JAVA_LONG, 0, count);
            try {
                check("uc_reg_write_batch", (int) lib.regWriteBatch().invokeExact(uc, ids, pointers, count));
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    /** Maps {@code size} bytes of host memory at {@code host} to guest address {@code address}. */
    void memMapPtr(long address, long size, int perms, MemorySegment host) {
        try {
            check("uc_mem_map_ptr", (int) lib.memMapPtr().invokeExact(uc, address, size, perms, host));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void memUnmap(long address, long size) {
        try {
            check("uc_mem_unmap", (int) lib.memUnmap().invokeExact(uc, address, size));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void memProtect(long address, long size, int perms) {
        try {
            check("uc_mem_protect", (int) lib.memProtect().invokeExact(uc, address, size, perms));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reads guest memory through the engine's mappings; returns the uc_err (no exception). */
    int memRead(long address, MemorySegment into) {
        try {
            return (int) lib.memRead().invokeExact(uc, address, into, into.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code uc_emu_start}; returns the uc_err, which callers interpret (no exception). */
    int emuStart(long begin, long until, long timeoutMicros, long count) {
        try {
            return (int) lib.emuStart().invokeExact(uc, begin, until, timeoutMicros, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void emuStop() {
        try {
            check("uc_emu_stop", (int) lib.emuStop().invokeExact(uc));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The address of {@code uc_emu_stop}, for native code that calls it. */
    static MemorySegment emuStopAddress() {
        return lib().emuStopSymbol();
    }

    /** {@code uc_context_alloc}: room for this engine's CPU state (free it with {@link #contextFree}). */
    MemorySegment contextAlloc() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("uc_context_alloc", (int) lib.contextAlloc().invokeExact(uc, out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code uc_context_save}: the CPU state (registers, RIP) into {@code context}; usable inside a hook. */
    void contextSave(MemorySegment context) {
        try {
            check("uc_context_save", (int) lib.contextSave().invokeExact(uc, context));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code uc_context_restore}: the CPU state saved by {@link #contextSave}. */
    void contextRestore(MemorySegment context) {
        try {
            check("uc_context_restore", (int) lib.contextRestore().invokeExact(uc, context));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void contextFree(MemorySegment context) {
        try {
            check("uc_context_free", (int) lib().contextFree().invokeExact(context));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Drops every cached translation (after code was written other than by this engine). */
    void flushTranslations() {
        try {
            check("uc_ctl(UC_CTL_TB_FLUSH)", (int) lib.ctl0().invokeExact(uc, UcConst.UC_CTL_TB_FLUSH_W));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Drops the cached translations of guest code in [begin, end). */
    void removeTranslations(long begin, long end) {
        try {
            check("uc_ctl(UC_CTL_TB_REMOVE_CACHE)",
                    (int) lib.ctl2().invokeExact(uc, UcConst.UC_CTL_TB_REMOVE_CACHE_W, begin, end));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code uc_ctl(UC_CTL_TLB_TYPE, UC_TLB_VIRTUAL)} (Unicorn 2.1): guest linear addresses are
     * translated by a {@link #TLBFILL} hook instead of the guest's paging (off here).
     */
    void useVirtualTlb() {
        try {
            check("uc_ctl(UC_CTL_TLB_TYPE)",
                    (int) lib.ctl1().invokeExact(uc, UcConst.UC_CTL_TLB_TYPE_W, UcConst.UC_TLB_VIRTUAL));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Drops every cached TLB entry (Unicorn 2.1), so the fill hook is asked again. */
    void flushTlb() {
        try {
            check("uc_ctl(UC_CTL_TLB_FLUSH)", (int) lib.ctl0().invokeExact(uc, UcConst.UC_CTL_TLB_FLUSH_W));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code uc_hook_add} of {@code callback} (an upcall stub of the type's C signature) for
     * every address; {@code insn} is the instruction id for UC_HOOK_INSN, else ignored.
     */
    void hookAdd(int type, MemorySegment callback, int insn) {
        hookAdd(type, callback, insn, 1L, 0L);
    }

    /** {@code uc_hook_add} for the addresses [begin, end] only. */
    void hookAdd(int type, MemorySegment callback, int insn, long begin, long end) {
        hookAdd(type, callback, MemorySegment.NULL, insn, begin, end);
    }

    /** {@code uc_hook_add} with {@code userData} passed to the callback (a native one: upcalls bind their target). */
    void hookAdd(int type, MemorySegment callback, MemorySegment userData, int insn, long begin, long end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hh = a.allocate(JAVA_LONG);
            check("uc_hook_add(" + type + ")", (int) lib.hookAdd().invokeExact(uc, hh, type, callback,
                    userData, begin, end, insn));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** An upcall stub calling {@code name} on {@code target} with the C signature {@code fd}. */
    MemorySegment upcall(Object target, String name, FunctionDescriptor fd) {
        try {
            MethodType mt = fd.toMethodType();
            MethodHandle mh = MethodHandles.lookup().findVirtual(target.getClass(), name, mt).bindTo(target);
            return Linker.nativeLinker().upcallStub(mh, fd, arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** C signatures of the hook callbacks (unicorn.h / x86.h). */
    static final FunctionDescriptor EVENTMEM = FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_LONG,
            JAVA_INT, JAVA_LONG, ADDRESS);
    static final FunctionDescriptor HOOKCODE = FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS);
    /** {@code bool (*)(uc_engine*, uint64_t vaddr, uc_mem_type, uc_tlb_entry* result, void*)}. */
    static final FunctionDescriptor TLBFILL = FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_LONG, JAVA_INT,
            ADDRESS, ADDRESS);
    static final FunctionDescriptor HOOKINTR = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS);
    static final FunctionDescriptor INSN_CPUID = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    static final FunctionDescriptor INSN_SYSCALL = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
    static final FunctionDescriptor INSN_IN = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
    static final FunctionDescriptor INSN_OUT = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
            ADDRESS);

    static String strerror(int code) {
        try {
            MemorySegment s = (MemorySegment) lib().strerror().invokeExact(code);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void check(String call, int err) {
        if (err != UcConst.UC_ERR_OK) {
            throw new UnicornException(call, err, strerror(err));
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
