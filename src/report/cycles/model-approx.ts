/**
 * Approximate cycle models of the Cortex-M7 (dual issue) and Cortex-M55 (Helium beats). Arm
 * publishes no instruction timing tables for either; both follow LLVM's scheduling models, which
 * Arm engineers wrote and which state their own simplifications:
 *   [LLVM-M7]  llvm/lib/Target/ARM/ARMScheduleM7.td  (issue width 2, load-use latency 2, one MAC
 *              pipe, one store port, two load ports, single-issue LDM/STM/LDRD/STRD/TBB/divide)
 *   [LLVM-M55] llvm/lib/Target/ARM/ARMScheduleM55.td ("a lot like the M4/M33"; dual issue of two
 *              16-bit instructions when one is NOP, IT, a branch, ADDS/SUBS/MOVS immediate, MOV
 *              register or an extend; MVE instructions take two beats on one of three pipes -
 *              load/store, integer, FP/multiply - and the second beat of one overlaps the first of
 *              the next when their pipes differ)
 * These are estimates of estimates: the README and every report say so.
 */
import type { Insn } from './insn.ts';
import type { CoreModel } from './model.ts';
import { issueV7m, M4_TIMINGS, penaltyV7m, V7M_CHOICES } from './model-v7m.ts';

// ---- Cortex-M7 ----

const M7_SINGLE = new Set(['ldm', 'stm', 'loadd', 'stored', 'table', 'div', 'sys', 'barrier', 'vldm', 'vfpdiv', 'unknown']);
const M7_STORE = new Set(['store', 'stored', 'stm', 'vstore']);
const M7_MAC = new Set(['mul', 'mla', 'mull', 'mlal', 'dspmul']);
const M7_FP = new Set(['vfp', 'vfpmac', 'vfpdiv', 'vload', 'vstore', 'vldm']);

/** [LLVM-M7]: load-use 2 (LoadLatency), multiplies 2, FP 3 (VMLA 6), divide 7 and single issue. */
function m7Latency(i: Insn): number {
  if (i.cls === 'load' || i.cls === 'loadd' || i.cls === 'ldm') return 2;
  if (M7_MAC.has(i.cls)) return 2;
  if (i.cls === 'div') return 7;
  if (i.cls === 'vfpmac') return 6;
  if (i.cls === 'vfp' || i.cls === 'vload') return 3;
  return 1;
}

/** Cycles an instruction holds the issue stage: divides stall for their latency; LDM/STM move two registers a cycle (64-bit data path). */
function m7Occupancy(i: Insn): number {
  if (i.cls === 'div') return 7;
  if (i.cls === 'ldm' || i.cls === 'stm' || i.cls === 'vldm') return 1 + Math.ceil(i.nregs / 2);
  if (i.cls === 'loadd' || i.cls === 'stored') return 2;
  return 1;
}

function m7CanPair(a: Insn, b: Insn): boolean {
  if (M7_SINGLE.has(a.cls) || M7_SINGLE.has(b.cls) || a.branch !== null) return false;
  if (b.cls === 'simd' || b.cls === 'dspmul') return false; // DSP ops issue in slot 0 only (BeginGroup)
  if (M7_STORE.has(a.cls) && M7_STORE.has(b.cls)) return false;
  if (M7_MAC.has(a.cls) && M7_MAC.has(b.cls)) return false;
  if (M7_FP.has(a.cls) && M7_FP.has(b.cls)) return false;
  return !a.dests.some((r) => b.srcs.includes(r) || b.addrRegs.includes(r));
}

