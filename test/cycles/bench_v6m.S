/*
 * Cycle-model microbenchmarks in Armv6-M code (they assemble for every core: Cortex-M0+, M3, M4,
 * M33). Each benchmark is a function; the range the estimator costs runs from its `_begin` label
 * (included, costed with nothing before it in the pipeline) to its `_end` label (excluded), both
 * global so `edgec cycles --begin/--end` find them. The expected cycles, derived by hand from Arm's
 * tables, are in test/e2e/cycles.test.ts beside each benchmark's name; the derivations are here.
 *
 * Sources: [M0+] Cortex-M0+ TRM (DDI 0484C) Table 3-1; [M4] Cortex-M4 TRM (DDI 0439B) Table 3-1
 * and 3.3.2 "Load/store timings" (the same rules as [M3] Cortex-M3 TRM (DDI 0337I) 3.3.1/3.3.2).
 * P (refill after a taken branch) as src/report/cycles/model-v7m.ts reads the [M4] footnote: 1
 * for a direct branch, 2 for a register branch, +1 if the target is a 32-bit instruction at a
 * halfword address, 3 for loads to the PC.
 */
    .syntax unified
    .thumb

    .section .rodata.bench, "a"
    .p2align 2
bench_table:
    .word bench_table, 2, 3, 4, 5, 6, 7, 8

    .bss
    .p2align 3
bench_buf:
    .space 64

    .text
    .p2align 2

/* LDR pairs. [M4]: LDR 2; "if the next instruction is an LDR or STR, and the destination of the
 * first LDR is not used to compute the address for the next instruction, then one cycle is removed
 * from the cost of the next instruction": 2 + 1 + 1 + 1 = 5. [M0+]: LDR 2 each, no pipelining: 8. */
    .global bench_ldr_pair, bench_ldr_pair_begin, bench_ldr_pair_end
    .type bench_ldr_pair, %function
bench_ldr_pair:
    push {r4, r5, r6, r7, lr}
    ldr r1, =bench_table
    .p2align 2
