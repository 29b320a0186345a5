/*
 * Does uc_emu_stop inside a UC_HOOK_INSN callback stop at the instruction on Unicorn 2.1 when
 * emulation runs uncounted? Three `inc rbx`, the hooked instruction (CPUID, SYSCALL, IN, OUT,
 * RDTSC), three more `inc rbx`, hlt: a precise stop leaves RBX = 3.
 * Then X86Core's remedy for uncounted runs: the CPUID hook saves the CPU context
 * (uc_context_save), flushes the TLB and from then on the fill hook sends every access to an
 * unmapped page, then stops; after uc_emu_start returns the context is restored. The code
 * after CPUID stores twice and clears XMM0: none of it may remain.
 *
 * Measured on 2.1.4: counted, every stop is precise (RIP after the instruction, RBX = 3).
 * Uncounted, only SYSCALL (which ends its block) is; after CPUID, IN, OUT and RDTSC the rest of
 * the block runs (RBX = 6): the stop is checked only at the next block's start. The remedy
 * gives RIP at CPUID, RBX = 3, XMM0 unchanged and no store made.
 *
 *   U=/tmp/unicorn-dev/usr  # headers: dpkg-deb -x libunicorn-dev_2.1.4-4_amd64.deb /tmp/unicorn-dev
 *   L=.deps/unicorn/usr/lib/x86_64-linux-gnu   # scripts/fetch-unicorn.sh
 *   gcc -O2 -I$U/include -o /tmp/u21insn jsgx-x86/probe/unicorn21-insn-hook-stop.c \
 *       -L$L -l:libunicorn.so.2 -Wl,-rpath,$L && /tmp/u21insn
 * Not part of the build; X86Core.undefined()'s comment quotes it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#define CODE 0x400000ULL
#define DATA 0x401000ULL
#define HOLE (1ULL << 47)

static uint64_t hook_rip;
static int cpuid_cb(uc_engine *uc, void *u) {
    uc_reg_read(uc, UC_X86_REG_RIP, &hook_rip);
    uc_emu_stop(uc);
    return 1;
}
static void void_cb(uc_engine *uc, void *u) {
    uc_reg_read(uc, UC_X86_REG_RIP, &hook_rip);
    uc_emu_stop(uc);
}
static uint32_t in_cb(uc_engine *uc, uint32_t port, int size, void *u) {
    uc_reg_read(uc, UC_X86_REG_RIP, &hook_rip);
    uc_emu_stop(uc);
    return 0;
}
static void out_cb(uc_engine *uc, uint32_t port, int size, uint32_t v, void *u) {
    uc_reg_read(uc, UC_X86_REG_RIP, &hook_rip);
    uc_emu_stop(uc);
}

static void stop_in_block(const char *name, const uint8_t *insn, int insn_id, void *cb, long count) {
    uc_engine *uc;
    uc_hook h;
    uint8_t code[32];
    int n = 0;
    for (int i = 0; i < 3; i++) {
        code[n++] = 0x48, code[n++] = 0xff, code[n++] = 0xc3; /* inc rbx */
    }
    code[n++] = insn[0], code[n++] = insn[1];
    for (int i = 0; i < 3; i++) {
        code[n++] = 0x48, code[n++] = 0xff, code[n++] = 0xc3;
    }
    code[n++] = 0xf4;
    uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
    uint8_t *mem = aligned_alloc(4096, 4096);
    memset(mem, 0x90, 4096);
    memcpy(mem, code, n);
    uc_mem_map_ptr(uc, CODE, 0x1000, UC_PROT_ALL, mem);
    uc_hook_add(uc, &h, UC_HOOK_INSN, cb, NULL, 1, 0, insn_id);
    uint64_t rbx = 0, rip;
    hook_rip = 0;
    uc_emu_start(uc, CODE, CODE + n - 1, 0, count);
    uc_reg_read(uc, UC_X86_REG_RIP, &rip);
    uc_reg_read(uc, UC_X86_REG_RBX, &rbx);
    printf("%-8s %-9s hook RIP=+%ld, after the run RIP=+%ld RBX=%lu -> %s\n", name, count ? "counted" : "uncounted",
            (long)(hook_rip - CODE), (long)(rip - CODE), (unsigned long)rbx, rbx == 3 ? "precise" : "IMPRECISE");
    uc_close(uc);
    free(mem);
}

static int frozen;
static uc_context *saved;
static bool fill(uc_engine *u, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *e, void *user) {
    e->paddr = frozen ? HOLE : vaddr & ~0xfffULL;
    e->perms = (vaddr & ~0xfffULL) == CODE ? UC_PROT_READ | UC_PROT_EXEC : UC_PROT_READ | UC_PROT_WRITE;
    return true;
}
static bool hole(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *user) {
    return false;
}
static int cpuid_freeze(uc_engine *uc, void *u) {
    uc_context_save(uc, saved);
    frozen = 1;
    uc_ctl_flush_tlb(uc);
    uc_emu_stop(uc);
    return 1;
}

