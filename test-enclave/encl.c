// SPDX-License-Identifier: Apache-2.0
/*
 * jsgx test enclave: the trusted half of the Linux SGX selftest convention. The bootstrap
 * (bootstrap.S) switches to the enclave stack and calls encl_body(op) with RDI pointing at an
 * operation in untrusted memory; encl_body runs it and returns, and the bootstrap EEXITs.
 *
 * Freestanding and position independent: no libc, no relocations are processed at run time,
 * so every absolute address the linker wrote (link base 0) is an enclave offset that must be
 * rebased by adding __encl_base.
 */
#include <stddef.h>
#include <stdint.h>
#include "defines.h"

/* ENCLU leaf numbers (SDM Vol. 3D, ENCLU). */
#define EACCEPT 5
#define EMODPE  6

/* SECINFO: 64 bytes, 64-byte aligned, only FLAGS used. */
struct sgx_secinfo {
	uint64_t flags;
	uint8_t reserved[56];
} __attribute__((aligned(64)));

/* TCS fields written by ENCL_OP_INIT_TCS_PAGE (offsets from the SDM). */
#define TCS_OSSA     16
#define TCS_NSSA     28
#define TCS_OENTRY   32
#define TCS_FSLIMIT  64
#define TCS_GSLIMIT  68
#define PAGE_SIZE    4096

extern const uint8_t __encl_base[];

/* Two pages: the host reads the first u64; the second is the target of permission tests. */
uint8_t encl_buffer[8192] __attribute__((section(".data.encl_buffer"))) = { 1 };

/* The compiler may emit calls to these even with -ffreestanding. */
void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

static uint64_t enclu(uint64_t leaf, uint64_t rbx, uint64_t rcx)
{
	uint64_t rax = leaf;

	asm volatile(".byte 0x0f, 0x01, 0xd7"	/* ENCLU */
		     : "+a"(rax)
		     : "b"(rbx), "c"(rcx)
		     : "memory");
	return rax;
}

static void op_put_to_buffer(void *p)
{
	struct encl_op_put_to_buf *op = p;

	memcpy(&encl_buffer[0], &op->value, 8);
}

static void op_get_from_buffer(void *p)
{
	struct encl_op_get_from_buf *op = p;

	memcpy(&op->value, &encl_buffer[0], 8);
}

static void op_put_to_address(void *p)
{
	struct encl_op_put_to_addr *op = p;

	memcpy((void *)op->addr, &op->value, 8);
}

static void op_get_from_address(void *p)
{
	struct encl_op_get_from_addr *op = p;

	memcpy(&op->value, (void *)op->addr, 8);
}

static void op_nop(void *p)
{
	(void)p;
}

static void op_eaccept(void *p)
{
	struct encl_op_eaccept *op = p;
	struct sgx_secinfo secinfo = { .flags = op->flags };

	op->ret = enclu(EACCEPT, (uint64_t)&secinfo, op->epc_addr);
}

static void op_emodpe(void *p)
{
	struct encl_op_emodpe *op = p;
	struct sgx_secinfo secinfo = { .flags = op->flags };

	enclu(EMODPE, (uint64_t)&secinfo, op->epc_addr);
}

/* A TCS image for a page that will become a TCS through EDMM (MODIFY_TYPES + EACCEPT). */
static void op_init_tcs_page(void *p)
{
	struct encl_op_init_tcs_page *op = p;
	uint8_t *tcs = (uint8_t *)op->tcs_page;
	uint32_t nssa = 1, limit = 0xFFFFFFFF;

	memset(tcs, 0, PAGE_SIZE);
	memcpy(tcs + TCS_OSSA, &op->ssa, 8);
	memcpy(tcs + TCS_NSSA, &nssa, 4);
	memcpy(tcs + TCS_OENTRY, &op->entry, 8);
	memcpy(tcs + TCS_FSLIMIT, &limit, 4);
	memcpy(tcs + TCS_GSLIMIT, &limit, 4);
}

typedef void (*encl_op_t)(void *);

/* Link-time addresses (= enclave offsets, link base 0): rebased before the call. */
static const encl_op_t encl_op_array[ENCL_OP_MAX] = {
	op_put_to_buffer,
	op_get_from_buffer,
	op_put_to_address,
	op_get_from_address,
	op_nop,
	op_eaccept,
	op_emodpe,
	op_init_tcs_page,
};

void encl_body(void *rdi, void *rsi)
{
	struct encl_op_header *header = rdi;
	encl_op_t op;

	(void)rsi;
	if (header->type >= ENCL_OP_MAX)
		return;
	op = (encl_op_t)((uintptr_t)__encl_base + (uintptr_t)encl_op_array[header->type]);
	op(header);
}
