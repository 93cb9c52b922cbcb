/*
 * Cycle-model microbenchmarks in Armv7-M code (Cortex-M3, M4, M33): multiplies, divide, IT
 * blocks, CBZ, LDRD/STRD and branch targets. Conventions, sources and P as in bench_v6m.S; the
 * expected cycles per core are in test/e2e/cycles.test.ts.
 *   [M3] Cortex-M3 TRM (DDI 0337I) Table 3-1: MLA 2, SMULL/UMULL 3-5, SMLAL/UMLAL 4-7 ("the signed
 *        version one cycle longer than the unsigned"), SDIV/UDIV 2-12.
 *   [M4] Cortex-M4 TRM (DDI 0439B) Table 3-1: MLA 1, SMULL/UMULL/SMLAL/UMLAL 1, SDIV/UDIV 2-12.
 * Where the hardware's cycles depend on operand values (long multiplies on the M3, divides
 * everywhere) the model charges the published bound, because QEMU 7.2's plugin API cannot read
 * registers: M3 UMULL 5, UMLAL 6, SMLAL 7; UDIV 12.
 */
    .syntax unified
    .thumb

    .section .rodata.bench7, "a"
    .p2align 3
bench7_table:
    .word 1, 2, 3, 4, 5, 6, 7, 8

    .bss
    .p2align 3
bench7_buf:
    .space 64

    .text
    .p2align 2

/* MLA twice: [M4] 1 + 1 = 2; [M3] 2 + 2 = 4. */
    .global bench_mla, bench_mla_begin, bench_mla_end
    .type bench_mla, %function
bench_mla:
    push {r4, r5, r6, r7, lr}
    movs r2, #1
    movs r3, #3
    movs r4, #5
    .p2align 2
bench_mla_begin:
    mla r2, r3, r4, r2
    mla r2, r3, r4, r2
bench_mla_end:
    pop {r4, r5, r6, r7, pc}

/* UMULL: [M4] 1; [M3] 3 to 5 by operand size (here 1000 x 7, small: the hardware would
 * terminate early), charged the bound 5. */
    .global bench_umull, bench_umull_begin, bench_umull_end
    .type bench_umull, %function
bench_umull:
    push {r4, r5, r6, r7, lr}
    movw r4, #1000
    movs r5, #7
    .p2align 2
bench_umull_begin:
    umull r2, r3, r4, r5
bench_umull_end:
    pop {r4, r5, r6, r7, pc}

/* UMLAL then SMLAL: [M4] 1 + 1 = 2; [M3] bounds 6 + 7 = 13. */
    .global bench_mlal, bench_mlal_begin, bench_mlal_end
    .type bench_mlal, %function
bench_mlal:
    push {r4, r5, r6, r7, lr}
    movs r2, #0
    movs r3, #0
    movw r4, #1000
    movs r5, #7
    .p2align 2
bench_mlal_begin:
    umlal r2, r3, r4, r5
    smlal r2, r3, r4, r5
bench_mlal_end:
    pop {r4, r5, r6, r7, pc}

/* UDIV 1000 / 7: "2 to 12" on the M3, M4 and M33, "early termination ... based on the number of
 * leading ones and zeroes in the input operands" (Table 3-1 note). 1000 has 22 leading zeroes and 7
 * has 29, so the hardware would take well under the bound; the model charges 12 for every divide. */
    .global bench_udiv, bench_udiv_begin, bench_udiv_end
    .type bench_udiv, %function
bench_udiv:
    push {r4, r5, r6, r7, lr}
    movw r2, #1000
    movs r3, #7
    .p2align 2
bench_udiv_begin:
    udiv r4, r2, r3
bench_udiv_end:
    pop {r4, r5, r6, r7, pc}

/* IT folding. [M4] Table 3-1: IT 1, "An IT instruction can be folded onto a preceding 16-bit Thumb
 * instruction, enabling execution in zero cycles": ADDS 1, IT 0 (after a 16-bit ADDS), MOVEQ 1,
 * ADD.W 1, IT 1 (after a 32-bit ADD.W), MOVNE 1 = 5 (the same on the M3 and the M33). */
    .global bench_it, bench_it_begin, bench_it_end
    .type bench_it, %function
