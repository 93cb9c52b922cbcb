/**
 * Estimated cycles from execution counts: each block QEMU ran (plugin counts, src/toolchain/
 * qemu-plugin.ts) is costed once, statically, from its disassembly with the core's rules (pairing
 * and stalls inside it), multiplied by how often it ran; then, from the observed successor of every
 * execution, each final branch is charged taken or not taken, and a block that falls through into
 * the next is re-costed at its start with the instruction before it (LDR pairs and IT folding across
 * blocks). Flash wait states are added per instruction fetch word and per data load from the flash
 * region:
 *
 *   cycles = sum(block runs x core cycles) + branch refills
 *          + waitStates x ((1 - prefetch) x fetch words from flash + (1 - dataCache) x loads from flash)
 *
 * `prefetch` (0..1) is the fraction of the fetch wait states a prefetch buffer or instruction cache
 * hides, `dataCache` (0..1) the fraction of the data-load wait states a flash data cache hides; 0
 * charges every access, 1 none (as from zero-wait RAM or a TCM). Estimated, never measured.
 */
import type { TbCounts } from '../../toolchain/qemu-plugin.ts';
import { blockInsns, type Disassembly } from './disasm.ts';
import type { Insn } from './insn.ts';
import type { CoreModel } from './model.ts';

export interface MemoryModel {
  /** Wait states of a flash access (instruction fetch or data load). */
  waitStates: number;
  /** Fraction of the instruction-fetch wait states hidden by a prefetch buffer or instruction cache, 0..1. */
  prefetch: number;
  /** Fraction of the data-load wait states hidden by a flash data cache, 0..1. */
  dataCache: number;
  /** The flash region of the target's memory map (targets/*.json `memory.flash`). */
  flash: { origin: number; length: number };
}

export interface SegmentEstimate {
  /** Executed instructions counted by the plugin. */
  instructions: number;
  /** Estimated cycles, everything included. */
  cycles: number;
  /** Of which the core's own (zero wait states). */
  coreCycles: number;
  /** Of which flash wait states on instruction fetches and on data loads. */
  fetchStall: number;
  dataStall: number;
  branchesTaken: number;
  branchesNotTaken: number;
  /** Data loads that read the flash region. */
  flashLoads: number;
}

export interface CycleEstimate {
  core: string;
  segments: SegmentEstimate[];
  total: SegmentEstimate;
  /** Mnemonics no rule knows, charged 1 cycle each: executed counts. */
  unknown: { mnemonic: string; executed: number }[];
  /** Executed instructions at addresses objdump did not show (charged 1 cycle each). */
  undisassembled: number;
  memory: MemoryModel;
}

const empty = (): SegmentEstimate => ({ instructions: 0, cycles: 0, coreCycles: 0, fetchStall: 0, dataStall: 0, branchesTaken: 0, branchesNotTaken: 0, flashLoads: 0 });

/** Instructions from `addr` up to and including the first branch, at most `max`. */
function headOf(d: Disassembly, addr: number, max: number): Insn[] {
  const out: Insn[] = [];
  for (let a = addr; out.length < max; ) {
    const i = d.insns.get(a);
    if (!i) break;
    out.push(i);
    if (i.branch !== null) break;
    a += i.size;
  }
  return out;
}

/** `end`: the address where counting stopped; the block there is not part of the estimate, so no pipeline context is charged to it. */
export function estimateCycles(counts: TbCounts, d: Disassembly, model: CoreModel, memory: MemoryModel, end?: number): CycleEstimate {
  const segs: SegmentEstimate[] = Array.from({ length: Math.max(counts.segments, 1) }, empty);
  const seg = (k: number) => {
    while (segs.length <= k) segs.push(empty());
    return segs[k]!;
  };
  const unknown = new Map<string, number>();
  let undisassembled = 0;
  const stallPerFetch = memory.waitStates * (1 - memory.prefetch);
  const stallPerLoad = memory.waitStates * (1 - memory.dataCache);
  const inFlash = (a: number) => a >= memory.flash.origin && a < memory.flash.origin + memory.flash.length;

  const blockCache = new Map<string, { insns: Insn[]; cycles: number; bytes: number }>();
  const block = (start: number, n: number, bytes: number) => {
    const key = `${start}:${n}`;
    let b = blockCache.get(key);
    if (!b) {
      const insns = blockInsns(d, start, n);
      b = { insns, cycles: model.costRun(insns, null) + (n - insns.length), bytes };
      blockCache.set(key, b);
    }
    return b;
  };

  for (const e of counts.blocks) {
    const b = block(e.start, e.n, e.bytes);
    const s = seg(e.seg);
    s.instructions += e.n * e.count;
    s.coreCycles += b.cycles * e.count;
    undisassembled += (e.n - b.insns.length) * e.count;
    for (const i of b.insns) if (i.cls === 'unknown') unknown.set(i.op, (unknown.get(i.op) ?? 0) + e.count);
    if (stallPerFetch > 0 && inFlash(e.start)) {
      const words = Math.floor((e.start + e.bytes - 1) / 4) - Math.floor(e.start / 4) + 1;
      s.fetchStall += words * stallPerFetch * e.count;
    }
  }

  const deltaCache = new Map<string, number>();
  for (const p of counts.pairs) {
    const b = blockCache.get(`${p.start}:${p.n}`);
    const last = b?.insns[b.insns.length - 1];
    if (!b || !last || b.insns.length < p.n) continue;
    const s = seg(p.seg);
    const fallThrough = p.start + b.bytes;
    const branch = last.branch !== null;
    const taken = branch && (p.next !== fallThrough || !last.conditional);
    if (branch) {
      s.coreCycles += model.branchPenalty(last, taken, d.insns.get(p.next)) * p.count;
      if (taken) s.branchesTaken += p.count;
      else s.branchesNotTaken += p.count;
    }
    if (!taken && p.next === fallThrough && p.next !== end) {
      // The next block starts with `last` just before it in the pipeline.
      const key = `${last.addr}>${p.next}`;
      let delta = deltaCache.get(key);
      if (delta === undefined) {
        const head = headOf(d, p.next, 4);
        delta = model.costRun(head, last) - model.costRun(head, null);
        deltaCache.set(key, delta);
      }
      s.coreCycles += delta * p.count;
    }
  }

  for (const f of counts.flashLoads) {
    const s = seg(f.seg);
    s.flashLoads += f.count;
    s.dataStall += f.count * stallPerLoad;
  }

  for (const s of segs) s.cycles = s.coreCycles + s.fetchStall + s.dataStall;
  const total = segs.reduce((a, s) => {
    for (const k of Object.keys(a) as (keyof SegmentEstimate)[]) a[k] += s[k];
    return a;
  }, empty());
  return {
    core: model.core,
    segments: segs,
    total,
    unknown: [...unknown.entries()].map(([mnemonic, executed]) => ({ mnemonic, executed })).sort((a, b) => b.executed - a.executed),
    undisassembled,
    memory,
  };
}

/** Milliseconds at a clock in MHz. */
export function cyclesToMs(cycles: number, clockMhz: number): number {
  return cycles / (clockMhz * 1e3);
}
