/**
 * In-order cycle model of the Cortex-M3, Cortex-M4 and Cortex-M33 (3-stage pipeline, one
 * instruction per cycle at most), from Arm's published timings:
 *
 *   [M3]  Arm Cortex-M3 Technical Reference Manual r2p1 (DDI 0337I), 3.3.1 Table 3-1 "Cortex-M3
 *         instruction set summary" with its footnotes, and 3.3.2 "Load/store timings".
 *   [M4]  Arm Cortex-M4 Technical Reference Manual r0p1 (DDI 0439B), 3.3.1 Table 3-1 "Cortex-M4
 *         instruction set summary" with its footnotes, 3.3.2 "Load/store timings", and 7.2.3
 *         Table 7-1 "FPU instruction set" (Cortex-M4F).
 *   [M33] Arm publishes no instruction timing table for the Cortex-M33 (its TRM, 100230, has none).
 *         The model uses the Cortex-M4 rules, as LLVM's scheduler does (llvm/lib/Target/ARM/
 *         ARMProcessors.td: "cortex-m33" uses CortexM4Model). An approximation, stated as such.
 *
 * Memory is zero-wait-state here; flash wait states are added by estimate.ts.
 */
import type { Insn } from './insn.ts';
import { type CoreModel, isDataProcessing, isMemory, isUnalignedWide, type MacFloor } from './model.ts';

export interface V7mTimings {
  core: string;
  /** MLA/MLS. [M3] Table 3-1: 2. [M4] Table 3-1: 1. */
  mla: number;
  /** SMULL/UMULL. [M3] Table 3-1: 3 to 5 (early termination on operand size): the bound, 5. [M4] Table 3-1: 1. */
  mull: number;
  /** UMLAL. [M3] Table 3-1: 4 to 7, "the signed version one cycle longer than the unsigned": 6. [M4] 1. */
  umlal: number;
  /** SMLAL. [M3] 7 (the bound). [M4] 1. */
  smlal: number;
  macFloor: MacFloor;
  approximation: string | null;
}

/** SDIV/UDIV: [M3] and [M4] Table 3-1 "2 to 12" ("early termination ... based on the number of leading ones and zeroes in the input operands"). */
export const V7M_DIVIDE = 12;

const CHOICES_DIV = `SDIV/UDIV take 2-12 cycles on the hardware depending on the operands' values ([M3]/[M4] Table 3-1); QEMU's plugin API (version 1) cannot read registers, so every divide is charged the bound, ${V7M_DIVIDE}`;
const CHOICES_COND = 'instructions inside an IT block are charged as executed (their condition is not visible to the trace); conditional branches use the observed successor';
const CHOICES_LITERAL = 'LDR Rx,[PC,#imm] "might add a cycle because of contention with the fetch unit" ([M4] 3.3.2): not added';
const CHOICES_P =
  'P, the refill after a taken branch, is "1 to 3 depending on the alignment and width of the target instruction, and whether the processor manages to speculate the address early" ([M4] Table 3-1 note): 1 for a direct branch, 2 for a register branch (BX, BLX, MOV/ADD to PC), plus 1 when the target is a 32-bit instruction at a halfword (not word) address; 3 for loads to the PC (LDR PC, POP/LDM with PC) and TBB/TBH ("three cycles for the pipeline reload", [M4] 3.3.2)';

function loadStoreSingle(i: Insn): boolean {
  return i.cls === 'load' || i.cls === 'store';
}

