/*
 * Can a turn end precisely on Unicorn 2.1 without counted emulation? A UC_HOOK_BLOCK callback
 * that calls uc_emu_stop when another thread has set a flag, against the probe
 * unicorn21-stop-precision.c's check: a loop increments a memory word and a register once per
 * iteration; after every stop the run restarts at RIP; precise stops leave memory word ==
 * register == iterations (a stop that leaves RIP behind work already done repeats it).
 *
 *   cross   uc_emu_stop from the other thread (control: imprecise, as the older probe found)
 *   C hook  the other thread sets a flag every 20 us; the block hook (C) stops when it is set
 *   code    the same with the hook X86Core installs: the machine code below, user data
 *           {int32 request; int32 pad; int64 budget; void *uc_emu_stop}
 * each with uc_mem_map_ptr pages (map) and UC_TLB_VIRTUAL + fill hook (vtlb). Then the cost:
 * MIPS of the ecall benchmark's store loop (6 instructions, 4 stores) uncounted, uncounted
 * with the machine-code hook (never asked to stop), and counted (count = 200000, X86Core's
 * quantum before).
 *
 * Measured on 2.1.4 (2-core VM, 2026-11-22): cross imprecise; C hook and code precise in both
 * modes, RIP = the start of the block whose hook stopped (the block not executed): Unicorn
 * emits the block hook call before gen_tb_start's exit-request check (translator.c), so the
 * stop_request/cpu_exit that uc_emu_stop sets is seen before the block's first instruction,
 * with env->eip synced to the block start for the hook. Store loop (vtlb): ~600 MIPS
 * uncounted, ~540-590 with the hook, ~140-155 counted.
 *
 *   U=/tmp/unicorn-dev/usr  # headers: dpkg-deb -x libunicorn-dev_2.1.4-4_amd64.deb /tmp/unicorn-dev
 *   L=.deps/unicorn/usr/lib/x86_64-linux-gnu   # scripts/fetch-unicorn.sh
 *   gcc -O2 -I$U/include -o /tmp/u21block jsgx-x86/probe/unicorn21-block-hook-stop.c -lpthread \
 *       -L$L -l:libunicorn.so.2 -Wl,-rpath,$L && /tmp/u21block
 * Not part of the build; X86Core's class comment and BENCHMARKS.md's ecall section quote it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <unicorn/unicorn.h>

#define CODE 0x400000ULL
#define DATA 0x401000ULL

static const uint8_t INC_LOOP[] = {
    0x48, 0x8b, 0x0e,             /* mov rcx, [rsi]   (iterations) */
    0x48, 0xff, 0x02,             /* 1: inc qword ptr [rdx] */
    0x48, 0x8b, 0x42, 0x08,       /* mov rax, [rdx + 8] */
    0x48, 0xff, 0xc0,             /* inc rax */
    0x48, 0x89, 0x42, 0x08,       /* mov [rdx + 8], rax */
    0x49, 0xff, 0xc0,             /* inc r8 */
    0x48, 0xff, 0xc9,             /* dec rcx */
    0x75, 0xea,                   /* jnz 1b */
    0xf4};                        /* hlt (the until address) */
static const uint8_t STORE_LOOP[] = {
    0x48, 0x89, 0x0a,       /* mov [rdx], rcx */
    0x48, 0x89, 0x4a, 0x08, /* mov [rdx+8], rcx */
    0x48, 0x89, 0x4a, 0x10, /* mov [rdx+16], rcx */
    0x48, 0x89, 0x4a, 0x18, /* mov [rdx+24], rcx */
    0x48, 0xff, 0xc9,       /* dec rcx */
    0x75, 0xec,             /* jnz loop */
    0xf4};
/* void hook(uc_engine *uc, uint64_t address, uint32_t size, void *user): X86Core's TurnEndHook */
static const uint8_t HOOK_CODE[] = {
    0xf3, 0x0f, 0x1e, 0xfa,       /* endbr64 */
    0x48, 0x83, 0x69, 0x08, 0x01, /* sub qword [rcx+8], 1     budget */
    0x79, 0x0b,                   /* jns ret */
    0x83, 0x39, 0x00,             /* cmp dword [rcx], 0       request */
    0x74, 0x06,                   /* je ret */
    0x48, 0x8b, 0x41, 0x10,       /* mov rax, [rcx+16] */
    0xff, 0xe0,                   /* jmp rax                  uc_emu_stop(uc) */
    0xc3};                        /* ret */

struct turn {
    volatile int32_t request;
    int32_t pad;
    int64_t budget;
    void *stop;
};

enum how { CROSS, C_HOOK, CODE_HOOK };
static const char *HOW[] = {"cross", "C hook", "code"};
static uc_engine *uc;
static volatile int done;
static struct turn turn;
static void *hook_code;

static bool fill(uc_engine *u, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *e, void *user) {
    e->paddr = vaddr & ~0xfffULL;
    e->perms = (vaddr & ~0xfffULL) == CODE ? UC_PROT_READ | UC_PROT_EXEC : UC_PROT_READ | UC_PROT_WRITE;
    return true;
}

static uint64_t stopped_at;
static void c_hook(uc_engine *u, uint64_t address, uint32_t size, void *user) {
    if (((struct turn *)user)->request) {
        stopped_at = address;
        uc_emu_stop(u);
    }
}

