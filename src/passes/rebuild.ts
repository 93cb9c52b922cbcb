/** Shared plumbing for passes: consumers of each tensor, and rebuilding a graph with some ops changed. */
import { compactGraph, type OpInit } from '../ir/builder.ts';
import type { Graph, Op, Tensor } from '../ir/graph.ts';

export function consumers(g: Graph): Map<number, Op[]> {
  const m = new Map<number, Op[]>();
  for (const op of g.ops) for (const id of op.inputs) if (id >= 0) m.set(id, [...(m.get(id) ?? []), op]);
  return m;
}

/**
 * A new graph where `replace(op)` gives the op(s) to keep (same op, an edited copy, or none), tensor
 * ids are renamed through `rename`, and tensors may be replaced (e.g. folded weights). Unreferenced
 * tensors are dropped.
 */
export function rewriteGraph(g: Graph, replace: (op: Op) => Op | null, rename: Map<number, number> = new Map(), newTensors: Map<number, Tensor> = new Map()): Graph {
  const resolve = (id: number): number => {
    let r = id;
    while (rename.has(r)) r = rename.get(r)!;
    return r;
  };
  const ops: Op[] = [];
  for (const op of g.ops) {
    const kept = replace(op);
    if (kept) ops.push({ ...kept, inputs: kept.inputs.map((id) => (id < 0 ? id : resolve(id))), outputs: kept.outputs } as Op);
  }
  const tensors = g.tensors.map((t) => newTensors.get(t.id) ?? t);
  return compactGraph({ ...g, tensors, ops, outputs: g.outputs.map(resolve) });
}

export type { OpInit };
