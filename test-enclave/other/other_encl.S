/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A second, independent enclave in the Linux SGX selftest ELF convention, written by hand in
 * assembly only (no compiler, no C runtime). It speaks the selftest's op ABI (RDI points at an
 * op in untrusted memory whose first u64 is the type; ops 0..7 as in defines.h) and adds ops of
 * its own for the engine checks and benchmarks (8..12). Its layout differs from test_encl.elf:
 * three TCSs with two SSA frames each, a three-page buffer and two-page stacks.
 *
 * Everything is position independent: no absolute address is stored anywhere, so nothing has
 * to be relocated inside the enclave (the jump table holds offsets relative to itself).
 */
	.set	NTCS, 3
	.set	STACK_SIZE, 8192
	.set	OP_MAX, 13

	.macro	ENCLU
	.byte	0x0f, 0x01, 0xd7
	.endm

	/* SDM TCS layout; the CPU owns STATE, CSSA and AEP. */
	.macro	TCS ssa
	.quad	0		/* STATE */
	.quad	0		/* FLAGS */
	.quad	\ssa		/* OSSA (enclave offset: linked at 0) */
	.long	0		/* CSSA */
	.long	2		/* NSSA: two frames */
	.quad	entry		/* OENTRY */
	.quad	0		/* AEP */
	.quad	0		/* OFSBASE */
	.quad	0		/* OGSBASE */
	.long	0xFFFFFFFF	/* FSLIMIT */
	.long	0xFFFFFFFF	/* GSLIMIT */
	.fill	4024, 1, 0
	.endm

	/* A zeroed 64-byte SECINFO at RSP (64-aligned by body's prologue). */
	.macro	ZERO_SECINFO
	xor	%eax, %eax
	.irp	o, 0, 8, 16, 24, 32, 40, 48, 56
	mov	%rax, \o(%rsp)
	.endr
	.endm

	.section .tcs, "aw"
	TCS	ssa0
	TCS	ssa1
	TCS	ssa2

	.text
	.global	entry
	.type	entry, @function
/* EENTER: RBX = TCS, RCX = return address. TCS #n (offset n*4096) uses stack n. */
entry:
	lea	__encl_base(%rip), %rax
	mov	%rbx, %rdx
	sub	%rax, %rdx
	shl	$1, %rdx		/* (n * 4096) * 2 = n * STACK_SIZE */
	lea	stacks + STACK_SIZE(%rip), %rax
	add	%rdx, %rax
	jmp	core

	/* A TCS created at run time: its stack is the page below it (selftest convention). */
	.global	encl_dyn_entry
	.type	encl_dyn_entry, @function
encl_dyn_entry:
	mov	%rbx, %rax

core:
	xchg	%rsp, %rax
	push	%rax			/* untrusted RSP */
	push	%rcx			/* EEXIT target */
	call	body
	pop	%rbx
	pop	%rax
	mov	%rax, %rsp
	xor	%ecx, %ecx		/* leave no enclave values in scratch registers */
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	mov	$4, %eax		/* EEXIT */
	ENCLU
	ud2

/* body(RDI = op): dispatch through a self-relative jump table. */
body:
	push	%rbp
	mov	%rsp, %rbp
	sub	$64, %rsp
	and	$-64, %rsp
	mov	(%rdi), %rax
	cmp	$OP_MAX, %rax
	jae	done
	lea	table(%rip), %rdx
	movslq	(%rdx,%rax,4), %rax
	add	%rdx, %rax
	jmp	*%rax
done:
	mov	%rbp, %rsp
	pop	%rbp
	ret

	.balign	4
table:
	.long	op_put_to_buffer - table
	.long	op_get_from_buffer - table
	.long	op_put_to_address - table
	.long	op_get_from_address - table
	.long	done - table		/* NOP */
	.long	op_eaccept - table
	.long	op_emodpe - table
	.long	op_init_tcs_page - table
	.long	op_cpuid - table
	.long	op_loop_compute - table
	.long	op_loop_store - table
	.long	op_heap_grow - table
	.long	op_call - table

op_put_to_buffer:			/* {type, value} */
	mov	8(%rdi), %rax
	mov	%rax, buffer(%rip)
	jmp	done
op_get_from_buffer:			/* {type, value} */
	mov	buffer(%rip), %rax
	mov	%rax, 8(%rdi)
	jmp	done
op_put_to_address:			/* {type, value, addr} */
	mov	16(%rdi), %rdx
	mov	8(%rdi), %rax
	mov	%rax, (%rdx)
	jmp	done
