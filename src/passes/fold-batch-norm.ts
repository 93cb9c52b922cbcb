/**
 * foldBatchNorm: a batch norm right after a conv, depthwise conv or dense layer (its only consumer,
 * no activation in between) is folded into that layer's weights and bias:
 *   s[c] = gamma[c] / sqrt(var[c] + eps);  w'[c] = w[c] * s[c];  b'[c] = (b[c] - mean[c]) * s[c] + beta[c]
 * A batch norm that cannot fold is reported, naming the layer.
 */
import { EdgecError, type Diagnostic } from '../diagnostics.ts';
import type { Graph, Op, Tensor } from '../ir/graph.ts';
import { consumers, rewriteGraph } from './rebuild.ts';

export function foldBatchNorm(g: Graph): Graph {
  const uses = consumers(g);
  const producer = new Map<number, Op>();
  for (const op of g.ops) for (const id of op.outputs) producer.set(id, op);
  const rename = new Map<number, number>();
  const newTensors = new Map<number, Tensor>();
  const edited = new Map<number, Op>();
  const removed = new Set<number>();
  const problems: Diagnostic[] = [];
  let nextId = g.tensors.length;
  const extra: Tensor[] = [];
  for (const bn of g.ops) {
    if (bn.kind !== 'batch_norm') continue;
    const p = producer.get(bn.inputs[0]!);
    const foldable =
      p && (p.kind === 'conv2d' || p.kind === 'depthwise_conv2d' || p.kind === 'fully_connected') && p.attrs.activation === 'none' && (uses.get(bn.inputs[0]!) ?? []).length === 1;
    if (!p || !foldable) {
      problems.push({ code: 'E-PASS-BATCHNORM', stage: 'passes', message: 'BatchNormalization must directly follow a Conv/DepthwiseConv/Dense layer without activation to be folded', location: { layer: bn.name } });
      continue;
    }
    const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((id) => g.tensors[id]!.data as Float32Array);
    const eps = bn.attrs.epsilon;
    const C = gamma!.length;
    const s = Float32Array.from(gamma!, (gv, c) => gv / Math.sqrt(variance![c]! + eps));
    const w = g.tensors[p.inputs[1]!]!;
    const wd = w.data as Float32Array;
    // Output channel of each weight: axis 0 for conv/dense, the last axis for depthwise.
    const channelOf = p.kind === 'depthwise_conv2d' ? (i: number) => i % C : (i: number) => Math.floor(i / (wd.length / C));
    newTensors.set(w.id, { ...w, data: Float32Array.from(wd, (v, i) => v * s[channelOf(i)]!) });
    const oldBias = p.inputs[2] !== undefined && p.inputs[2] >= 0 ? (g.tensors[p.inputs[2]]!.data as Float32Array) : new Float32Array(C);
    const bias = Float32Array.from(oldBias, (bv, c) => (bv - mean![c]!) * s[c]! + beta![c]!);
    let biasId = p.inputs[2] ?? -1;
    if (biasId >= 0) newTensors.set(biasId, { ...g.tensors[biasId]!, data: bias });
    else {
      biasId = nextId++;
      extra.push({ id: biasId, name: `${p.name}/bias`, shape: [C], dtype: 'float32', data: bias });
    }
    edited.set(p.id, { ...p, inputs: [p.inputs[0]!, p.inputs[1]!, biasId] } as Op);
    rename.set(bn.outputs[0]!, bn.inputs[0]!);
    removed.add(bn.id);
  }
  if (problems.length > 0) throw new EdgecError(problems);
  if (removed.size === 0) return g;
  const withExtra: Graph = { ...g, tensors: [...g.tensors, ...extra] };
  return rewriteGraph(withExtra, (op) => (removed.has(op.id) ? null : (edited.get(op.id) ?? op)), rename, newTensors);
}
