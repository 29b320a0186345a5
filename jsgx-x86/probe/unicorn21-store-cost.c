/*
 * Store-heavy loop on Unicorn 2.1.x, no Java: does any mapping mode reach the engine's
 * 300 MIPS target, and are memory faults precise without counted emulation?
 *
 * Cases (guest paging off, as the engine runs):
 *   map_ptr   one uc_mem_map_ptr region per page, code RX / data RW (the engine's set-up)
 *   vtlb      UC_TLB_VIRTUAL: one region for all pages, a UC_HOOK_TLB_FILL callback answers
 *             linear address -> physical page + permissions (data pages get no EXEC)
 * each counted (count > 0, as the engine runs) and uncounted.
 * Then fault precision: `inc rbx` x3 then a store (or load) into a page the mapping forbids,
 * uncounted, reading RIP and RBX in the fault hook and after uc_emu_start returns, and
 * whether the faulting store reached memory.
 *
 * Needs Unicorn >= 2.1: the library from scripts/fetch-unicorn.sh, the headers from Debian's
 * libunicorn-dev .deb of the same version unpacked alike (dpkg-deb -x ... .deps/unicorn):
 *   U=.deps/unicorn/usr
 *   gcc -O2 -I$U/include -o /tmp/u21 jsgx-x86/probe/unicorn21-store-cost.c \
 *       -L$U/lib/x86_64-linux-gnu -l:libunicorn.so.2 -Wl,-rpath,$U/lib/x86_64-linux-gnu && /tmp/u21
 * Not part of the build; BENCHMARKS.md's ecall section quotes it. (A UC_HOOK_MEM_INVALID hook
 * over all addresses, added to these set-ups, brings every case back to ~22 ns per store;
 * limited to one page that is never accessed it costs nothing: X86Core relies on that.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#define CODE 0x400000ULL
#define DATA 0x401000ULL
#define RO 0x402000ULL /* readable only (fault cases) */
#define NONE 0x403000ULL /* no access at all (fault cases) */
#define PHYS 0x10000000ULL /* physical base of the one region in vtlb mode */

static const uint8_t STORE_LOOP[] = {
    0x48, 0x89, 0x0a,       /* mov [rdx], rcx */
    0x48, 0x89, 0x4a, 0x08, /* mov [rdx+8], rcx */
    0x48, 0x89, 0x4a, 0x10, /* mov [rdx+16], rcx */
    0x48, 0x89, 0x4a, 0x18, /* mov [rdx+24], rcx */
    0x48, 0xff, 0xc9,       /* dec rcx */
    0x75, 0xec,             /* jnz loop */
    0xf4};
static const uint8_t REG_LOOP[] = {
    0x48, 0x01, 0xc8, /* add rax, rcx */
    0x48, 0xff, 0xc9, /* dec rcx */
    0x75, 0xf8,       /* jnz loop */
    0xf4};
/* fault cases: three incs, then the access at +9, then a fourth inc */
static const uint8_t STORE_FAULT[] = {0x48, 0xff, 0xc3, 0x48, 0xff, 0xc3, 0x48, 0xff, 0xc3,
    0x48, 0x89, 0x0a, /* mov [rdx], rcx */
    0x48, 0xff, 0xc3, 0xf4};
static const uint8_t LOAD_FAULT[] = {0x48, 0xff, 0xc3, 0x48, 0xff, 0xc3, 0x48, 0xff, 0xc3,
    0x48, 0x8b, 0x0a, /* mov rcx, [rdx] */
    0x48, 0xff, 0xc3, 0xf4};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int fills;

/* linear page -> physical page PHYS + offset, with the page's own permissions */
static bool tlb_fill(uc_engine *uc, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *e, void *user) {
    uint64_t page = vaddr & ~0xfffULL;
    fills++;
    if (page < CODE || page > NONE)
        return false;
    e->paddr = *(int *)user == 2 ? page : PHYS + (page - CODE);
    e->perms = page == CODE ? UC_PROT_READ | UC_PROT_EXEC
            : page == DATA ? UC_PROT_READ | UC_PROT_WRITE
            : page == RO ? UC_PROT_READ
                         : UC_PROT_NONE;
    return true;
}

static uint8_t *mem;
static int mode_of_fill; /* the fill callback's user data: 1 = one region at PHYS, 2 = identity over per-page regions */

static uc_engine *open_engine(int vtlb, const uint8_t *code, size_t len) {
    uc_engine *uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) {
        fprintf(stderr, "uc_open failed\n");
        exit(1);
    }
    mem = aligned_alloc(4096, 0x4000);
    memset(mem, 0, 0x4000);
    memcpy(mem, code, len);
    if (vtlb) {
        uc_hook h;
        if (uc_ctl_tlb_mode(uc, UC_TLB_VIRTUAL) != UC_ERR_OK) {
            fprintf(stderr, "UC_TLB_VIRTUAL refused\n");
            exit(1);
        }
        mode_of_fill = vtlb;
        uc_hook_add(uc, &h, UC_HOOK_TLB_FILL, tlb_fill, &mode_of_fill, 1, 0);
    }
    if (vtlb == 1) {
        uc_mem_map_ptr(uc, PHYS, 0x4000, UC_PROT_ALL, mem);
    } else {
        uc_mem_map_ptr(uc, CODE, 0x1000, UC_PROT_READ | UC_PROT_EXEC, mem);
        uc_mem_map_ptr(uc, DATA, 0x1000, UC_PROT_READ | UC_PROT_WRITE, mem + 0x1000);
        uc_mem_map_ptr(uc, RO, 0x1000, UC_PROT_READ, mem + 0x2000);
        uc_mem_map_ptr(uc, NONE, 0x1000, UC_PROT_NONE, mem + 0x3000);
    }
    return uc;
}

