/**
 * foldBatchNorm: an inference batch norm right after a conv, depthwise conv or dense op (the only
 * reader of that op's output, with no activation in between) is folded into the op's weights and bias:
 *
 *   s[c] = gamma[c] / sqrt(var[c] + eps)
 *   w'[.., c, ..] = w[.., c, ..] * s[c]         (c = output channel: axis 0 of OHWI and [C_OUT, C_IN],
 *   b'[c] = (b[c] - mean[c]) * s[c] + beta[c]    the last axis of depthwise [1, KH, KW, C])
 *
 * A batch norm that cannot fold (after an activation, a pool, the input, a shared output) has no
 * int8 kernel: it is reported as an unsupported layer, all of them in one error.
 */
import { EdgecError, type Diagnostic } from '../support/diagnostics.ts';
import type { Graph, Op, Tensor } from '../ir/graph.ts';
import { consumers, rewriteGraph } from './rebuild.ts';

type Foldable = Extract<Op, { kind: 'conv2d' | 'depthwise_conv2d' | 'fully_connected' }>;

function foldTarget(g: Graph, bn: Op, producer: Map<number, Op>, uses: Map<number, Op[]>): Foldable | string {
  const x = bn.inputs[0]!;
  const p = producer.get(x);
  if (!p) return 'it reads the model input';
  if (p.kind !== 'conv2d' && p.kind !== 'depthwise_conv2d' && p.kind !== 'fully_connected') return `it follows a ${p.kind} op ('${p.name}')`;
  if (p.attrs.activation !== 'none') return `'${p.name}' applies ${p.attrs.activation} before it`;
  if ((uses.get(x) ?? []).length !== 1 || g.outputs.includes(x)) return `the output of '${p.name}' has other readers`;
  if (g.tensors[p.inputs[1]!]!.shape[p.kind === 'depthwise_conv2d' ? 3 : 0] !== g.tensors[bn.inputs[1]!]!.shape[0]) return 'its channel count differs';
  return p;
}

export function foldBatchNorm(g: Graph): Graph {
  const uses = consumers(g);
  const producer = new Map<number, Op>();
  for (const op of g.ops) for (const id of op.outputs) producer.set(id, op);
  const rename = new Map<number, number>();
  const newTensors = new Map<number, Tensor>();
  const extra: Tensor[] = [];
  const edited = new Map<number, Op>();
  const removed = new Set<number>();
  const problems: Diagnostic[] = [];
  /** Replaces a constant in place when `op` is its only reader, else adds a copy; returns the id to read. */
  const replaceConst = (t: Tensor, data: Float32Array, op: Op): number => {
    if ((uses.get(t.id) ?? []).every((u) => u.id === op.id)) {
      newTensors.set(t.id, { ...t, data });
      return t.id;
    }
    const id = g.tensors.length + extra.length;
    extra.push({ ...t, id, name: `${t.name}/folded`, data });
    return id;
  };
  for (const bn of g.ops) {
    if (bn.kind !== 'batch_norm') continue;
    const p = foldTarget(g, bn, producer, uses);
    if (typeof p === 'string') {
      problems.push({
        code: 'E-IMPORT-LAYER',
        stage: 'passes',
        message: `BatchNormalization is supported only right after a Conv, DepthwiseConv or Dense layer without activation (folded into it); here ${p}`,
        location: { file: g.meta.source, layer: bn.name },
      });
      continue;
    }
    const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((id) => g.tensors[id]!.data as Float32Array);
    const eps = bn.attrs.epsilon;
    const C = gamma!.length;
    const s = Float32Array.from(gamma!, (gv, c) => gv / Math.sqrt(variance![c]! + eps));
    const w = g.tensors[p.inputs[1]!]!;
    const wd = w.data as Float32Array;
    const perChannel = wd.length / C;
    const channelOf = p.kind === 'depthwise_conv2d' ? (i: number) => i % C : (i: number) => Math.floor(i / perChannel);
    const wId = replaceConst(
      w,
      Float32Array.from(wd, (v, i) => v * s[channelOf(i)]!),
      p,
    );
    const biasIn = p.inputs[2] ?? -1;
    const oldBias = biasIn >= 0 ? (g.tensors[biasIn]!.data as Float32Array) : new Float32Array(C);
    const bias = Float32Array.from(oldBias, (bv, c) => (bv - mean![c]!) * s[c]! + beta![c]!);
    let biasId: number;
    if (biasIn >= 0) biasId = replaceConst(g.tensors[biasIn]!, bias, p);
    else {
      biasId = g.tensors.length + extra.length;
      extra.push({ id: biasId, name: `${p.name}/bias`, shape: [C], dtype: 'float32', data: bias });
    }
    edited.set(p.id, { ...p, inputs: [p.inputs[0]!, wId, biasId] });
    rename.set(bn.outputs[0]!, bn.inputs[0]!);
    removed.add(bn.id);
  }
  if (problems.length > 0) throw new EdgecError(problems);
  if (removed.size === 0) return g;
  const withExtra: Graph = { ...g, tensors: [...g.tensors, ...extra] };
  return rewriteGraph(withExtra, (op) => (removed.has(op.id) ? null : (edited.get(op.id) ?? op)), rename, newTensors);
}
