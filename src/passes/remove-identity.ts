/** removeIdentity: reshapes to the shape they already have disappear (their readers read the input). */
import type { Graph } from '../ir/graph.ts';
import { rewriteGraph } from './rebuild.ts';

export function removeIdentity(g: Graph): Graph {
  const rename = new Map<number, number>();
  const removed = new Set<number>();
  for (const op of g.ops) {
    if (op.kind !== 'reshape') continue;
    const a = g.tensors[op.inputs[0]!]!.shape;
    const b = g.tensors[op.outputs[0]!]!.shape;
    if (a.length === b.length && a.every((d, i) => d === b[i]) && !g.outputs.includes(op.outputs[0]!)) {
      removed.add(op.id);
      rename.set(op.outputs[0]!, op.inputs[0]!);
    }
  }
  if (removed.size === 0) return g;
  return rewriteGraph(g, (op) => (removed.has(op.id) ? null : op), rename);
}