static void *other_thread(void *arg) {
    enum how how = *(enum how *)arg;
    while (!done) {
        if (how == CROSS)
            uc_emu_stop(uc);
        else
            turn.request = 1;
        usleep(20);
    }
    return NULL;
}

static uc_engine *open_engine(int vtlb, enum how how, const uint8_t *code, size_t len, uint8_t **mem) {
    uc_engine *u;
    uc_hook h;
    uc_open(UC_ARCH_X86, UC_MODE_64, &u);
    if (vtlb) {
        uc_ctl_tlb_mode(u, UC_TLB_VIRTUAL);
        uc_hook_add(u, &h, UC_HOOK_TLB_FILL, fill, NULL, 1, 0);
    }
    if (how == C_HOOK)
        uc_hook_add(u, &h, UC_HOOK_BLOCK, c_hook, &turn, 1, 0);
    if (how == CODE_HOOK)
        uc_hook_add(u, &h, UC_HOOK_BLOCK, hook_code, &turn, 1, 0);
    *mem = aligned_alloc(4096, 0x2000);
    memset(*mem, 0, 0x2000);
    memcpy(*mem, code, len);
    uc_mem_map_ptr(u, CODE, 0x1000, UC_PROT_READ | UC_PROT_EXEC, *mem);
    uc_mem_map_ptr(u, DATA, 0x1000, UC_PROT_READ | UC_PROT_WRITE, *mem + 0x1000);
    return u;
}

static void precision(int vtlb, enum how how) {
    uint8_t *mem;
    uc = open_engine(vtlb, how, INC_LOOP, sizeof INC_LOOP, &mem);
    uint64_t n = 3000000, rsi = DATA + 0x800, rdx = DATA, rip = CODE, end = CODE + sizeof INC_LOOP - 1, r8 = 0;
    memcpy(mem + 0x1800, &n, 8);
    uc_reg_write(uc, UC_X86_REG_RSI, &rsi);
    uc_reg_write(uc, UC_X86_REG_RDX, &rdx);
    done = 0;
    turn.request = 0;
    pthread_t t;
    pthread_create(&t, NULL, other_thread, &how);
    long runs = 0, off = 0;
    while (rip != end) {
        stopped_at = 0;
        turn.budget = 0; /* stop at the first block boundary once asked */
        uc_err err = uc_emu_start(uc, rip, end, 0, 0);
        if (err != UC_ERR_OK) {
            printf("uc_emu_start: %s\n", uc_strerror(err));
            break;
        }
        turn.request = 0;
        uc_reg_read(uc, UC_X86_REG_RIP, &rip);
        if (stopped_at && rip != stopped_at)
            off++;
        runs++;
    }
    done = 1;
    pthread_join(t, NULL);
    uint64_t inc, plain;
    memcpy(&inc, mem + 0x1000, 8);
    memcpy(&plain, mem + 0x1008, 8);
    uc_reg_read(uc, UC_X86_REG_R8, &r8);
    printf("%-5s %-7s %5ld runs: iterations %lu, memory inc %lu / %lu, register inc %lu%s -> %s\n", vtlb ? "vtlb" : "map",
            HOW[how], runs, (unsigned long)n, (unsigned long)inc, (unsigned long)plain, (unsigned long)r8,
            off ? " (RIP not at the hooked block)" : "",
            inc == n && plain == n && r8 == n && !off ? "precise" : "IMPRECISE");
    uc_close(uc);
    free(mem);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double store_mips(int hook, long count) {
    uint8_t *mem;
    uc_engine *u = open_engine(1, hook ? CODE_HOOK : CROSS, STORE_LOOP, sizeof STORE_LOOP, &mem);
    long iters = 20000000;
    uint64_t rcx = iters, rdx = DATA, rip = CODE, end = CODE + sizeof STORE_LOOP - 1;
    uc_reg_write(u, UC_X86_REG_RCX, &rcx);
    uc_reg_write(u, UC_X86_REG_RDX, &rdx);
    turn.request = 0;
    turn.budget = 1000;
    double t = now();
    while (rip != end) {
        if (uc_emu_start(u, rip, end, 0, count) != UC_ERR_OK)
            exit(1);
        uc_reg_read(u, UC_X86_REG_RIP, &rip);
    }
    double dt = now() - t;
    uc_close(u);
    free(mem);
    return iters * 6 / dt / 1e6;
}

int main(void) {
    unsigned int major, minor;
    uc_version(&major, &minor);
    printf("Unicorn %d.%d, uncounted; stop requests every 20 us\n", major, minor);
    hook_code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(hook_code, HOOK_CODE, sizeof HOOK_CODE);
    mprotect(hook_code, 4096, PROT_READ | PROT_EXEC);
    turn.stop = (void *)uc_emu_stop;
    for (int vtlb = 0; vtlb <= 1; vtlb++)
        for (enum how how = CROSS; how <= CODE_HOOK; how++)
            precision(vtlb, how);
    printf("store loop, vtlb: MIPS uncounted / uncounted + code hook / counted\n");
    for (int rep = 0; rep < 3; rep++)
        printf("  %6.0f %6.0f %6.0f\n", store_mips(0, 0), store_mips(1, 0), store_mips(0, 200000));
    return 0;
}
