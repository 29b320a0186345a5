package org.jsgx.cpu;

/**
 * The architectural register file of one logical processor, as far as SGX reads or writes it
 * (the x86 engine syncs its own registers with this on every ENCLU and AEX).
 */
public final class Registers {
    public long rax, rbx, rcx, rdx, rsp, rbp, rsi, rdi;
    public long r8, r9, r10, r11, r12, r13, r14, r15;
    public long rip;
    public long rflags = 0x2;
    public long fsBase, gsBase;

    public static final long CF = 1L, PF = 1L << 2, AF = 1L << 4, ZF = 1L << 6, SF = 1L << 7,
            TF = 1L << 8, IF = 1L << 9, DF = 1L << 10, OF = 1L << 11, RF = 1L << 16;
    /** Flags every status-returning leaf clears or sets. */
    static final long STATUS_FLAGS = CF | PF | AF | ZF | SF | OF;

    /** Leaf epilogue: RAX = status, ZF/CF per status, PF/AF/OF/SF cleared. */
    void status(SgxStatus s) {
        rax = s.code();
        rflags = (rflags & ~STATUS_FLAGS) | s.statusFlags;
    }

    public boolean zf() {
        return (rflags & ZF) != 0;
    }

    public boolean cf() {
        return (rflags & CF) != 0;
    }

    /** GPRs in GPRSGX order: RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15. */
    public long[] gprs() {
        long[] v = new long[16];
        gprsInto(v);
        return v;
    }

    /** The 16 GPRs in GPRSGX order into {@code v[0..15]} (an array the caller reuses). */
    public void gprsInto(long[] v) {
        v[0] = rax;
        v[1] = rcx;
        v[2] = rdx;
        v[3] = rbx;
        v[4] = rsp;
        v[5] = rbp;
        v[6] = rsi;
        v[7] = rdi;
        v[8] = r8;
        v[9] = r9;
        v[10] = r10;
        v[11] = r11;
        v[12] = r12;
        v[13] = r13;
        v[14] = r14;
        v[15] = r15;
    }

    public void gprs(long[] v) {
        rax = v[0];
        rcx = v[1];
        rdx = v[2];
        rbx = v[3];
        rsp = v[4];
        rbp = v[5];
        rsi = v[6];
        rdi = v[7];
        r8 = v[8];
        r9 = v[9];
        r10 = v[10];
        r11 = v[11];
        r12 = v[12];
        r13 = v[13];
        r14 = v[14];
        r15 = v[15];
    }
}
