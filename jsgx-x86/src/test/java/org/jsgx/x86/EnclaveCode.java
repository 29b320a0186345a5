package org.jsgx.x86;

import java.util.HexFormat;

/**
 * The machine code of the test enclave's code page, assembled from the source below with
 * {@code as --64 encl.S -o encl.o && objcopy -O binary -j .text encl.o encl.bin} (GNU
 * binutils 2.40) and embedded as bytes. Offsets of the instructions the tests name are
 * constants here, read off {@code objdump -d encl.o}.
 *
 * <pre>
 * # Test enclave code page for jsgx-x86 (assembled with GNU as, flat binary via objcopy).
 * # Entry (TCS.OENTRY = code+0): RAX = CSSA, RBX = TCS, RCX = return address.
 * # RDI selects the test function at code + 0x80 * RDI; RSI, RDX, R8-R10 are arguments.
 *         .intel_syntax noprefix
 *         .text
 *
 * start:
 *         mov r15, rcx                    # return address for EEXIT
 *         lea rsp, [rbx + 0x41000]        # this thread's stack: page 0x40000 + 0x1000 * TCS index
 *         shl rdi, 7
 *         lea r14, [rip + start]
 *         add r14, rdi
 *         jmp r14
 * exit:                                   # code + 0x1d
 *         mov rbx, r15
 *         mov eax, 4                      # EEXIT
 *         enclu
 *
 *         .org 0x80 * 1                   # 1: entry conventions, FS/GS, stack
 * f1:     mov [rsi], rax
 *         mov [rsi + 8], rbx
 *         mov [rsi + 16], rcx
 *         mov rax, fs:[0]
 *         mov [rsi + 24], rax
 *         mov rax, gs:[8]
 *         mov [rsi + 32], rax
 *         push 0x77
 *         pop rax
 *         mov [rsi + 40], rax
 *         mov rdx, 0x1234
 *         jmp exit
 *
 *         .org 0x80 * 2                   # 2: three incs then a store to [rdx], then a load from [rsi]
 * f2:     inc r11
 *         inc r11
 *         inc r11
 *         mov [rdx], r11                  # faults on a read-only or pending page
 *         inc r11
 *         mov rax, [rdx]
 *         mov [rsi], rax
 *         jmp exit
 *
 *         .org 0x80 * 3                   # 3: three incs then a load from [rdx]
 * f3:     inc r11
 *         inc r11
 *         inc r11
 *         mov rax, [rdx]                  # faults on a pending / unmapped page
 *         inc r11
 *         mov [rsi], rax
 *         jmp exit
 *
 *         .org 0x80 * 4                   # 4: EMODPE(SECINFO at r8 with flags r9) on page rdx
 * f4:     mov [r8], r9
 *         mov rbx, r8
 *         mov rcx, rdx
 *         mov eax, 6
 *         enclu
 *         jmp exit
 *
 *         .org 0x80 * 5                   # 5: EACCEPT(SECINFO at r8 with flags r9) of page rdx; status to [rsi]
 * f5:     mov [r8], r9
 *         mov rbx, r8
 *         mov rcx, rdx
 *         mov eax, 5
 *         enclu
 *         mov [rsi], rax
 *         jmp exit
 *
 *         .org 0x80 * 6                   # 6: CPUID
 * f6:     inc r11
 *         cpuid
 *         jmp exit
 *
 *         .org 0x80 * 7                   # 7: SYSCALL
 * f7:     inc r11
 *         syscall
 *         jmp exit
 *
 *         .org 0x80 * 8                   # 8: INT3 then continue
 * f8:     inc r11
 *         int3
 *         inc r11
 *         jmp exit
 *
 *         .org 0x80 * 9                   # 9: UD2
 * f9:     inc r11
 *         ud2
 *         jmp exit
 *
 *         .org 0x80 * 10                  # 10: divide by zero
 * f10:    xor ecx, ecx
 *         mov eax, 1
 *         xor edx, edx
 *         div rcx
 *         jmp exit
 *
 *         .org 0x80 * 11                  # 11: INT 0x80
 * f11:    inc r11
 *         int 0x80
 *         jmp exit
 *
 *         .org 0x80 * 12                  # 12: jump to rdx (fetch)
 * f12:    inc r11
 *         jmp rdx
 *
 *         .org 0x80 * 13                  # 13: EREPORT(TARGETINFO r8, REPORTDATA r9, out r10), then
 *                                         #     EGETKEY(KEYREQUEST r12 with the REPORT's KEYID, out r12+512);
 *                                         #     status and key to [rsi]
 * f13:    mov rbx, r8
 *         mov rcx, r9
 *         mov rdx, r10
 *         xor eax, eax
 *         enclu
 *         mov rax, [r10 + 384]            # KEYREQUEST.KEYID <- REPORT.KEYID, as a verifier does
 *         mov [r12 + 40], rax
 *         mov rax, [r10 + 392]
 *         mov [r12 + 48], rax
 *         mov rax, [r10 + 400]
 *         mov [r12 + 56], rax
 *         mov rax, [r10 + 408]
 *         mov [r12 + 64], rax
 *         mov rdx, r12
 *         mov rbx, rdx
 *         lea rcx, [rdx + 512]
 *         mov eax, 1
 *         enclu
 *         mov [rsi], rax
 *         mov rax, [rdx + 512]
 *         mov [rsi + 8], rax
 *         mov rax, [rdx + 520]
 *         mov [rsi + 16], rax
 *         jmp exit
 *
 *         .org 0x80 * 14                  # 14: loop [rsi] times; sum to [rsi + 8]
 * f14:    mov rcx, [rsi]
 *         xor eax, eax
 * 1:      add rax, rcx
 *         dec rcx
 *         jnz 1b
 *         mov [rsi + 8], rax
 *         jmp exit
 *
 *         .org 0x80 * 15                  # 15: [rsi] times: lock inc [rdx]; then a spinlock at
 *                                         #     [rdx + 64] around a plain increment of [rdx + 8]
 * f15:    mov rcx, [rsi]
 * 1:      lock inc qword ptr [rdx]
 *         mov eax, 1
 * 2:      xchg [rdx + 64], eax
 *         test eax, eax
 *         jnz 2b
 *         mov rax, [rdx + 8]
 *         inc rax
 *         mov [rdx + 8], rax
 *         mov dword ptr [rdx + 64], 0
 *         dec rcx
 *         jnz 1b
 *         jmp exit
 *
 *         .org 0x80 * 16                  # 16: RDTSC
 * f16:    inc r11
 *         rdtsc
 *         jmp exit
 *
 *         .org 0x80 * 17                  # 17: IN / OUT
 * f17:    inc r11
 *         out 0x80, al
 *         jmp exit
 *
 *         .org 0x80 * 18                  # 18: ENCLU[EENTER] inside the enclave -> #GP
 * f18:    mov eax, 2
 *         enclu
 *         jmp exit
 *         .org 0x80 * 19                  # 19: rendezvous: count in at [rdx + 128], spin until two are in
 * f19:    lock inc qword ptr [rdx + 128]
 * 1:      pause
 *         cmp qword ptr [rdx + 128], 2
 *         jb 1b
 *         jmp exit
 *         .org 0x80 * 20                  # 20: CPUID with more work in its block: none of it may happen
 * f20:    inc r11
 *         cpuid
 *         inc r11
 *         mov [rdx], r11
 *         jmp exit
 *         .org 0x80 * 21
 * </pre>
 */
