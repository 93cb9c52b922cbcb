/**
 * fuseActivations: a ReLU / ReLU6 op whose input comes from a conv, depthwise conv, dense, add or
 * concat with no activation of its own, and has no other reader, becomes that op's fused
 * activation (the int8 kernels clamp for free).
 */
import type { Activation, Graph, Op } from '../ir/graph.ts';
import { consumers, rewriteGraph } from './rebuild.ts';

const FUSES = new Set(['conv2d', 'depthwise_conv2d', 'fully_connected', 'add', 'concat']);

export function fuseActivations(g: Graph): Graph {
  const uses = consumers(g);
  const producer = new Map<number, Op>();
  for (const op of g.ops) for (const id of op.outputs) producer.set(id, op);
  const edited = new Map<number, Op>();
  const removed = new Set<number>();
  const rename = new Map<number, number>();
  for (const op of g.ops) {
    if (op.kind !== 'relu') continue;
    const act: Activation | null = op.attrs.max === undefined ? 'relu' : op.attrs.max === 6 ? 'relu6' : null;
    const x = op.inputs[0]!;
    const p = producer.get(x);
    if (!act || !p || !FUSES.has(p.kind) || g.outputs.includes(x) || (uses.get(x) ?? []).length !== 1) continue;
    const current = (edited.get(p.id) ?? p) as Op & { attrs: { activation: Activation } };
    if (current.attrs.activation !== 'none') continue;
    edited.set(p.id, { ...current, attrs: { ...current.attrs, activation: act } } as Op);
    removed.add(op.id);
    rename.set(op.outputs[0]!, x);
  }
  if (removed.size === 0) return g;
  return rewriteGraph(g, (op) => (removed.has(op.id) ? null : (edited.get(op.id) ?? op)), rename);
}
