/*
 * Is uc_emu_stop from another thread precise on Unicorn 2.1 when emulation runs uncounted?
 * One engine runs a loop that increments a memory word and a register once per iteration;
 * a second thread calls uc_emu_stop every 20 us and the main thread restarts at RIP each time.
 * Precise stops leave memory word == register == iterations. On 2.1.4 they do not: the run
 * stops inside a block with RIP at the block start and the block's earlier stores done, so
 * the restart repeats them (the memory word ends above the count). Also with UC_TLB_VIRTUAL.
 *
 *   U=.deps/unicorn/usr   # headers: the libunicorn-dev .deb of the same version, unpacked alike
 *   gcc -O2 -I$U/include -o /tmp/u21stop jsgx-x86/probe/unicorn21-stop-precision.c -lpthread \
 *       -L$U/lib/x86_64-linux-gnu -l:libunicorn.so.2 -Wl,-rpath,$U/lib/x86_64-linux-gnu && /tmp/u21stop
 * Not part of the build; X86Core's class comment and BENCHMARKS.md's ecall section quote it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unicorn/unicorn.h>

#define CODE 0x400000ULL
#define DATA 0x401000ULL

static const uint8_t LOOP[] = {
    0x48, 0x8b, 0x0e,             /* mov rcx, [rsi]   (iterations) */
    0x48, 0xff, 0x02,             /* 1: inc qword ptr [rdx] */
    0x48, 0x8b, 0x42, 0x08,       /* mov rax, [rdx + 8] */
    0x48, 0xff, 0xc0,             /* inc rax */
    0x48, 0x89, 0x42, 0x08,       /* mov [rdx + 8], rax */
    0x49, 0xff, 0xc0,             /* inc r8 */
    0x48, 0xff, 0xc9,             /* dec rcx */
    0x75, 0xea,                   /* jnz 1b */
    0xf4};                        /* hlt (the until address) */

static uc_engine *uc;
static volatile int done;

static bool fill(uc_engine *u, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *e, void *user) {
    e->paddr = vaddr & ~0xfffULL;
    e->perms = (vaddr & ~0xfffULL) == CODE ? UC_PROT_READ | UC_PROT_EXEC : UC_PROT_READ | UC_PROT_WRITE;
    return true;
}

static void *stopper(void *arg) {
    while (!done) {
        uc_emu_stop(uc);
        usleep(20);
    }
    return NULL;
}

static void run(int vtlb) {
    uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
    if (vtlb) {
        uc_hook h;
        uc_ctl_tlb_mode(uc, UC_TLB_VIRTUAL);
        uc_hook_add(uc, &h, UC_HOOK_TLB_FILL, fill, NULL, 1, 0);
    }
    uint8_t *mem = aligned_alloc(4096, 0x2000);
    memset(mem, 0, 0x2000);
    memcpy(mem, LOOP, sizeof LOOP);
    uc_mem_map_ptr(uc, CODE, 0x1000, UC_PROT_READ | UC_PROT_EXEC, mem);
    uc_mem_map_ptr(uc, DATA, 0x1000, UC_PROT_READ | UC_PROT_WRITE, mem + 0x1000);
    uint64_t n = 3000000, rsi = DATA + 0x800, rdx = DATA, rip = CODE, end = CODE + sizeof LOOP - 1, r8 = 0;
    memcpy(mem + 0x1800, &n, 8);
    uc_reg_write(uc, UC_X86_REG_RSI, &rsi);
    uc_reg_write(uc, UC_X86_REG_RDX, &rdx);
    done = 0;
    pthread_t t;
    pthread_create(&t, NULL, stopper, NULL);
    long runs = 0;
    while (rip != end) {
        uc_err err = uc_emu_start(uc, rip, end, 0, 0);
        if (err != UC_ERR_OK) {
            printf("uc_emu_start: %s\n", uc_strerror(err));
            break;
        }
        uc_reg_read(uc, UC_X86_REG_RIP, &rip);
        runs++;
    }
    done = 1;
    pthread_join(t, NULL);
    uint64_t inc, plain;
    memcpy(&inc, mem + 0x1000, 8);
    memcpy(&plain, mem + 0x1008, 8);
    uc_reg_read(uc, UC_X86_REG_R8, &r8);
    printf("%-5s %ld runs: iterations %lu, memory inc %lu, register inc %lu -> %s\n", vtlb ? "vtlb" : "map", runs,
            (unsigned long)n, (unsigned long)inc, (unsigned long)r8, inc == n && r8 == n ? "precise" : "IMPRECISE");
    uc_close(uc);
    free(mem);
}

int main(void) {
    unsigned int major, minor;
    uc_version(&major, &minor);
    printf("Unicorn %d.%d, uncounted, uc_emu_stop from another thread every 20 us\n", major, minor);
    run(0);
    run(1);
    return 0;
}