op_get_from_address:			/* {type, value, addr} */
	mov	16(%rdi), %rdx
	mov	(%rdx), %rax
	mov	%rax, 8(%rdi)
	jmp	done
op_eaccept:				/* {type, epc_addr, flags, ret} */
	ZERO_SECINFO
	mov	16(%rdi), %rax
	mov	%rax, (%rsp)
	mov	%rsp, %rbx
	mov	8(%rdi), %rcx
	mov	$5, %eax		/* EACCEPT */
	ENCLU
	mov	%rax, 24(%rdi)
	jmp	done
op_emodpe:				/* {type, epc_addr, flags} */
	ZERO_SECINFO
	mov	16(%rdi), %rax
	mov	%rax, (%rsp)
	mov	%rsp, %rbx
	mov	8(%rdi), %rcx
	mov	$6, %eax		/* EMODPE */
	ENCLU
	jmp	done
op_init_tcs_page:			/* {type, tcs_page, ssa, entry} */
	mov	%rdi, %r8
	mov	8(%r8), %rdi
	xor	%eax, %eax
	mov	$512, %ecx
	rep stosq
	mov	%r8, %rdi
	mov	8(%rdi), %rdx
	mov	16(%rdi), %rax
	mov	%rax, 16(%rdx)		/* OSSA */
	movl	$1, 28(%rdx)		/* NSSA */
	mov	24(%rdi), %rax
	mov	%rax, 32(%rdx)		/* OENTRY */
	movl	$-1, 64(%rdx)		/* FSLIMIT */
	movl	$-1, 68(%rdx)		/* GSLIMIT */
	jmp	done
	.global	cpuid_insn
op_cpuid:				/* {type, eax}: CPUID is #UD inside an enclave */
	xor	%eax, %eax
cpuid_insn:
	cpuid
	mov	%rax, 8(%rdi)
	jmp	done
op_loop_compute:			/* {type, n, sum}: 3 instructions per iteration */
	mov	8(%rdi), %rcx
	xor	%eax, %eax
	test	%rcx, %rcx
	jz	2f
1:	add	%rcx, %rax
	dec	%rcx
	jnz	1b
2:	mov	%rax, 16(%rdi)
	jmp	done
op_loop_store:				/* {type, n, last}: 6 instructions, 4 stores per iteration */
	lea	buffer + 4096(%rip), %rdx
	mov	8(%rdi), %rcx
	test	%rcx, %rcx
	jz	2f
1:	mov	%rcx, (%rdx)
	mov	%rcx, 8(%rdx)
	mov	%rcx, 16(%rdx)
	mov	%rcx, 24(%rdx)
	dec	%rcx
	jnz	1b
2:	mov	(%rdx), %rax
	mov	%rax, 16(%rdi)
	jmp	done
op_heap_grow:				/* {type, addr, pages, accepted, last_rax} */
	ZERO_SECINFO
	movq	$0x20b, (%rsp)		/* R | W | PENDING | PT_REG */
	mov	8(%rdi), %r8
	mov	16(%rdi), %r9
	xor	%r10d, %r10d
	xor	%eax, %eax
1:	test	%r9, %r9
	jz	2f
	mov	%rsp, %rbx
	mov	%r8, %rcx
	mov	$5, %eax		/* EACCEPT: the driver EAUGs the page on the #PF */
	ENCLU
	test	%rax, %rax
	jnz	2f
	mov	%r8, (%r8)		/* touch it */
	add	$4096, %r8
	inc	%r10
	dec	%r9
	jmp	1b
2:	mov	%r10, 24(%rdi)
	mov	%rax, 32(%rdi)
	jmp	done
op_call:				/* {type, addr, rax}: call code at addr (JIT pages) */
	push	%rdi
	push	%rdi
	call	*8(%rdi)
	pop	%rdi
	pop	%rdi
	mov	%rax, 16(%rdi)
	jmp	done

	.section .data, "aw"
	.balign	4096
	.global	buffer
buffer:					/* three pages; the first byte keeps it in .data */
	.byte	1
	.fill	3 * 4096 - 1, 1, 0
	.global	ssa0, ssa1, ssa2
ssa0:	.fill	2 * 4096, 1, 0
ssa1:	.fill	2 * 4096, 1, 0
ssa2:	.fill	2 * 4096, 1, 0
	.global	stacks
stacks:	.fill	NTCS * STACK_SIZE, 1, 0
