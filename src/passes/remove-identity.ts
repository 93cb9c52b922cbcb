/**
 * removeIdentity: ops that copy their input unchanged disappear (their readers read the input):
 *   - a reshape to the shape it already has (a Flatten of [N, C], a Reshape back and forth);
 *   - a pad of zero on every side;
 *   - a concat of one input;
 *   - a 1x1 pool with stride 1, no padding and no activation.
 * A reshape of a reshape reads the first one's input (reshape is an alias: only the last shape counts),
 * and a reshape left without readers is dropped.
 * Linear activations and Dropout never reach the graph (the importer drops them). The op producing a
 * graph output is kept, so graph outputs keep their ids' shapes.
 */
import type { Graph, Op, Padding2d } from '../ir/graph.ts';
import { rewriteGraph } from './rebuild.ts';

const noPadding = (p: Padding2d) => p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0;

function isIdentity(g: Graph, op: Op): boolean {
  const a = g.tensors[op.inputs[0]!]!.shape;
  const b = g.tensors[op.outputs[0]!]!.shape;
  const sameShape = a.length === b.length && a.every((d, i) => d === b[i]);
  switch (op.kind) {
    case 'reshape':
      return sameShape;
    case 'pad':
      return noPadding(op.attrs.padding);
    case 'concat':
      return op.inputs.length === 1 && op.attrs.activation === 'none';
    case 'max_pool2d':
    case 'avg_pool2d': {
      const { filter, stride, padding, activation } = op.attrs;
      return sameShape && filter.h === 1 && filter.w === 1 && stride.h === 1 && stride.w === 1 && noPadding(padding) && activation === 'none';
    }
    default:
      return false;
  }
}

export function removeIdentity(g: Graph): Graph {
  const rename = new Map<number, number>();
  const removed = new Set<number>();
  const edited = new Map<number, Op>();
  const producer = new Map<number, Op>();
  const resolve = (id: number): number => (rename.has(id) ? resolve(rename.get(id)!) : id);
  for (const op of g.ops) {
    for (const id of op.outputs) producer.set(id, op);
    if (isIdentity(g, op) && !g.outputs.includes(op.outputs[0]!)) {
      removed.add(op.id);
      rename.set(op.outputs[0]!, op.inputs[0]!);
      continue;
    }
    const src = op.kind === 'reshape' ? producer.get(resolve(op.inputs[0]!)) : undefined;
    if (src?.kind === 'reshape') edited.set(op.id, { ...op, inputs: [(edited.get(src.id) ?? src).inputs[0]!] });
  }
  if (removed.size === 0 && edited.size === 0) return g;
  const kept = g.ops.filter((op) => !removed.has(op.id)).map((op) => edited.get(op.id) ?? op);
  // A reshape whose only reader was a reshape is now unread: drop it (sweeping from the end).
  const read = new Set<number>(g.outputs.map(resolve));
  const live = new Set<number>();
  for (let i = kept.length - 1; i >= 0; i--) {
    const op = kept[i]!;
    if (op.kind === 'reshape' && !read.has(op.outputs[0]!)) continue;
    live.add(op.id);
    for (const id of op.inputs) read.add(resolve(id));
  }
  return rewriteGraph(g, (op) => (live.has(op.id) ? (edited.get(op.id) ?? op) : null), rename);
}
