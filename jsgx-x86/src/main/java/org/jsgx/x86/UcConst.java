package org.jsgx.x86;

/**
 * The numeric values of Unicorn 2's C enums that the engine uses, copied from
 * {@code unicorn/unicorn.h} and {@code unicorn/x86.h} of the 2.0.1 headers (printed by a C
 * program compiled against them, not guessed); the 2.1-only ones (virtual TLB) from the 2.1.4
 * headers the same way. The names are the C names.
 */
final class UcConst {
    private UcConst() {
    }

    // uc_arch / uc_mode
    static final int UC_ARCH_X86 = 4;
    static final int UC_MODE_64 = 1 << 3;

    // uc_err
    static final int UC_ERR_OK = 0;
    static final int UC_ERR_READ_UNMAPPED = 6;
    static final int UC_ERR_WRITE_UNMAPPED = 7;
    static final int UC_ERR_FETCH_UNMAPPED = 8;
    static final int UC_ERR_INSN_INVALID = 10;
    static final int UC_ERR_WRITE_PROT = 12;
    static final int UC_ERR_READ_PROT = 13;
    static final int UC_ERR_FETCH_PROT = 14;
    static final int UC_ERR_EXCEPTION = 21;

    // uc_mem_type
    static final int UC_MEM_READ = 16;
    static final int UC_MEM_WRITE = 17;
    static final int UC_MEM_FETCH = 18;
    static final int UC_MEM_READ_UNMAPPED = 19;
    static final int UC_MEM_WRITE_UNMAPPED = 20;
    static final int UC_MEM_FETCH_UNMAPPED = 21;
    static final int UC_MEM_WRITE_PROT = 22;
    static final int UC_MEM_READ_PROT = 23;
    static final int UC_MEM_FETCH_PROT = 24;

    // uc_hook_type
    static final int UC_HOOK_INTR = 1;
    static final int UC_HOOK_INSN = 1 << 1;
    static final int UC_HOOK_CODE = 1 << 2;
    static final int UC_HOOK_BLOCK = 1 << 3;
    static final int UC_HOOK_MEM_READ_UNMAPPED = 1 << 4;
    static final int UC_HOOK_MEM_WRITE_UNMAPPED = 1 << 5;
    static final int UC_HOOK_MEM_FETCH_UNMAPPED = 1 << 6;
    static final int UC_HOOK_MEM_READ_PROT = 1 << 7;
    static final int UC_HOOK_MEM_WRITE_PROT = 1 << 8;
    static final int UC_HOOK_MEM_FETCH_PROT = 1 << 9;
    static final int UC_HOOK_INSN_INVALID = 1 << 14;
    /** Unicorn 2.1: asked for every TLB miss in UC_TLB_VIRTUAL mode. */
    static final int UC_HOOK_TLB_FILL = 1 << 17;
    /** Every unmapped and protection event. */
    static final int UC_HOOK_MEM_INVALID = UC_HOOK_MEM_READ_UNMAPPED | UC_HOOK_MEM_WRITE_UNMAPPED
            | UC_HOOK_MEM_FETCH_UNMAPPED | UC_HOOK_MEM_READ_PROT | UC_HOOK_MEM_WRITE_PROT | UC_HOOK_MEM_FETCH_PROT;

    // uc_prot
    static final int UC_PROT_NONE = 0;
    static final int UC_PROT_READ = 1;
    static final int UC_PROT_WRITE = 2;
    static final int UC_PROT_EXEC = 4;

    // uc_ctl: UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2) and UC_CTL_WRITE(UC_CTL_TB_FLUSH, 0)
    static final int UC_CTL_TB_REMOVE_CACHE_W = 0x4800_0009;
    static final int UC_CTL_TB_FLUSH_W = 0x4000_000A;
    // Unicorn 2.1: UC_CTL_WRITE(UC_CTL_TLB_FLUSH, 0), UC_CTL_WRITE(UC_CTL_TLB_TYPE, 1), uc_tlb_type
    static final int UC_CTL_TLB_FLUSH_W = 0x4000_000B;
    static final int UC_CTL_TLB_TYPE_W = 0x4400_000C;
    static final int UC_TLB_VIRTUAL = 1;

    // uc_x86_reg
    static final int UC_X86_REG_RAX = 35;
    static final int UC_X86_REG_RBP = 36;
    static final int UC_X86_REG_RBX = 37;
    static final int UC_X86_REG_RCX = 38;
    static final int UC_X86_REG_RDI = 39;
    static final int UC_X86_REG_RDX = 40;
    static final int UC_X86_REG_RIP = 41;
    static final int UC_X86_REG_RSI = 43;
    static final int UC_X86_REG_RSP = 44;
    static final int UC_X86_REG_CR2 = 52;
    static final int UC_X86_REG_R8 = 106;
    static final int UC_X86_REG_R9 = 107;
    static final int UC_X86_REG_R10 = 108;
    static final int UC_X86_REG_R11 = 109;
    static final int UC_X86_REG_R12 = 110;
    static final int UC_X86_REG_R13 = 111;
    static final int UC_X86_REG_R14 = 112;
    static final int UC_X86_REG_R15 = 113;
    static final int UC_X86_REG_FS_BASE = 250;
    static final int UC_X86_REG_GS_BASE = 251;
    static final int UC_X86_REG_RFLAGS = 253;

    // uc_x86_insn (for UC_HOOK_INSN)
    static final int UC_X86_INS_CPUID = 113;
    static final int UC_X86_INS_IN = 218;
    static final int UC_X86_INS_OUT = 500;
    static final int UC_X86_INS_SYSCALL = 699;
    static final int UC_X86_INS_SYSENTER = 700;
    static final int UC_X86_INS_RDTSC = 608;
}