export const CORTEX_M7: CoreModel = {
  core: 'cortex-m7',
  costRun(insns) {
    if (insns.length === 0) return 0;
    let cur = -1;
    let open: Insn | null = null; // issued alone in cycle `cur`, may take a partner
    const ready = new Map<number, number>();
    for (const i of insns) {
      const need = Math.max(0, ...[...i.srcs, ...i.addrRegs].map((r) => ready.get(r) ?? 0));
      let at: number;
      if (open && m7CanPair(open, i) && need <= cur) {
        at = cur;
        open = null;
      } else {
        at = Math.max(cur + 1, need);
        const occ = m7Occupancy(i);
        cur = at + occ - 1;
        open = occ === 1 && !M7_SINGLE.has(i.cls) ? i : null;
      }
      for (const r of i.dests) ready.set(r, at + m7Latency(i));
    }
    return cur + 1;
  },
  branchPenalty(branch, taken) {
    if (!taken || branch.branch === null) return 0;
    // Direct branches: the branch target address cache is assumed to hit (loops); register branches
    // and loads to the PC: [LLVM-M7] MispredictPenalty 4.
    return branch.branch === 'direct' || branch.branch === 'lob' ? 0 : 4;
  },
  macFloor: {
    cyclesPerMac: 0.5,
    how: 'SMLAD on the single MAC pipe: two 16x16 multiply-accumulates a cycle',
    source: '[LLVM-M7] ARMScheduleM7.td: one MAC unit (M7UnitMAC), SMLAD a MAC32 write',
  },
  approximation:
    "Cortex-M7: dual issue approximated from LLVM's M7 schedule (pairs unless both store, both multiply, both FP, a dependency, or a single-issue instruction); taken direct branches predicted (no penalty), register branches 4",
  choices: ['divides charged 7 cycles (LLVM-M7)', 'LDM/STM/PUSH/POP charged 1 + ceil(N/2) (64-bit data path)', 'cross-block pairing not modelled'],
};

// ---- Cortex-M55 ----

/** [LLVM-M55]: 16-bit instructions that can be the partner of a dual-issue pair. */
function m55DualPartner(i: Insn): boolean {
  if (i.size !== 2) return false;
  if (i.cls === 'nop' || i.cls === 'it' || (i.cls === 'branch' && i.branch === 'direct')) return true;
  return ['add', 'sub', 'mov', 'uxtb', 'uxth', 'sxtb', 'sxth'].includes(i.op) && i.cls === 'alu';
}

function mvePipe(i: Insn): string | null {
  return i.cls === 'mve-ls' || i.cls === 'mve-int' || i.cls === 'mve-mul' ? i.cls : null;
}

export const CORTEX_M55: CoreModel = {
  core: 'cortex-m55',
  costRun(insns, before) {
    let cycles = 0;
    let p = before;
    let pairedWithP = false;
    for (const i of insns) {
      let c: number;
      const pipe = mvePipe(i);
      if (pipe) {
        // Two beats; the first overlaps the previous MVE instruction's second beat on another pipe.
        const prevPipe = p ? mvePipe(p) : null;
        c = prevPipe !== null && prevPipe !== pipe ? 1 : 2;
      } else if (i.cls === 'mve-sys') {
        c = 1;
      } else if (i.cls === 'lob') {
        c = 1;
      } else if (
        p &&
        !pairedWithP &&
        i.size === 2 &&
        p.size === 2 &&
        (m55DualPartner(i) || m55DualPartner(p)) &&
        p.branch === null &&
        !p.dests.some((r) => i.srcs.includes(r) || i.addrRegs.includes(r))
      ) {
        c = 0; // dual issued with the previous 16-bit instruction
      } else {
        c = issueV7m(M4_TIMINGS, i, p);
      }
      pairedWithP = c === 0 && !pipe;
      cycles += c;
      p = i;
    }
    return cycles;
  },
  branchPenalty(branch, taken, target) {
    // LE/LETP: the low-overhead-loop branch is taken without a refill (loop cache assumed to hit).
    if (branch.branch === 'lob') return 0;
    return penaltyV7m(branch, taken, target);
  },
  macFloor: {
    cyclesPerMac: 0.125,
    how: 'VMLADAV.S8: 16 int8 multiply-accumulates in two beats on the FP/multiply pipe, 8 a cycle',
    source:
      "[LLVM-M55] ARMScheduleM55.td (MVE_VMLADAV: two beats, M55Write2FloatE3); Arm's Cortex-M55 specification: 8 x 8-bit MACs/cycle (quoted on community.arm.com, AI and ML forum, thread 49017)",
  },
  approximation:
    "Cortex-M55: scalar code with the Cortex-M4 rules plus LLVM's dual issue of 16-bit pairs; MVE instructions two beats each, one when the previous MVE instruction used another pipe (LLVM's M55 schedule); LE charged 1 cycle, no refill",
  choices: [...V7M_CHOICES],
};