bench_it:
    push {r4, r5, r6, r7, lr}
    movs r0, #0
    movs r1, #2
    .p2align 2
bench_it_begin:
    adds r0, r0, #1
    it eq
    moveq r0, r1
    add.w r0, r0, #1
    it ne
    movne r0, r1
bench_it_end:
    pop {r4, r5, r6, r7, pc}

/* CBZ taken over three NOPs: 1 + P (direct, 16-bit target) = 2, NOP 1 = 3. */
    .global bench_cbz_taken, bench_cbz_taken_begin, bench_cbz_taken_end
    .type bench_cbz_taken, %function
bench_cbz_taken:
    push {r4, r5, r6, r7, lr}
    movs r0, #0
    .p2align 2
bench_cbz_taken_begin:
    cbz r0, 1f
    nop
    nop
    nop
1:  nop
bench_cbz_taken_end:
    pop {r4, r5, r6, r7, pc}

/* The same CBZ not taken: 1, then four NOPs: 5. */
    .global bench_cbz_not_taken, bench_cbz_not_taken_begin, bench_cbz_not_taken_end
    .type bench_cbz_not_taken, %function
bench_cbz_not_taken:
    push {r4, r5, r6, r7, lr}
    movs r0, #1
    .p2align 2
bench_cbz_not_taken_begin:
    cbz r0, 1f
    nop
    nop
    nop
1:  nop
bench_cbz_not_taken_end:
    pop {r4, r5, r6, r7, pc}

/* A taken branch to a 32-bit instruction at a halfword address (4k + 6): P = 1 + 1 ("depending on
 * the alignment and width of the target instruction"): B 3, ADD.W 1 = 4. */
    .global bench_branch_wide_unaligned, bench_branch_wide_unaligned_begin, bench_branch_wide_unaligned_end
    .type bench_branch_wide_unaligned, %function
bench_branch_wide_unaligned:
    push {r4, r5, r6, r7, lr}
    .p2align 2
bench_branch_wide_unaligned_begin:
    b.n 1f
    nop
    nop
1:  add.w r0, r0, #1
bench_branch_wide_unaligned_end:
    pop {r4, r5, r6, r7, pc}

/* The same to a word-aligned 32-bit instruction (4k + 8): P = 1: B 2, ADD.W 1 = 3. */
    .global bench_branch_wide_aligned, bench_branch_wide_aligned_begin, bench_branch_wide_aligned_end
    .type bench_branch_wide_aligned, %function
bench_branch_wide_aligned:
    push {r4, r5, r6, r7, lr}
    .p2align 2
bench_branch_wide_aligned_begin:
    b.n 1f
    nop
    nop
    nop
1:  add.w r0, r0, #1
bench_branch_wide_aligned_end:
    pop {r4, r5, r6, r7, pc}

/* LDRD then STRD: [M4] 3.3.2 "LDRD and STRD cannot be pipelined with preceding or following
 * instructions. However, the two words are pipelined together. So, this operation requires three
 * cycles when not stalled": 3 + 3 = 6. */
    .global bench_ldrd_strd, bench_ldrd_strd_begin, bench_ldrd_strd_end
    .type bench_ldrd_strd, %function
bench_ldrd_strd:
    push {r4, r5, r6, r7, lr}
    ldr r1, =bench7_table
    ldr r4, =bench7_buf
    .p2align 2
bench_ldrd_strd_begin:
    ldrd r2, r3, [r1, #8]
    strd r2, r3, [r4, #8]
bench_ldrd_strd_end:
    pop {r4, r5, r6, r7, pc}

    .pool

    .global bench_v7m_all
    .type bench_v7m_all, %function
bench_v7m_all:
    push {r4, lr}
    bl bench_mla
    bl bench_umull
    bl bench_mlal
    bl bench_udiv
    bl bench_it
    bl bench_cbz_taken
    bl bench_cbz_not_taken
    bl bench_branch_wide_unaligned
    bl bench_branch_wide_aligned
    bl bench_ldrd_strd
    pop {r4, pc}
