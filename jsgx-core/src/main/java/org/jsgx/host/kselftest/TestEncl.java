package org.jsgx.host.kselftest;

import java.util.Map;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Tcs;
import org.jsgx.engine.EnclaveContext;
import org.jsgx.engine.EnclaveProgram;
import org.jsgx.engine.JavaEnclaveEngine;

/**
 * The kernel selftests' test enclave (tools/testing/selftests/sgx/test_encl.c,
 * test_encl_bootstrap.S, test_encl.lds) with its code in Java: the same image layout — two
 * TCS, text, encl_buffer, the two SSA frames and stacks — and the same ops, dispatched on the
 * op header that RDI points to in untrusted memory.
 */
public final class TestEncl {
    // ---- image layout (enclave offsets) ----
    public static final long TCS1 = 0x0000, TCS2 = 0x1000;
    public static final long TEXT = 0x2000;
    public static final long ENCL_ENTRY = TEXT;
    /** encl_dyn_entry: the entry of TCSs created at run time (stack = the page below the TCS). */
    public static final long ENCL_DYN_ENTRY = TEXT + 0x40;
    public static final long DATA = 0x3000;
    /** encl_buffer[8192]: its second page is the target of the permission tests. */
    public static final long ENCL_BUFFER = DATA;
    public static final long ENCL_SSA_TCS1 = 0x5000, ENCL_SSA_TCS2 = 0x6000;
    /** encl_stack: the top of TCS#1's stack page; TCS#2's stack is the page above it. */
    public static final long ENCL_STACK = 0x8000;
    public static final long IMAGE_END = 0x9000;

    // ---- ops (defines.h) ----
    public static final long ENCL_OP_PUT_TO_BUFFER = 0, ENCL_OP_GET_FROM_BUFFER = 1, ENCL_OP_PUT_TO_ADDRESS = 2,
            ENCL_OP_GET_FROM_ADDRESS = 3, ENCL_OP_NOP = 4, ENCL_OP_EACCEPT = 5, ENCL_OP_EMODPE = 6,
            ENCL_OP_INIT_TCS_PAGE = 7, ENCL_OP_MAX = 8;

    /** This enclave as the kernel selftests load it: three segments, run by the Java-logic engine. */
    public static final KselftestEnclave JAVA = new KselftestEnclave() {
        @Override
        public String describe() {
            return "test enclave in Java (org.jsgx.host.kselftest.TestEncl)";
        }

        @Override
        public java.util.List<Part> parts() {
            byte[] img = image();
            int rw = org.jsgx.kernel.Mman.PROT_READ | org.jsgx.kernel.Mman.PROT_WRITE;
            return java.util.List.of(
                    new Part(TCS1, TEXT, rw, SecInfo.flags(org.jsgx.cpu.PageType.PT_TCS, 0),
                            java.util.Arrays.copyOfRange(img, (int) TCS1, (int) TEXT)),
                    new Part(TEXT, DATA - TEXT, org.jsgx.kernel.Mman.PROT_READ | org.jsgx.kernel.Mman.PROT_EXEC,
                            SecInfo.flags(org.jsgx.cpu.PageType.PT_REG, SecInfo.R | SecInfo.X),
                            java.util.Arrays.copyOfRange(img, (int) TEXT, (int) DATA)),
                    new Part(DATA, IMAGE_END - DATA, rw, SecInfo.flags(org.jsgx.cpu.PageType.PT_REG, SecInfo.R | SecInfo.W),
                            java.util.Arrays.copyOfRange(img, (int) DATA, (int) IMAGE_END)));
        }

        @Override
        public org.jsgx.cpu.EnclaveEngine newEngine() {
            return engine();
        }

        @Override
        public long dynEntry() {
            return ENCL_DYN_ENTRY;
        }
    };

    private TestEncl() {
    }

    /** The engine that runs this enclave's code: encl_entry and encl_dyn_entry. */
    public static JavaEnclaveEngine engine() {
        return new JavaEnclaveEngine(Map.of(ENCL_ENTRY, new Entry(false), ENCL_DYN_ENTRY, new Entry(true)));
    }