final class EnclaveCode {
    /** Function {@code n} starts at {@code 0x80 * n}. */
    static final int ROUNDTRIP = 1, STORE = 2, LOAD = 3, EMODPE = 4, EACCEPT = 5, CPUID = 6, SYSCALL = 7,
            INT3 = 8, UD2 = 9, DIV0 = 10, INT80 = 11, JMP_RDX = 12, REPORT_KEY = 13, LOOP = 14, ATOMICS = 15,
            RDTSC = 16, OUT = 17, NESTED_EENTER = 18, RENDEZVOUS = 19, CPUID_IN_BLOCK = 20;
    /** Offsets of faulting instructions. */
    static final long AT_STORE = 0x109, AT_STORE_RELOAD = 0x10f, AT_LOAD = 0x189, AT_CPUID = 0x303,
            AT_SYSCALL = 0x383, AT_INT3 = 0x403, AT_UD2 = 0x483, AT_DIV = 0x509, AT_INT80 = 0x583,
            AT_RDTSC = 0x803, AT_OUT = 0x883, AT_NESTED_ENCLU = 0x905, AT_CPUID_IN_BLOCK = 0xa03;

    static final byte[] BYTES = HexFormat.of().parseHex(""
            + "4989cf488da30010040048c1e7074c8d35ebffffff4901fe41ffe64c89fbb8040000000f01d700000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000048890648895e0848894e1064488b0425"
            + "000000004889461865488b042508000000488946206a77584889462848c7c234120000e963ffffff0000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000049ffc349ffc349ffc34c891a49ffc3488b02488906e901ffffff000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "49ffc349ffc349ffc3488b0249ffc3488906e984feffff00000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000000000000000000000000000000000004d89084c89c34889d1b8060000000f01"
            + "d7e905feffff000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000004d89084c89c34889d1b8050000000f01d7488906e982fdffff00000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "49ffc30fa2e911fdffff0000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000049ffc30f05e991fcffff000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000049ffc3cc49ffc3e90ffcffff0000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "49ffc30f0be991fbffff0000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000031c9b80100000031d248f7f1e90afbff"
            + "ff0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000049ffc3cd80e991faffff00000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "49ffc3ffe200000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000000000000000000000000000000000004c89c34c89c94c89d231c00f01d7498b"
            + "82800100004989442428498b82880100004989442430498b82900100004989442438498b829801000049894424404c89"
            + "e24889d3488d8a00020000b8010000000f01d7488906488b820002000048894608488b820802000048894610e92af9ff"
            + "ff000000000000000000000000000000488b0e31c04801c848ffc975f848894608e905f9ffff00000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "488b0ef048ff02b80100000087424085c075f9488b420848ffc048894208c742400000000048ffc975d9e96cf8ffff00"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000049ffc30f31e911f8ffff000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000049ffc3e680e991f7ffff00000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "b8020000000f01d7e90ef7ffff0000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000000000000000000000000000000000000f048ff8280000000f3904883ba800000"
            + "000272f4e982f6ffff000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000049ffc30fa249ffc34c891ae90bf6ffff");

    private EnclaveCode() {
    }
}
