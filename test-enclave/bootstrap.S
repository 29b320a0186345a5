/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsgx test enclave bootstrap: the two TCS pages, the SSA frames and stacks, and the entry
 * point EENTER jumps to. On EENTER, RBX holds the TCS address and RCX the address of the
 * instruction after EENTER, where EEXIT must return.
 */
	.macro ENCLU
	.byte 0x0f, 0x01, 0xd7
	.endm

	/* One TCS (SDM layout); the CPU owns STATE, CSSA and AEP. */
	.macro TCS ssa
	.quad	0		/* STATE */
	.quad	0		/* FLAGS */
	.quad	\ssa		/* OSSA: enclave offset of the SSA frames */
	.long	0		/* CSSA */
	.long	1		/* NSSA */
	.quad	encl_entry	/* OENTRY */
	.quad	0		/* AEP */
	.quad	0		/* OFSBASE */
	.quad	0		/* OGSBASE */
	.long	0xFFFFFFFF	/* FSLIMIT */
	.long	0xFFFFFFFF	/* GSLIMIT */
	.fill	4024, 1, 0	/* reserved */
	.endm

	.section ".tcs", "aw"
	.balign	4096
	TCS	encl_ssa_tcs1
	TCS	encl_ssa_tcs2

	.text
	.global encl_entry
	.type	encl_entry, @function
encl_entry:
	/* Each static TCS has its own stack page: TCS#n uses encl_stack + (TCS offset). */
	lea	__encl_base(%rip), %rax
	mov	%rbx, %rdx
	sub	%rax, %rdx
	lea	encl_stack(%rip), %rax
	add	%rdx, %rax
	jmp	encl_entry_core

	/* A TCS made at run time (EDMM): its stack is the page just below the TCS. */
	.global encl_dyn_entry
	.type	encl_dyn_entry, @function
encl_dyn_entry:
	mov	%rbx, %rax

encl_entry_core:
	xchg	%rsp, %rax	/* RAX = untrusted RSP */
	push	%rax
	push	%rcx		/* where EEXIT returns */
	call	encl_body	/* encl_body(RDI = op, RSI) */
	pop	%rbx		/* EEXIT target */
	pop	%rax
	mov	%rax, %rsp
	mov	$4, %rax	/* EEXIT */
	ENCLU

	.section ".data", "aw"
	.balign	4096
	.global	encl_ssa_tcs1
encl_ssa_tcs1:
	.space	4096
	.global	encl_ssa_tcs2
encl_ssa_tcs2:
	.space	4096
	/* Stack page of TCS#1 ends at encl_stack; the page after it is TCS#2's. */
	.balign	4096
	.space	4096
	.global	encl_stack
encl_stack:
	.space	4096
