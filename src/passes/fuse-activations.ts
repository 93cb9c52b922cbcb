/**
 * fuseActivations: a standalone ReLU / ReLU6 op becomes the fused activation of the op that produces
 * its input (the int8 kernels clamp for free), looking back through reshapes:
 *
 *   conv2d(act none) -> [reshape ->]* relu   ==>   conv2d(act relu) -> [reshape ->]*
 *
 * Safe only when every tensor on that path has this one reader and is not a graph output (nothing
 * else may see the values before the clamp), and the producer applies its activation in the int8
 * kernel: conv, depthwise conv, dense, add, sub, mul and pools. (Concat is excluded: its int8 form is a copy
 * that shares the inputs' quantization, so a fused clamp would be lost.) A producer already clamping
 * composes: relu after relu6 is relu6, relu6 after relu is relu6. Any other ReLU (a cap other than 6,
 * or after the input, a pad, a concat...) stays a 'relu' op.
 */
import type { Activation, Graph, Op } from '../ir/graph.ts';
import { consumers, rewriteGraph } from './rebuild.ts';

const FUSES = new Set(['conv2d', 'depthwise_conv2d', 'transpose_conv2d', 'fully_connected', 'add', 'sub', 'mul', 'max_pool2d', 'avg_pool2d']);

function compose(inner: Activation, outer: 'relu' | 'relu6'): Activation {
  return inner === 'relu6' || outer === 'relu6' ? 'relu6' : 'relu';
}

export function fuseActivations(g: Graph): Graph {
  const uses = consumers(g);
  const producer = new Map<number, Op>();
  for (const op of g.ops) for (const id of op.outputs) producer.set(id, op);
  const soleReader = (id: number) => (uses.get(id) ?? []).length === 1 && !g.outputs.includes(id);
  const edited = new Map<number, Op>();
  const removed = new Set<number>();
  const rename = new Map<number, number>();
  for (const op of g.ops) {
    if (op.kind !== 'relu') continue;
    const act = op.attrs.max === undefined ? 'relu' : op.attrs.max === 6 ? 'relu6' : null;
    if (!act) continue;
    let x = op.inputs[0]!;
    let p = producer.get(x);
    let ok = soleReader(x);
    while (ok && p?.kind === 'reshape') {
      x = p.inputs[0]!;
      ok = soleReader(x);
      p = producer.get(x);
    }
    if (!ok || !p || !FUSES.has(p.kind)) continue;
    const current = (edited.get(p.id) ?? p) as Op & { attrs: { activation: Activation } };
    edited.set(p.id, { ...current, attrs: { ...current.attrs, activation: compose(current.attrs.activation, act) } } as Op);
    removed.add(op.id);
    rename.set(op.outputs[0]!, op.inputs[0]!);
  }
  if (removed.size === 0) return g;
  return rewriteGraph(g, (op) => (removed.has(op.id) ? null : (edited.get(op.id) ?? op)), rename);
}