    /** The TCS images of the .tcs section. */
    static byte[] tcs(long ssa) {
        return Tcs.allocate().ossa(ssa).nssa(1).oentry(ENCL_ENTRY).fslimit(0xFFFFFFFF).gslimit(0xFFFFFFFF)
                .toByteArray();
    }

    /** The whole image (TCS, text, data): what load.c reads from test_encl.elf. */
    static byte[] image() {
        byte[] img = new byte[(int) IMAGE_END];
        System.arraycopy(tcs(ENCL_SSA_TCS1), 0, img, (int) TCS1, 4096);
        System.arraycopy(tcs(ENCL_SSA_TCS2), 0, img, (int) TCS2, 4096);
        // text: the linker's 0xDEADBEEF fill around the (here Java) code
        for (int i = (int) TEXT; i < TEXT + 4096; i += 4) {
            img[i] = (byte) 0xEF;
            img[i + 1] = (byte) 0xBE;
            img[i + 2] = (byte) 0xAD;
            img[i + 3] = (byte) 0xDE;
        }
        img[(int) ENCL_BUFFER] = 1; // encl_buffer = { 1 }: forces it into .data
        return img;
    }

    /** encl_entry / encl_dyn_entry: pick the stack, push the return address, encl_body, EEXIT. */
    private record Entry(boolean dynamic) implements EnclaveProgram {
        @Override
        public void run(EnclaveContext ctx) {
            long base = ctx.base();
            long top = dynamic ? ctx.tcs() - 1 : base + ENCL_STACK + (ctx.tcs() - base);
            long sp = (top & ~0xFL) - 8;
            ctx.writeU64(sp, ctx.rdi()); // the saved frame (push rcx in the bootstrap)
            body(ctx, base, sp & ~63L);
        }
    }

    /** encl_body(rdi): dispatch on the op type; types >= ENCL_OP_MAX are ignored. */
    private static void body(EnclaveContext ctx, long base, long stack) {
        long op = ctx.rdi();
        long type = ctx.readU64(op);
        if (Long.compareUnsigned(type, ENCL_OP_MAX) >= 0) {
            return;
        }
        long secinfo = stack - 64;
        switch ((int) type) {
            case (int) ENCL_OP_PUT_TO_BUFFER -> ctx.writeU64(base + ENCL_BUFFER, ctx.readU64(op + 8));
            case (int) ENCL_OP_GET_FROM_BUFFER -> ctx.writeU64(op + 8, ctx.readU64(base + ENCL_BUFFER));
            case (int) ENCL_OP_PUT_TO_ADDRESS -> ctx.writeU64(ctx.readU64(op + 16), ctx.readU64(op + 8));
            case (int) ENCL_OP_GET_FROM_ADDRESS -> ctx.writeU64(op + 8, ctx.readU64(ctx.readU64(op + 16)));
            case (int) ENCL_OP_NOP -> {
            }
            case (int) ENCL_OP_EACCEPT -> {
                ctx.write(secinfo, SecInfo.of(ctx.readU64(op + 16)).toByteArray());
                long rax = ctx.eaccept(secinfo, ctx.readU64(op + 8));
                ctx.writeU64(op + 24, rax);
            }
            case (int) ENCL_OP_EMODPE -> {
                ctx.write(secinfo, SecInfo.of(ctx.readU64(op + 16)).toByteArray());
                ctx.emodpe(secinfo, ctx.readU64(op + 8));
            }
            case (int) ENCL_OP_INIT_TCS_PAGE -> {
                byte[] tcs = Tcs.allocate().ossa(ctx.readU64(op + 16)).nssa(1).oentry(ctx.readU64(op + 24))
                        .fslimit(0xFFFFFFFF).gslimit(0xFFFFFFFF).toByteArray();
                ctx.write(ctx.readU64(op + 8), tcs);
            }
            default -> {
            }
        }
    }
}
