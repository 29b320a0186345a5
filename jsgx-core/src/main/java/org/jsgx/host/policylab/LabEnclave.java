package org.jsgx.host.policylab;

import java.util.Map;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.Tcs;
import org.jsgx.engine.EnclaveContext;
import org.jsgx.engine.JavaEnclaveEngine;

/**
 * The lab's enclave: one TCS, a text page, a data page (stack and scratch), an SSA page, a
 * page for generated code and room for pages added after EINIT. Its code (in Java) runs the op
 * that RDI points to: {@code struct { u64 type, a, b, c, out; }} in untrusted memory.
 */
final class LabEnclave {
    static final long TCS = 0x0000, TEXT = 0x1000, DATA = 0x2000, SSA = 0x3000, GEN = 0x4000, DYN = 0x5000;
    static final long SIZE = 0x8000;
    static final long OP_NOP = 0, OP_EXEC = 1, OP_WRITE = 2, OP_EACCEPT = 3, OP_EMODPE = 4, OP_EACCEPTCOPY = 5;

    private LabEnclave() {
    }

    static byte[] tcs() {
        return Tcs.allocate().ossa(SSA).nssa(1).oentry(TEXT).fslimit(0xFFFFFFFF).gslimit(0xFFFFFFFF).toByteArray();
    }

    /** Page contents: code pages carry a recognisable pattern (the code itself is Java). */
    static byte[] code(int seed) {
        byte[] b = new byte[4096];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (0x90 ^ seed ^ i);
        }
        return b;
    }

    static JavaEnclaveEngine engine() {
        return new JavaEnclaveEngine(Map.of(TEXT, LabEnclave::body));
    }

    private static void body(EnclaveContext ctx) {
        long op = ctx.rdi();
        long type = ctx.readU64(op), a = ctx.readU64(op + 8), b = ctx.readU64(op + 16), c = ctx.readU64(op + 24);
        long secinfo = ctx.base() + DATA + 0x800;
        long out = 0;
        switch ((int) type) {
            case (int) OP_EXEC -> out = ctx.fetch(a, 16)[0] & 0xff;
            case (int) OP_WRITE -> ctx.write(a, org.jsgx.cpu.Bytes.le64(b));
            case (int) OP_EACCEPT -> {
                ctx.write(secinfo, SecInfo.of(b).toByteArray());
                out = ctx.eaccept(secinfo, a);
            }
            case (int) OP_EMODPE -> {
                ctx.write(secinfo, SecInfo.of(b).toByteArray());
                ctx.emodpe(secinfo, a);
            }
            case (int) OP_EACCEPTCOPY -> {
                ctx.write(secinfo, SecInfo.of(c).toByteArray());
                out = ctx.eacceptcopy(secinfo, a, b);
            }
            default -> {
            }
        }
        ctx.writeU64(op + 32, out);
    }
}