static void remedy(void) {
    /* mov [rdx+16], rcx (fills the data page's TLB entry); inc rbx x2; cpuid; mov [rdx], rcx;
       pxor xmm0, xmm0; inc rbx; mov [rdx+8], rcx; hlt */
    static const uint8_t code[] = {0x48, 0x89, 0x4a, 0x10, 0x48, 0xff, 0xc3, 0x48, 0xff, 0xc3, 0x0f, 0xa2,
        0x48, 0x89, 0x0a, 0x66, 0x0f, 0xef, 0xc0, 0x48, 0xff, 0xc3, 0x48, 0x89, 0x4a, 0x08, 0xf4};
    uc_engine *uc;
    uc_hook h;
    uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
    uc_ctl_tlb_mode(uc, UC_TLB_VIRTUAL);
    uc_hook_add(uc, &h, UC_HOOK_TLB_FILL, fill, NULL, 1, 0);
    uc_hook_add(uc, &h, UC_HOOK_MEM_INVALID, hole, NULL, HOLE, HOLE + 0xfff);
    uc_hook_add(uc, &h, UC_HOOK_INSN, cpuid_freeze, NULL, 1, 0, UC_X86_INS_CPUID);
    uc_context_alloc(uc, &saved);
    uint8_t *mem = aligned_alloc(4096, 0x2000);
    memset(mem, 0, 0x2000);
    memcpy(mem, code, sizeof code);
    uc_mem_map_ptr(uc, CODE, 0x1000, UC_PROT_READ | UC_PROT_EXEC, mem);
    uc_mem_map_ptr(uc, DATA, 0x1000, UC_PROT_READ | UC_PROT_WRITE, mem + 0x1000);
    uint64_t rcx = 0x1122334455667788ULL, rdx = DATA, rbx = 0, rip, xmm[2] = {7, 7};
    uc_reg_write(uc, UC_X86_REG_RCX, &rcx);
    uc_reg_write(uc, UC_X86_REG_RDX, &rdx);
    uc_reg_write(uc, UC_X86_REG_XMM0, xmm);
    frozen = 0;
    uc_err err = uc_emu_start(uc, CODE, CODE + sizeof code - 1, 0, 0);
    uc_context_restore(uc, saved);
    frozen = 0;
    uc_ctl_flush_tlb(uc);
    uc_reg_read(uc, UC_X86_REG_RIP, &rip);
    uc_reg_read(uc, UC_X86_REG_RBX, &rbx);
    uc_reg_read(uc, UC_X86_REG_XMM0, xmm);
    uint64_t w0, w1, w2;
    memcpy(&w0, mem + 0x1000, 8);
    memcpy(&w1, mem + 0x1008, 8);
    memcpy(&w2, mem + 0x1010, 8);
    printf("remedy   uncounted run ends with %s; restored RIP=+%ld RBX=%lu XMM0=%lu,%lu; stores after CPUID %s "
           "(before it: %s) -> %s\n",
            uc_strerror(err), (long)(rip - CODE), (unsigned long)rbx, (unsigned long)xmm[0], (unsigned long)xmm[1],
            w0 || w1 ? "made" : "not made", w2 == rcx ? "made" : "not made",
            rip == CODE + 10 && rbx == 2 && xmm[0] == 7 && !w0 && !w1 && w2 == rcx ? "precise" : "IMPRECISE");
    uc_context_free(saved);
    uc_close(uc);
    free(mem);
}

int main(void) {
    static const uint8_t cpuid[] = {0x0f, 0xa2}, sys[] = {0x0f, 0x05}, in[] = {0xe4, 0x10}, out[] = {0xe6, 0x10},
                         rdtsc[] = {0x0f, 0x31};
    unsigned int major, minor;
    uc_version(&major, &minor);
    printf("Unicorn %d.%d: the hooked instruction at +9\n", major, minor);
    for (int counted = 0; counted <= 1; counted++) {
        long count = counted ? 200000 : 0;
        stop_in_block("cpuid", cpuid, UC_X86_INS_CPUID, cpuid_cb, count);
        stop_in_block("syscall", sys, UC_X86_INS_SYSCALL, void_cb, count);
        stop_in_block("in", in, UC_X86_INS_IN, in_cb, count);
        stop_in_block("out", out, UC_X86_INS_OUT, out_cb, count);
        stop_in_block("rdtsc", rdtsc, UC_X86_INS_RDTSC, void_cb, count);
    }
    remedy();
    return 0;
}
