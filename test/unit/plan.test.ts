/**
 * The arena planner: for random lifetime sets and small graphs, no two buffers alive together
 * overlap (checked pairwise), offsets are aligned, greedy never needs more than linear, and no plan
 * is below the lower bound (recomputed here by brute force over ops).
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { bufferRequests, overlaps, planGraph, planMemory, type BufferRequest } from '../../src/plan/index.ts';

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function bruteLowerBound(rs: BufferRequest[]): number {
  let best = 0;
  for (let op = 0; op < 64; op++)
    best = Math.max(
      best,
      rs.filter((r) => r.firstOp <= op && op <= r.lastOp).reduce((a, r) => a + r.bytes, 0),
    );
  return best;
}

describe('planMemory', () => {
  it('never overlaps live buffers on 500 random problems, aligned, greedy <= linear, >= lower bound', () => {
    const next = rng(42);
    for (let k = 0; k < 500; k++) {
      const rs: BufferRequest[] = [];
      const n = 1 + next(20);
      for (let i = 0; i < n; i++) {
        const first = next(30);
        rs.push({ id: i, name: `t${i}`, bytes: 1 + next(3000), firstOp: first, lastOp: first + next(10) });
      }
      for (const alignment of [1, 8, 16]) {
        const greedy = planMemory(rs, { alignment });
        const linear = planMemory(rs, { alignment, strategy: 'linear' });
        expect(overlaps(greedy)).toEqual([]);
        expect(overlaps(linear)).toEqual([]);
        for (const b of greedy.buffers) expect(b.offset % alignment).toBe(0);
        expect(greedy.arenaBytes).toBeLessThanOrEqual(linear.arenaBytes);
        expect(greedy.arenaBytes).toBeGreaterThanOrEqual(bruteLowerBound(rs));
        expect(greedy.lowerBound).toBe(bruteLowerBound(rs));
      }
    }
  });

  it('reuses the bytes of a dead buffer', () => {
    const p = planMemory([
      { id: 0, name: 'a', bytes: 512, firstOp: 0, lastOp: 1 },
      { id: 1, name: 'b', bytes: 256, firstOp: 1, lastOp: 2 },
      { id: 2, name: 'c', bytes: 256, firstOp: 2, lastOp: 3 },
    ]);
    expect(p.arenaBytes).toBe(768);
    expect(p.buffers.find((b) => b.id === 2)!.offset).toBe(0);
  });
});

describe('planGraph', () => {
  function chain() {
    const b = new GraphBuilder();
    const q = { scale: [0.1], zeroPoint: [0] };
    const x = b.addTensor({ name: 'x', shape: [1, 1, 32, 4], dtype: 'int8', quant: q });
    const w = b.addTensor({ name: 'w', shape: [4, 1, 3, 4], dtype: 'int8', quant: q, data: new Int8Array(48) });
    const y = b.addTensor({ name: 'y', shape: [1, 1, 32, 4], dtype: 'int8', quant: q });
    const z = b.addTensor({ name: 'z', shape: [1, 1, 32, 4], dtype: 'int8', quant: q });
    const r = b.addTensor({ name: 'r', shape: [1, 128], dtype: 'int8', quant: q });
    const s = b.addTensor({ name: 's', shape: [1, 128], dtype: 'int8', quant: q });
    const conv = { stride: { h: 1, w: 1 }, dilation: { h: 1, w: 1 }, padding: { top: 0, bottom: 0, left: 1, right: 1 }, activation: 'relu' as const, groups: 1 };
    b.addOp({ kind: 'conv2d', name: 'c1', attrs: conv, inputs: [x, w, -1], outputs: [y] });
    b.addOp({ kind: 'conv2d', name: 'c2', attrs: conv, inputs: [y, w, -1], outputs: [z] });
    b.addOp({ kind: 'reshape', name: 'flat', attrs: { shape: [1, 128] }, inputs: [z], outputs: [r] });
    b.addOp({ kind: 'add', name: 'res', attrs: { activation: 'none' }, inputs: [r, r], outputs: [s] });
    return b.build('chain', [x], [s], { source: 'test' });
  }

  it('aliases a reshape to its input and keeps constants out of the arena', () => {
    const g = chain();
    const rs = bufferRequests(g);
    expect(rs.map((r) => r.name)).toEqual(['x', 'y', 'z', 's']);
    const z = rs.find((r) => r.name === 'z')!;
    expect(z.lastOp).toBe(3); // extended through the reshape to the add that reads the alias
  });

  it('plans the chain without overlap and reuses x for z', () => {
    const { plan, linearBytes } = planGraph(chain());
    expect(overlaps(plan)).toEqual([]);
    expect(linearBytes).toBe(4 * 128);
    // x@0 y@128 z@0 (x is dead) s@128 (y is dead): the lower bound is reached.
    expect(plan.arenaBytes).toBe(2 * 128);
    expect(plan.lowerBound).toBe(2 * 128);
  });
});