/** One instruction's cycles given the one before it (null: none, or a taken branch before it). */
export function issueV7m(t: V7mTimings, i: Insn, p: Insn | null): number {
  // [M4] 3.3.2: "Any load or store that generates an address dependent on the result of a preceding
  // data processing operation stalls the pipeline for an additional cycle while the register bank is
  // updated. There is no forwarding path for this scenario." (same text in [M3] 3.3.2)
  const addressStall = p !== null && isMemory(i) && isDataProcessing(p) && p.dests.some((r) => i.addrRegs.includes(r)) ? 1 : 0;
  // [M4] 3.3.2: "LDR [any] are pipelined when possible. This means that if the next instruction is an
  // LDR or STR, and the destination of the first LDR is not used to compute the address for the next
  // instruction, then one cycle is removed from the cost of the next instruction." Table 3-1 note b:
  // "Neighboring load and store single instructions can pipeline their address and data phases."
  const pipelined = p !== null && p.cls === 'load' && p.branch === null && loadStoreSingle(i) && !i.addrRegs.includes(p.dests[0]!);
  switch (i.cls) {
    case 'load':
      // Table 3-1: LDR, LDRB, LDRH, LDRSB, LDRSH, LDREX 2 (1 when pipelined after an LDR).
      return (pipelined ? 1 : 2) + addressStall;
    case 'store':
      // 3.3.2: "STR Rx,[Ry,#imm] is always one cycle"; register-offset stores and STREX take the
      // table's 2 ("Other instructions cannot be pipelined after STR with register offset"), 1 when
      // pipelined after an LDR ("LDR R0,[R1,R2]; STR R1,[R3,R2] - normally three cycles total").
      if (pipelined) return 1 + addressStall;
      return (i.regOffset || i.op.startsWith('strex') ? 2 : 1) + addressStall;
    case 'loadd':
    case 'stored':
      // 3.3.2: "LDRD and STRD cannot be pipelined with preceding or following instructions. However,
      // the two words are pipelined together. So, this operation requires three cycles when not stalled."
      return 3 + addressStall;
    case 'ldm':
    case 'stm':
      // Table 3-1: LDM, STM, PUSH, POP 1 + N (N registers, PC and LR included); a load to the PC adds P
      // (branchPenalty).
      return 1 + i.nregs + addressStall;
    case 'table':
      // 3.3.2: "TBB and TBH ... at least two cycles for the load, one cycle for the add, and three
      // cycles for the pipeline reload" (the reload is branchPenalty's).
      return 3 + addressStall;
    case 'branch':
      // Table 3-1: B, BL, BX, BLX, CBZ, CBNZ 1 (+ P when taken, branchPenalty); "Conditional branch
      // completes in a single cycle if the branch is not taken".
      return 1;
    case 'it':
      // Table 3-1: IT 1; note: "An IT instruction can be folded onto a preceding 16-bit Thumb
      // instruction, enabling execution in zero cycles."
      return p !== null && p.size === 2 && p.branch === null ? 0 : 1;
    case 'mul':
      return 1; // Table 3-1: MUL 1
    case 'mla':
      return t.mla;
    case 'mull':
      return t.mull;
    case 'mlal':
      return i.op === 'smlal' ? t.smlal : i.op === 'umaal' ? 1 : t.umlal;
    case 'dspmul':
    case 'simd':
      return 1; // [M4] Table 3-1: SMLAD, SMUAD, SMLABB, SMULBB, SMMLA, SMLALD, SADD8, SEL, SXTB16, ... 1
    case 'div':
      return V7M_DIVIDE;
    case 'barrier':
      // Table 3-1: DMB, DSB 1 + B (B minimum 0); ISB 1 + B, B at least a pipeline refill (1).
      return i.op === 'isb' ? 2 : 1;
    case 'sys':
      // Table 3-1: MRS, MSR, CPSID, CPSIE "1 or 2": 2. SVC, BKPT, WFI: not timed (the harness's only).
      return ['mrs', 'msr', 'cpsid', 'cpsie'].includes(i.op) ? 2 : 1;
    case 'vfp':
      return 1; // [M4] Table 7-1: VADD, VSUB, VMUL, VNMUL, VABS, VNEG, VCMP, VCVT, VMOV, VMRS, VMSR 1
    case 'vfpmac':
      return 3; // [M4] Table 7-1: VMLA, VMLS, VNMLA, VNMLS, VFMA, VFMS, VFNMA, VFNMS 3
    case 'vfpdiv':
      return 14; // [M4] Table 7-1: VDIV, VSQRT 14
    case 'vload':
    case 'vstore':
      return 2 + addressStall; // [M4] Table 7-1: VLDR, VSTR 2
    case 'vldm':
      return 1 + i.nregs + addressStall; // [M4] Table 7-1: VLDM, VSTM, VPUSH, VPOP 1 + N
    default:
      return 1; // ALU, moves, shifts, extends, bit fields, saturation, NOP: Table 3-1, 1 (unknown: 1, reported)
  }
}

export function penaltyV7m(branch: Insn, taken: boolean, target: Insn | undefined): number {
  if (!taken || branch.branch === null) return 0;
  const wide = isUnalignedWide(target) ? 1 : 0;
  switch (branch.branch) {
    case 'direct':
    case 'lob':
      return 1 + wide;
    case 'indirect':
      return 2 + wide;
    case 'loadpc':
    case 'table':
      return 3;
  }
}

export const V7M_CHOICES = [CHOICES_DIV, CHOICES_P, CHOICES_COND, CHOICES_LITERAL];

function v7mModel(t: V7mTimings): CoreModel {
  return {
    core: t.core,
    costRun(insns, before) {
      let cycles = 0;
      let p = before;
      for (const i of insns) {
        cycles += issueV7m(t, i, p);
        p = i;
      }
      return cycles;
    },
    branchPenalty: penaltyV7m,
    macFloor: t.macFloor,
    approximation: t.approximation,
    choices: [
      CHOICES_DIV,
      ...(t.mull > 1 ? [`SMULL/UMULL (3-5), UMLAL and SMLAL (4-7) terminate early on small operands ([M3] Table 3-1): charged the bounds ${t.mull}, ${t.umlal} and ${t.smlal}`] : []),
      CHOICES_P,
      CHOICES_COND,
      CHOICES_LITERAL,
    ],
  };
}

const DSP_FLOOR: MacFloor = {
  cyclesPerMac: 0.5,
  how: 'SMLAD: two 16x16 multiply-accumulates (int8 operands widened with SXTB16) in one cycle',
  source: 'Arm Cortex-M4 TRM (DDI 0439B) Table 3-1: SMLAD 1 cycle',
};

export const CORTEX_M3 = v7mModel({
  core: 'cortex-m3',
  mla: 2,
  mull: 5,
  umlal: 6,
  smlal: 7,
  macFloor: { cyclesPerMac: 2, how: 'MLA (no SIMD multiply on the M3): one multiply-accumulate in two cycles', source: 'Arm Cortex-M3 TRM (DDI 0337I) Table 3-1: MLA 2 cycles' },
  approximation: null,
});

export const M4_TIMINGS: V7mTimings = { core: 'cortex-m4', mla: 1, mull: 1, umlal: 1, smlal: 1, macFloor: DSP_FLOOR, approximation: null };
export const CORTEX_M4 = v7mModel(M4_TIMINGS);

export const CORTEX_M33 = v7mModel({
  core: 'cortex-m33',
  mla: 1,
  mull: 1,
  umlal: 1,
  smlal: 1,
  macFloor: {
    cyclesPerMac: 0.5,
    how: 'SMLAD: two 16x16 multiply-accumulates per instruction, one per cycle',
    source: "LLVM's Cortex-M33 schedule (the Cortex-M4 model, ARMProcessors.td); Arm publishes no M33 timing table",
  },
  approximation:
    'Arm publishes no Cortex-M33 instruction timings; the Cortex-M4 rules are used (as LLVM schedules the M33). The M33 resolves branches one stage earlier than the M4, so its taken branches can cost less than modelled',
});
