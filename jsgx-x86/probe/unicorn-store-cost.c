/*
 * What bounds the x86 engine's store-heavy loop: raw Unicorn, no Java. Runs the loop of
 * test-enclave/other (op_loop_store: four 8-byte stores, dec, jnz) and a register loop
 * (add, dec, jnz) uncounted and counted, with guest paging off (the engine's set-up) and on.
 *
 *   gcc -O2 -o /tmp/unicorn-store-cost unicorn-store-cost.c -lunicorn && /tmp/unicorn-store-cost
 *
 * Not part of the build (needs gcc and libunicorn-dev); BENCHMARKS.md's ecall section quotes it. Prints million instructions per second per case and the nanoseconds
 * one store adds over a register instruction.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#define CODE 0x400000ULL /* linear = Unicorn address of the code page */
#define DATA 0x401000ULL
#define TABLES 0x100000ULL /* PML4, PDPT, PD, PT when paging is on */

static const uint8_t STORE_LOOP[] = {
    0x48, 0x89, 0x0a,       /* mov [rdx], rcx */
    0x48, 0x89, 0x4a, 0x08, /* mov [rdx+8], rcx */
    0x48, 0x89, 0x4a, 0x10, /* mov [rdx+16], rcx */
    0x48, 0x89, 0x4a, 0x18, /* mov [rdx+24], rcx */
    0x48, 0xff, 0xc9,       /* dec rcx */
    0x75, 0xec,             /* jnz loop */
    0xf4};                  /* hlt (the until address) */
static const uint8_t REG_LOOP[] = {
    0x48, 0x01, 0xc8, /* add rax, rcx */
    0x48, 0xff, 0xc9, /* dec rcx */
    0x75, 0xf8,       /* jnz loop */
    0xf4};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* 4-level tables mapping CODE and DATA (one PT covers both); PTE frames = linear addresses. */
static void paging_on(uc_engine *uc, uint8_t *tables) {
    uint64_t *pml4 = (uint64_t *)tables, *pdpt = pml4 + 512, *pd = pdpt + 512, *pt = pd + 512;
    pml4[0] = (TABLES + 0x1000) | 7;
    pdpt[0] = (TABLES + 0x2000) | 7;
    pd[CODE >> 21 & 511] = (TABLES + 0x3000) | 7;
    pt[CODE >> 12 & 511] = CODE | 0x25;     /* P, U, A: read + execute */
    pt[DATA >> 12 & 511] = DATA | 0x67;     /* P, W, U, A, D */
    uint64_t cr4 = 0x20, cr3 = TABLES, cr0;
    uc_reg_write(uc, UC_X86_REG_CR4, &cr4); /* PAE */
    uc_reg_write(uc, UC_X86_REG_CR3, &cr3);
    uc_reg_read(uc, UC_X86_REG_CR0, &cr0);
    cr0 |= 0x80010000; /* PG, WP */
    uc_reg_write(uc, UC_X86_REG_CR0, &cr0);
}

static double mips(const uint8_t *code, size_t len, long iters, int per_iter, int paging, long count) {
    uc_engine *uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) {
        fprintf(stderr, "uc_open failed\n");
        exit(1);
    }
    uint8_t *mem = aligned_alloc(4096, 0x2000), *tables = aligned_alloc(4096, 0x4000);
    memset(mem, 0, 0x2000);
    memset(tables, 0, 0x4000);
    memcpy(mem, code, len);
    uc_mem_map_ptr(uc, CODE, 0x1000, UC_PROT_READ | UC_PROT_EXEC, mem);
    uc_mem_map_ptr(uc, DATA, 0x1000, UC_PROT_READ | UC_PROT_WRITE, mem + 0x1000);
    if (paging) {
        uc_mem_map_ptr(uc, TABLES, 0x4000, UC_PROT_READ | UC_PROT_WRITE, tables);
        paging_on(uc, tables);
    }
    uint64_t rcx = iters, rdx = DATA, rip = CODE, end = CODE + len - 1;
    uc_reg_write(uc, UC_X86_REG_RCX, &rcx);
    uc_reg_write(uc, UC_X86_REG_RDX, &rdx);
    double t = now();
    for (int calls = 0; rip != end && calls < 100000; calls++) { /* counted runs stop every `count` */
        if (uc_emu_start(uc, rip, end, 0, count) != UC_ERR_OK) {
            fprintf(stderr, "uc_emu_start failed at 0x%lx\n", (unsigned long)rip);
            exit(1);
        }
        uc_reg_read(uc, UC_X86_REG_RIP, &rip);
    }
    double dt = now() - t;
    uc_close(uc);
    free(mem);
    free(tables);
    return iters * per_iter / dt / 1e6;
}

int main(void) {
    unsigned int major, minor;
    uc_version(&major, &minor);
    printf("Unicorn %d.%d\n", major, minor);
    printf("%-8s %-10s %-12s %10s %10s\n", "paging", "count", "", "reg MIPS", "store MIPS");
    for (int paging = 0; paging <= 1; paging++) {
        for (int counted = 0; counted <= 1; counted++) {
            long count = counted ? 200000 : 0;
            double reg = mips(REG_LOOP, sizeof REG_LOOP, 30000000, 3, paging, count);
            double st = mips(STORE_LOOP, sizeof STORE_LOOP, 2000000, 6, paging, count);
            /* an iteration of the store loop = 2 register-like instructions + 4 stores */
            double ns_store = (6e3 / st - 2e3 / reg) / 4;
            printf("%-8s %-10s %-12s %10.0f %10.1f   (%.0f ns per store)\n", paging ? "on" : "off",
                    counted ? "200000" : "0", counted ? "(counted)" : "(uncounted)", reg, st, ns_store);
        }
    }
    return 0;
}