static double mips(const uint8_t *code, size_t len, long iters, int per_iter, int vtlb, long count) {
    uc_engine *uc = open_engine(vtlb, code, len);
    uint64_t rcx = iters, rdx = DATA, rip = CODE, end = CODE + len - 1;
    uc_reg_write(uc, UC_X86_REG_RCX, &rcx);
    uc_reg_write(uc, UC_X86_REG_RDX, &rdx);
    double t = now();
    for (int calls = 0; rip != end && calls < 1000000; calls++) {
        uc_err err = uc_emu_start(uc, rip, end, 0, count);
        if (err != UC_ERR_OK) {
            fprintf(stderr, "uc_emu_start failed at 0x%lx: %s\n", (unsigned long)rip, uc_strerror(err));
            exit(1);
        }
        uc_reg_read(uc, UC_X86_REG_RIP, &rip);
    }
    double dt = now() - t;
    uc_close(uc);
    free(mem);
    return iters * per_iter / dt / 1e6;
}

static uint64_t hook_rip = 0, hook_rbx = 0, intr_rip, intr_cr2;
static int intr_no;

static void on_intr(uc_engine *uc, uint32_t intno, void *user) {
    intr_no = intno;
    uc_reg_read(uc, UC_X86_REG_RIP, &intr_rip);
    uc_reg_read(uc, UC_X86_REG_CR2, &intr_cr2);
    uc_emu_stop(uc);
}

static bool on_fault(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *user) {
    uc_reg_read(uc, UC_X86_REG_RIP, &hook_rip);
    uc_reg_read(uc, UC_X86_REG_RBX, &hook_rbx);
    return false; /* not handled: emulation stops with an error */
}

static void fault(const char *what, const uint8_t *code, size_t len, uint64_t target, int vtlb, long count) {
    uc_engine *uc = open_engine(vtlb, code, len);
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_MEM_INVALID, on_fault, NULL, 1, 0);
    uc_hook_add(uc, &h, UC_HOOK_INTR, on_intr, NULL, 1, 0);
    intr_no = -1;
    intr_rip = intr_cr2 = 0;
    uint64_t rcx = 0x1122334455667788ULL, rdx = target, rbx = 0, rip;
    hook_rip = hook_rbx = 0;
    uc_reg_write(uc, UC_X86_REG_RCX, &rcx);
    uc_reg_write(uc, UC_X86_REG_RDX, &rdx);
    uc_reg_write(uc, UC_X86_REG_RBX, &rbx);
    uc_err err = uc_emu_start(uc, CODE, CODE + len - 1, 0, count);
    uc_reg_read(uc, UC_X86_REG_RIP, &rip);
    uc_reg_read(uc, UC_X86_REG_RBX, &rbx);
    uint64_t word = 0;
    if (target >= CODE && target < CODE + 0x4000)
        memcpy(&word, mem + (target - CODE), 8);
    printf("%-6s %-20s %-9s err=%-20.20s hook RIP=+%-3ld RBX=%ld intr=%d RIP=+%ld CR2=0x%lx after RIP=+%-3ld RBX=%ld landed=%s %s\n",
            vtlb == 2 ? "vtlb+r" : vtlb ? "vtlb" : "map", what, count ? "counted" : "uncounted", uc_strerror(err),
            hook_rip ? (long)(hook_rip - CODE) : -1, (long)hook_rbx, intr_no,
            intr_rip ? (long)(intr_rip - CODE) : -1, (unsigned long)intr_cr2, (long)(rip - CODE), (long)rbx,
            word == rcx ? "yes" : "no",
            rip == CODE + 9 && rbx == 3 && word != rcx ? "PRECISE" : "imprecise");
    uc_close(uc);
    free(mem);
}

int main(void) {
    unsigned int major, minor;
    uc_version(&major, &minor);
    printf("Unicorn %d.%d\n", major, minor);
    printf("%-8s %-12s %10s %10s\n", "mapping", "count", "reg MIPS", "store MIPS");
    for (int vtlb = 0; vtlb <= 2; vtlb++) {
        for (int counted = 0; counted <= 1; counted++) {
            long count = counted ? 200000 : 0;
            fills = 0;
            double reg = mips(REG_LOOP, sizeof REG_LOOP, 30000000, 3, vtlb, count);
            double st = mips(STORE_LOOP, sizeof STORE_LOOP, 10000000, 6, vtlb, count);
            double ns_store = (6e3 / st - 2e3 / reg) / 4;
            printf("%-8s %-12s %10.0f %10.1f   (%.1f ns per store, %d TLB fills)\n", vtlb == 2 ? "vtlb+reg" : vtlb ? "vtlb" : "map_ptr",
                    counted ? "200000" : "uncounted", reg, st, ns_store, fills);
        }
    }
    for (int vtlb = 0; vtlb <= 2; vtlb++) {
        for (int counted = 0; counted <= 1; counted++) {
            long count = counted ? 200000 : 0;
            fault("store to read-only", STORE_FAULT, sizeof STORE_FAULT, RO, vtlb, count);
            fault("store to no-access", STORE_FAULT, sizeof STORE_FAULT, NONE, vtlb, count);
            fault("load from no-access", LOAD_FAULT, sizeof LOAD_FAULT, NONE, vtlb, count);
            fault("store to unmapped", STORE_FAULT, sizeof STORE_FAULT, 0x800000, vtlb, count);
        }
    }
    return 0;
}
