package org.jsgx.x86;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The {@code UC_HOOK_BLOCK} callback that ends an uncounted run at a block boundary when
 * another thread of the enclave waits for its turn ({@link EnclaveExecutionLock}): a few bytes
 * of x86-64 machine code, so that the hook Unicorn calls before every translated block costs no
 * upcall into Java. Unicorn calls a block hook before the block's exit-request check, so the
 * {@code uc_emu_stop} it makes ends the run with RIP at the block's start and nothing of the
 * block done (measured on 2.1.4: {@code jsgx-x86/probe/unicorn21-block-hook-stop.c}); a stop
 * from the waiting thread itself is not precise.
 *
 * <p>Its user data, one per engine ({@link Turn}): {@code {int32 request; int32 pad; int64
 * budget; void *uc_emu_stop}}. Each call takes one block off the budget; once the budget is
 * spent and a turn end is requested, it tail-calls {@code uc_emu_stop(uc)}. The budget is the
 * least a turn runs, so two threads asking each other to stop still make progress.
 *
 * <p>Only on x86-64 Linux hosts (the code is x86-64, the page comes from mmap).
 */
final class TurnEndHook {
    /**
     * {@code void hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)}, System V:
     * user data in RCX, the engine still in RDI for the tail call.
     */
    private static final byte[] CODE = {
        (byte) 0xF3, 0x0F, 0x1E, (byte) 0xFA, //        endbr64 (a no-op unless the host enforces IBT)
        0x48, (byte) 0x83, 0x69, 0x08, 0x01, //          sub qword [rcx+8], 1     budget
        0x79, 0x0B, //                                   jns .ret
        (byte) 0x83, 0x39, 0x00, //                      cmp dword [rcx], 0       request
        0x74, 0x06, //                                   je .ret
        0x48, (byte) 0x8B, 0x41, 0x10, //                mov rax, [rcx+16]
        (byte) 0xFF, (byte) 0xE0, //                     jmp rax                  uc_emu_stop(uc)
        (byte) 0xC3}; //                         .ret:   ret
    private static final int PAGE = 4096, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    private static final int MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
    private static final VarHandle REQUEST = JAVA_INT.varHandle();

    private static volatile MemorySegment code;
    private static volatile boolean failed;

    private TurnEndHook() {
    }

    /** Whether the host can run the hook (x86-64 Linux). */
    static boolean hostSupported() {
        String arch = System.getProperty("os.arch");
        return System.getProperty("os.name", "").startsWith("Linux") && ("amd64".equals(arch) || "x86_64".equals(arch));
    }

    /** The hook's entry point (one executable page per process, never freed), or null if it cannot be made. */
    static MemorySegment code() {
        MemorySegment c = code;
        if (c != null || failed) {
            return c;
        }
        synchronized (TurnEndHook.class) {
            if (code == null && !failed) {
                try {
                    code = load();
                } catch (Throwable t) {
                    failed = true;
                }
            }
            return code;
        }
    }

    /** mmap a page read-write, copy the code, then make it read-execute. */
    private static MemorySegment load() throws Throwable {
        if (!hostSupported()) {
            return null;
        }
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        MethodHandle mprotect = linker.downcallHandle(libc.find("mprotect").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        MemorySegment page = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, (long) PAGE,
                PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
        if (page.address() == -1L || page.address() == 0L) {
            throw new IllegalStateException("mmap failed");
        }
        page = page.reinterpret(PAGE);
        MemorySegment.copy(MemorySegment.ofArray(CODE), 0, page, 0, CODE.length);
        if ((int) mprotect.invokeExact(page, (long) PAGE, PROT_READ | PROT_EXEC) != 0) {
            throw new IllegalStateException("mprotect failed");
        }
        return page;
    }

    /** One engine's user data for the hook: the turn-end request and the budget of the current turn. */
    static final class Turn {
        private final MemorySegment data;

        Turn(Arena arena, MemorySegment ucEmuStop) {
            data = arena.allocate(24, 8);
            data.set(JAVA_LONG, 16, ucEmuStop.address());
        }

        /** The user-data pointer to register with the hook. */
        MemorySegment userData() {
            return data;
        }

        /** A new turn: at least {@code blocks} blocks before a request ends it; no request yet. */
        void begin(long blocks) {
            data.set(JAVA_LONG, 8, blocks);
            REQUEST.setVolatile(data, 0L, 0);
        }

        /** Asks the engine to end its turn at the next block boundary past the budget (any thread). */
        void requestEnd() {
            REQUEST.setVolatile(data, 0L, 1);
        }
    }
}
