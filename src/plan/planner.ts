/**
 * Arena planning: give every buffer an offset in one static arena so that no two buffers alive at
 * the same op overlap.
 *
 * Greedy by size (the TFLite Micro strategy):
 *   1. sort buffers by size, largest first (ties: earlier first use, then id: deterministic);
 *   2. for each buffer, collect the already-placed buffers whose lifetimes intersect its own,
 *      sorted by offset;
 *   3. walk the gaps between them from offset 0 and take the first aligned gap that fits;
 *      otherwise place it after the last of them.
 *
 *        ops ->   0   1   2   3
 *   [0,   512)   AAAAAAAA          A and C never live together,
 *   [0,   256)           CCCCCCCC  so C reuses A's bytes;
 *   [512, 768)       BBBBBBBB      B overlaps both in time.
 *
 * Linear (the baseline kept for comparison): every buffer gets its own bytes, in id order.
 * Lower bound: the largest total of bytes that must be live at one op; no plan can beat it.
 */
import type { BufferRequest } from './lifetimes.ts';

export type Strategy = 'greedy' | 'linear';

export interface PlacedBuffer extends BufferRequest {
  offset: number;
}

export interface Plan {
  strategy: Strategy;
  alignment: number;
  arenaBytes: number;
  lowerBound: number;
  buffers: PlacedBuffer[];
}

const alignUp = (x: number, a: number) => Math.ceil(x / a) * a;
const livesTogether = (a: BufferRequest, b: BufferRequest) => a.firstOp <= b.lastOp && b.firstOp <= a.lastOp;

export function lowerBound(requests: readonly BufferRequest[]): number {
  let ops = 0;
  for (const r of requests) ops = Math.max(ops, r.lastOp + 1);
  let best = 0;
  for (let op = 0; op < ops; op++) {
    let live = 0;
    for (const r of requests) if (r.firstOp <= op && op <= r.lastOp) live += r.bytes;
    best = Math.max(best, live);
  }
  return best;
}

export function planMemory(requests: readonly BufferRequest[], opts: { alignment?: number; strategy?: Strategy } = {}): Plan {
  const alignment = opts.alignment ?? 8;
  const strategy = opts.strategy ?? 'greedy';
  const placed: PlacedBuffer[] = [];
  if (strategy === 'linear') {
    let next = 0;
    for (const r of [...requests].sort((a, b) => a.id - b.id)) {
      placed.push({ ...r, offset: next });
      next = alignUp(next + r.bytes, alignment);
    }
  } else {
    const order = [...requests].sort((a, b) => b.bytes - a.bytes || a.firstOp - b.firstOp || a.id - b.id);
    for (const r of order) {
      const conflicts = placed.filter((p) => livesTogether(p, r)).sort((a, b) => a.offset - b.offset);
      let offset = 0;
      for (const p of conflicts) {
        if (offset + r.bytes <= p.offset) break;
        offset = Math.max(offset, alignUp(p.offset + p.bytes, alignment));
      }
      placed.push({ ...r, offset });
    }
  }
  const arenaBytes = placed.reduce((m, p) => Math.max(m, p.offset + p.bytes), 0);
  placed.sort((a, b) => a.id - b.id);
  return { strategy, alignment, arenaBytes: alignUp(arenaBytes, alignment), lowerBound: lowerBound(requests), buffers: placed };
}

/** Buffers alive at the same op whose byte ranges intersect (empty for a valid plan). */
export function overlaps(plan: Plan): [PlacedBuffer, PlacedBuffer][] {
  const bad: [PlacedBuffer, PlacedBuffer][] = [];
  const b = plan.buffers;
  for (let i = 0; i < b.length; i++) {
    for (let j = i + 1; j < b.length; j++) {
      const x = b[i]!;
      const y = b[j]!;
      if (livesTogether(x, y) && x.offset < y.offset + y.bytes && y.offset < x.offset + x.bytes && x.bytes > 0 && y.bytes > 0) bad.push([x, y]);
    }
  }
  return bad;
}
