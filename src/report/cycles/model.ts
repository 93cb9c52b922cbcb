/**
 * What a core's cycle model is: cycles of a straight-line run of instructions (pairing and stall
 * rules inside it), the refill cost of a taken branch, and the core's floor for int8 MACs. The
 * estimator (estimate.ts) multiplies each run by its execution count from QEMU and adds branch
 * costs from the observed successors. Every figure a model produces is an estimate, never a
 * measurement: the models are Arm's published instruction timings (or, where Arm publishes none,
 * a stated approximation), with zero-wait-state memory; flash wait states are added separately.
 */
import type { Insn } from './insn.ts';

export interface MacFloor {
  /** Cycles per int8 multiply-accumulate at the core's peak MAC rate (operand loads not counted). */
  cyclesPerMac: number;
  /** Which instruction gives that rate. */
  how: string;
  /** Where the rate is published. */
  source: string;
}

export interface CoreModel {
  core: string;
  /**
   * Cycles of a straight-line run, the outcome of a final branch excluded (see branchPenalty).
   * `before` is the instruction executed just before the run when it falls through into it (null
   * after a taken branch, whose refill restarts the pipeline, or when nothing is known).
   */
  costRun(insns: readonly Insn[], before: Insn | null): number;
  /** Extra cycles when `branch` is taken (pipeline refill); `target` is the instruction it reaches. */
  branchPenalty(branch: Insn, taken: boolean, target: Insn | undefined): number;
  macFloor: MacFloor;
  /** Null for models built from a published timing table; otherwise what the approximation is. */
  approximation: string | null;
  /** The model's choices where the hardware depends on values the trace does not have. */
  choices: string[];
}

/** Instructions whose result is computed by a data-processing unit (for address-dependency stalls). */
export function isDataProcessing(i: Insn): boolean {
  return ['alu', 'simd', 'mul', 'mla', 'mull', 'mlal', 'dspmul', 'div'].includes(i.cls);
}

export function isMemory(i: Insn): boolean {
  return ['load', 'store', 'loadd', 'stored', 'ldm', 'stm', 'table', 'vload', 'vstore', 'vldm'].includes(i.cls);
}

/** A 32-bit instruction at an address that is not word-aligned: fetching it takes two fetches. */
export function isUnalignedWide(i: Insn | undefined): boolean {
  return i !== undefined && i.size === 4 && i.addr % 4 === 2;
}
