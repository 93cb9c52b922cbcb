/**
 * In-order cycle model of the Cortex-M0+ (2-stage pipeline, Armv6-M), from
 *   [M0+] Arm Cortex-M0+ Technical Reference Manual r0p1 (DDI 0484C), 3.3 "Instruction set
 *         summary", Table 3-1 "Cortex-M0+ instruction summary".
 * The M0+ has no load/store pipelining and no IT blocks; every rule is a table entry.
 */
import type { Insn } from './insn.ts';
import type { CoreModel } from './model.ts';

/** MULS: [M0+] Table 3-1 "1 or 32", a build option of the core; the single-cycle multiplier is assumed (most M0+ parts have it). */
export const M0PLUS_MULTIPLY = 1;

function issue(i: Insn): number {
  switch (i.cls) {
    case 'load':
    case 'store':
      return 2; // LDR, LDRH, LDRB, LDRSH, LDRSB, STR, STRH, STRB (any addressing) 2
    case 'ldm':
    case 'stm':
      return 1 + i.nregs; // LDM, STM, PUSH 1 + N; POP 1 + N (3 + N with PC: the 2 more are branchPenalty's)
    case 'mul':
      return M0PLUS_MULTIPLY;
    case 'branch':
      return 1; // B<cc> not taken 1; B, BL, BX, BLX, B<cc> taken: the rest is branchPenalty's
    case 'barrier':
      return 3; // ISB, DMB, DSB 3
    case 'sys':
      return ['mrs', 'msr'].includes(i.op) ? 3 : 1; // MRS, MSR 3; CPSID, CPSIE 1
    default:
      return 1; // MOVS, ADDS, SUBS, CMP, logic, shifts, SXTB/UXTB, REV, NOP: 1 (unknown: 1, reported)
  }
}

export const CORTEX_M0PLUS: CoreModel = {
  core: 'cortex-m0plus',
  costRun(insns) {
    return insns.reduce((a, i) => a + issue(i), 0);
  },
  branchPenalty(branch, taken) {
    if (!taken || branch.branch === null) return 0;
    if (branch.branch === 'loadpc') return 2; // POP {..., PC} 3 + N
    if (branch.op === 'bl') return 2; // BL 3
    return 1; // B 2, B<cc> taken 2, BX 2, BLX 2, MOV PC / ADD PC 2
  },
  macFloor: {
    cyclesPerMac: 2,
    how: 'MULS then ADDS: one multiply-accumulate in two cycles (no multiply-accumulate instruction, no SIMD)',
    source: 'Arm Cortex-M0+ TRM (DDI 0484C) Table 3-1: MULS 1 (single-cycle multiplier option), ADDS 1',
  },
  approximation: null,
  choices: [
    `MULS takes 1 or 32 cycles, a build option of the core ([M0+] Table 3-1): the single-cycle multiplier is assumed (${M0PLUS_MULTIPLY})`,
    'no QEMU 7.2 machine models the Cortex-M0+: Armv6-M code runs on the Cortex-M3 machine for the counts (same memory map; Armv6-M is a subset of Armv7-M)',
  ],
};
