/*
 * Cycle-model microbenchmark of the DSP extension (Cortex-M4, Cortex-M33): SMLAD, the int8 MAC
 * floor. [M4] Cortex-M4 TRM (DDI 0439B) Table 3-1: SMLAD 1, SXTB16 1. Four SMLADs (eight 16x16
 * multiply-accumulates) after two SXTB16s: 2 + 4 = 6 cycles, 0.75 cycle per MAC here and 0.5 per
 * MAC for the SMLADs alone, the floor the budget reports for these cores. Conventions as in
 * bench_v6m.S; expected cycles in test/e2e/cycles.test.ts.
 */
    .syntax unified
    .thumb
    .text
    .p2align 2

    .global bench_smlad, bench_smlad_begin, bench_smlad_end
    .type bench_smlad, %function
bench_smlad:
    push {r4, r5, r6, r7, lr}
    movs r2, #0
    movw r3, #0x0102
    movt r3, #0x0304
    movw r4, #0x0506
    movt r4, #0x0708
    .p2align 2
bench_smlad_begin:
    sxtb16 r5, r3
    sxtb16 r6, r4
    smlad r2, r5, r6, r2
    smlad r2, r5, r6, r2
    smlad r2, r5, r6, r2
    smlad r2, r5, r6, r2
bench_smlad_end:
    pop {r4, r5, r6, r7, pc}

    .global bench_dsp_all
    .type bench_dsp_all, %function
bench_dsp_all:
    push {r4, lr}
    bl bench_smlad
    pop {r4, pc}