bench_ldr_pair_begin:
    ldr r2, [r1, #0]
    ldr r3, [r1, #4]
    ldr r4, [r1, #8]
    ldr r5, [r1, #12]
bench_ldr_pair_end:
    pop {r4, r5, r6, r7, pc}

/* [M4] 3.3.2's own example: "LDR R0,[R1,R5]; LDR R1,[R2]; LDR R2,[R3,#4] - normally four cycles
 * total" (2 + 1 + 1). [M0+]: 6. */
    .global bench_trm_ldr3, bench_trm_ldr3_begin, bench_trm_ldr3_end
    .type bench_trm_ldr3, %function
bench_trm_ldr3:
    push {r4, r5, r6, r7, lr}
    ldr r1, =bench_table
    movs r5, #4
    mov r2, r1
    mov r3, r1
    .p2align 2
bench_trm_ldr3_begin:
    ldr r0, [r1, r5]
    ldr r1, [r2]
    ldr r2, [r3, #4]
bench_trm_ldr3_end:
    pop {r4, r5, r6, r7, pc}

/* A load whose address is the previous load's result is not pipelined. [M4]: 2 + 2 = 4 (the
 * first word of bench_table holds its own address). [M0+]: 4. */
    .global bench_ldr_dependent, bench_ldr_dependent_begin, bench_ldr_dependent_end
    .type bench_ldr_dependent, %function
bench_ldr_dependent:
    push {r4, r5, r6, r7, lr}
    ldr r1, =bench_table
    .p2align 2
bench_ldr_dependent_begin:
    ldr r2, [r1, #0]
    ldr r3, [r2, #4]
bench_ldr_dependent_end:
    pop {r4, r5, r6, r7, pc}

/* [M4] 3.3.2: "Any load or store that generates an address dependent on the result of a preceding
 * data processing operation stalls the pipeline for an additional cycle": ADDS 1, LDR 2 + 1 = 4.
 * [M0+]: 1 + 2 = 3. */
    .global bench_addr_stall, bench_addr_stall_begin, bench_addr_stall_end
    .type bench_addr_stall, %function
bench_addr_stall:
    push {r4, r5, r6, r7, lr}
    ldr r1, =bench_table
    .p2align 2
bench_addr_stall_begin:
    adds r1, r1, #4
    ldr r2, [r1, #0]
bench_addr_stall_end:
    pop {r4, r5, r6, r7, pc}

/* [M4] 3.3.2: "STR Rx,[Ry,#imm] is always one cycle": 1 + 1, then NOP 1 = 3. [M0+]: STR 2: 5. */
    .global bench_str_imm, bench_str_imm_begin, bench_str_imm_end
    .type bench_str_imm, %function
bench_str_imm:
    push {r4, r5, r6, r7, lr}
    ldr r1, =bench_buf
    .p2align 2
bench_str_imm_begin:
    str r2, [r1, #0]
    str r3, [r1, #4]
    nop
bench_str_imm_end:
    pop {r4, r5, r6, r7, pc}

/* Register-offset stores: [M4] Table 3-1 STR 2, "Other instructions cannot be pipelined after STR
 * with register offset": 2 + 2 = 4. [M0+]: 4. */
    .global bench_str_reg, bench_str_reg_begin, bench_str_reg_end
    .type bench_str_reg, %function
bench_str_reg:
    push {r4, r5, r6, r7, lr}
    ldr r1, =bench_buf
    movs r3, #8
    .p2align 2
bench_str_reg_begin:
    str r2, [r1, r3]
    str r2, [r1, r3]
bench_str_reg_end:
    pop {r4, r5, r6, r7, pc}

/* [M4] 3.3.2: "LDR R0,[R1,R2]; STR R0,[R3,#20] - normally three cycles total" (2 + 1). [M0+]: 4. */
    .global bench_ldr_str, bench_ldr_str_begin, bench_ldr_str_end
    .type bench_ldr_str, %function
bench_ldr_str:
    push {r4, r5, r6, r7, lr}
    ldr r1, =bench_table
    ldr r3, =bench_buf
    movs r2, #8
    .p2align 2
bench_ldr_str_begin:
    ldr r0, [r1, r2]
    str r0, [r3, #20]
bench_ldr_str_end:
    pop {r4, r5, r6, r7, pc}

/* A conditional branch not taken. [M4] Table 3-1: B<cc> "1 or 1 + P", "Conditional branch completes
 * in a single cycle if the branch is not taken": BEQ 1, NOP 1, NOP 1 = 3. [M0+] B<cc> 1 not taken: 3. */
    .global bench_branch_not_taken, bench_branch_not_taken_begin, bench_branch_not_taken_end
    .type bench_branch_not_taken, %function
bench_branch_not_taken:
    push {r4, r5, r6, r7, lr}
    movs r0, #1
    cmp r0, #0
    .p2align 2
bench_branch_not_taken_begin:
    beq 1f
    nop
1:  nop
bench_branch_not_taken_end:
    pop {r4, r5, r6, r7, pc}

/* The same branch taken, over two NOPs to a 16-bit NOP. [M4]: 1 + P (P = 1, direct, 16-bit target)
 * = 2, NOP 1 = 3. [M0+]: B<cc> taken 2, NOP 1 = 3. */
    .global bench_branch_taken, bench_branch_taken_begin, bench_branch_taken_end
    .type bench_branch_taken, %function
bench_branch_taken:
    push {r4, r5, r6, r7, lr}
    movs r0, #0
    cmp r0, #0
    .p2align 2
bench_branch_taken_begin:
    beq 1f
    nop
    nop
1:  nop
bench_branch_taken_end:
    pop {r4, r5, r6, r7, pc}

/* BL to a leaf returning with BX LR. [M4]: BL 1 + P (direct, 16-bit target) = 2; BX 1 + P
 * (register branch, 16-bit target) = 3; NOP 1: 6. [M0+]: BL 3, BX 2, NOP 1: 6. */
    .global bench_call_bx, bench_call_bx_begin, bench_call_bx_end
    .type bench_call_bx, %function
bench_call_bx:
    push {r4, r5, r6, r7, lr}
    .p2align 2
bench_call_bx_begin:
    bl bench_leaf_bx
    nop
bench_call_bx_end:
    pop {r4, r5, r6, r7, pc}

    .type bench_leaf_bx, %function
bench_leaf_bx:
    bx lr

/* BL to a leaf with PUSH {r4, lr} / POP {r4, pc}. [M4]: BL 2; PUSH 1 + N = 3; POP 1 + N + P with
 * P = 3 (a load to the PC, "three cycles for the pipeline reload") = 6; NOP 1: 12.
 * [M0+]: BL 3; PUSH 1 + N = 3; POP with PC 3 + N = 5; NOP 1: 12. */
    .global bench_call_pop_pc, bench_call_pop_pc_begin, bench_call_pop_pc_end
    .type bench_call_pop_pc, %function
bench_call_pop_pc:
    push {r4, r5, r6, r7, lr}
    .p2align 2
bench_call_pop_pc_begin:
    bl bench_leaf_pop
    nop
bench_call_pop_pc_end:
    pop {r4, r5, r6, r7, pc}

    .type bench_leaf_pop, %function
bench_leaf_pop:
    push {r4, lr}
    pop {r4, pc}

/* PUSH and POP of four registers: 1 + N each ([M4] and [M0+] Table 3-1): 5 + 5 = 10. */
    .global bench_push_pop, bench_push_pop_begin, bench_push_pop_end
    .type bench_push_pop, %function
bench_push_pop:
    push {r4, r5, r6, r7, lr}
    .p2align 2
bench_push_pop_begin:
    push {r4, r5, r6, r7}
    pop {r4, r5, r6, r7}
bench_push_pop_end:
    pop {r4, r5, r6, r7, pc}

/* LDM of four registers, then an LDR. LDM 1 + N = 5; [M4] 3.3.2 "LDM and STM cannot be pipelined
 * with preceding or following instructions": LDR 2: 7. [M0+]: 5 + 2 = 7. */
    .global bench_ldm, bench_ldm_begin, bench_ldm_end
    .type bench_ldm, %function
bench_ldm:
    push {r4, r5, r6, r7, lr}
    ldr r1, =bench_table
    .p2align 2
bench_ldm_begin:
    ldmia r1!, {r2, r3, r4, r5}
    ldr r2, [r1, #0]
bench_ldm_end:
    pop {r4, r5, r6, r7, pc}

/* MULS then ADDS: 1 + 1 = 2 ([M4] Table 3-1 MUL 1; [M0+] MULS 1 with the single-cycle multiplier). */
    .global bench_muls, bench_muls_begin, bench_muls_end
    .type bench_muls, %function
bench_muls:
    push {r4, r5, r6, r7, lr}
    movs r2, #3
    movs r3, #5
    .p2align 2
bench_muls_begin:
    muls r2, r3, r2
    adds r2, r2, #1
bench_muls_end:
    pop {r4, r5, r6, r7, pc}

    .pool

/* Runs every benchmark above once. */
    .global bench_v6m_all
    .type bench_v6m_all, %function
bench_v6m_all:
    push {r4, lr}
    bl bench_ldr_pair
    bl bench_trm_ldr3
    bl bench_ldr_dependent
    bl bench_addr_stall
    bl bench_str_imm
    bl bench_str_reg
    bl bench_ldr_str
    bl bench_branch_not_taken
    bl bench_branch_taken
    bl bench_call_bx
    bl bench_call_pop_pc
    bl bench_push_pop
    bl bench_ldm
    bl bench_muls
    pop {r4, pc}
