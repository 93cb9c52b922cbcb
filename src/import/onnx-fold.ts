/**
 * Rewrites of the ONNX node list before import, where an exporter splits what the IR holds in one
 * op. Each applies only when the intermediate value has one reader and is not a graph output:
 *
 *   Conv | Gemm | MatMul(x, const [K, N])  -> Add | Sub (per-output-channel constant)   bias folded in
 *                                          -> Mul | Div (per-output-channel constant)   weights and bias scaled
 *   Conv | Gemm | MatMul                   -> Relu | Clip(0, 6)                         fused activation
 *
 * PyTorch exports `nn.Linear` on a sequence as MatMul + Add, and a model with its normalization
 * written out (x * gamma + beta) as Mul + Add. Float models only fold constants (a quantized model's
 * bias arrives dequantized with its own scale); activations fuse in both.
 *
 * Constant nodes become initializers first, so that everything after reads constants one way.
 */
import type { OnnxAttr, OnnxModel, OnnxNode, OnnxTensor } from '../formats/onnx.ts';
import { FUSED_ACTIVATION } from '../ops/shared/onnx.ts';

export const FOLDED_BIAS = 'edgec.folded_bias';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

interface Folding {
  nodes: (OnnxNode | null)[];
  consts: Map<string, OnnxTensor>;
  readers: Map<string, number>;
  outputs: ReadonlySet<string>;
}

function withAttr(n: OnnxNode, a: OnnxAttr, changes: Partial<OnnxNode> = {}): OnnxNode {
  const attrs = new Map(n.attrs);
  attrs.set(a.name, a);
  return { ...n, ...changes, attrs };
}

/** The node that reads `value` when it is its only reader and not a graph output. */
function soleReader(f: Folding, value: string): number {
  if (f.outputs.has(value) || f.readers.get(value) !== 1) return -1;
  return f.nodes.findIndex((n) => n?.inputs.includes(value));
}

/** Output channels of a foldable producer and the float data of its weights, or null. */
function producerChannels(f: Folding, p: OnnxNode): number | null {
  const w = f.consts.get(p.inputs[1] ?? '');
  if (w?.dtype !== 'float32' || p.outputs.length !== 1) return null;
  if (p.attrs.has(FUSED_ACTIVATION)) return null;
  if (p.opType === 'Conv' && w.dims.length >= 3) return w.dims[0]!;
  if (p.opType === 'MatMul' && w.dims.length === 2) return w.dims[1]!;
  if (p.opType === 'Gemm' && w.dims.length === 2 && (p.attrs.get('transA')?.i ?? 0) === 0) return (p.attrs.get('transB')?.i ?? 0) ? w.dims[0]! : w.dims[1]!;
  return null;
}

/**
 * A per-channel vector from a constant broadcast against the producer's output, whose channel axis
 * is 1 for Conv ([N, C, ...]) and the last for Gemm / MatMul; null when it varies along another axis.
 */
function perChannel(c: OnnxTensor, channels: number, conv: boolean, outRank: number): Float32Array | null {
  if (c.dtype !== 'float32' || c.dims.length > outRank) return null;
  const n = prod(c.dims);
  if (n === 1) return new Float32Array(channels).fill(c.data[0]!);
  // Right-aligned broadcasting: the constant's axis that meets the channel axis.
  const axis = conv ? c.dims.length - (outRank - 1) : c.dims.length - 1;
  if (axis < 0 || c.dims[axis] !== channels || n !== channels) return null;
  return Float32Array.from(c.data);
}

function foldConstant(f: Folding, i: number, index: number): boolean {
  const p = f.nodes[i]!;
  const channels = producerChannels(f, p);
  if (channels === null) return false;
  const readerIndex = soleReader(f, p.outputs[0]!);
  const r = readerIndex >= 0 ? f.nodes[readerIndex]! : null;
  if (!r || !['Add', 'Sub', 'Mul', 'Div'].includes(r.opType) || r.inputs.length !== 2 || r.outputs.length !== 1) return false;
  const side = r.inputs.indexOf(p.outputs[0]!);
  const k = f.consts.get(r.inputs[1 - side]!);
  if (!k || (side === 1 && (r.opType === 'Sub' || r.opType === 'Div'))) return false;
  const conv = p.opType === 'Conv';
  // A constant of higher rank than the output would broadcast the output to its rank: not folded.
  // (A MatMul's output rank is its input's, unknown here: at least 2.)
  const vec = perChannel(k, channels, conv, conv ? f.consts.get(p.inputs[1]!)!.dims.length : 2);
  if (!vec) return false;
  const w = f.consts.get(p.inputs[1]!)!;
  const biasName = p.inputs[2] ?? '';
  const gemmBeta = p.opType === 'Gemm' ? (p.attrs.get('beta')?.f ?? 1) : 1;
  const old = f.consts.get(biasName);
  const bias = new Float32Array(channels);
  if (old && old.dtype === 'float32') {
    if (prod(old.dims) === channels) bias.set(old.data as Float32Array);
    else if (prod(old.dims) === 1) bias.fill(old.data[0]!);
    else return false;
    for (let o = 0; o < channels; o++) bias[o]! *= gemmBeta;
  } else if (biasName !== '') return false;
  let weights = w;
  if (r.opType === 'Add') for (let o = 0; o < channels; o++) bias[o]! += vec[o]!;
  else if (r.opType === 'Sub') for (let o = 0; o < channels; o++) bias[o]! -= vec[o]!;
  else {
    const s = r.opType === 'Mul' ? vec : vec.map((v) => 1 / v);
    if (s.some((v) => !Number.isFinite(v))) return false;
    for (let o = 0; o < channels; o++) bias[o]! *= s[o]!;
    // Output channel of each weight: Conv axis 0; MatMul and Gemm (transB 0) the last axis; Gemm transB 1 axis 0.
    const channelAxis0 = conv || (p.opType === 'Gemm' && (p.attrs.get('transB')?.i ?? 0) === 1);
    const inner = prod(w.dims) / channels;
    const scaled = Float32Array.from(w.data as Float32Array, (v, e) => v * s[channelAxis0 ? Math.floor(e / inner) : e % channels]!);
    weights = { ...w, name: `${w.name}/folded${index}`, data: scaled };
    f.consts.set(weights.name, weights);
  }
  const biasConst: OnnxTensor = { name: `${p.name}/folded_bias${index}`, dims: [channels], dtype: 'float32', data: bias };
  f.consts.set(biasConst.name, biasConst);
  let folded: OnnxNode = { ...p, inputs: [p.inputs[0]!, weights.name, biasConst.name], outputs: [r.outputs[0]!] };
  if (p.opType === 'Gemm') folded = withAttr(folded, { name: 'beta', type: 1, f: 1 });
  if (p.opType === 'MatMul') folded = withAttr(folded, { name: FOLDED_BIAS, type: 2, i: 1 });
  f.nodes[i] = folded;
  f.nodes[readerIndex] = null;
  return true;
}

/** Relu, or Clip(0, 6) / Clip(0, +inf), as a fused activation; null otherwise. */
function clipActivation(f: Folding, r: OnnxNode): 'relu' | 'relu6' | null {
  if (r.opType === 'Relu') return 'relu';
  if (r.opType !== 'Clip') return null;
  const bound = (attr: string, k: number, def: number) => {
    const a = r.attrs.get(attr)?.f;
    if (a !== undefined) return a;
    const name = r.inputs[k] ?? '';
    if (name === '') return def;
    const c = f.consts.get(name);
    return c && prod(c.dims) === 1 ? Number(c.data[0]) : Number.NaN;
  };
  const lo = bound('min', 1, -Infinity);
  const hi = bound('max', 2, Infinity);
  if (lo !== 0) return null;
  return hi === 6 ? 'relu6' : hi === Infinity ? 'relu' : null;
}

function fuseActivation(f: Folding, i: number): void {
  const p = f.nodes[i]!;
  if (!['Conv', 'Gemm', 'MatMul'].includes(p.opType) || p.outputs.length !== 1 || p.attrs.has(FUSED_ACTIVATION)) return;
  const readerIndex = soleReader(f, p.outputs[0]!);
  const r = readerIndex >= 0 ? f.nodes[readerIndex]! : null;
  const act = r ? clipActivation(f, r) : null;
  if (!r || !act) return;
  f.nodes[i] = withAttr(p, { name: FUSED_ACTIVATION, type: 3, s: act }, { outputs: [r.outputs[0]!] });
  f.nodes[readerIndex] = null;
}

/** Constant nodes holding a tensor become initializers (their other forms stay nodes, for onnx-const.ts). */
function hoistConstants(nodes: readonly OnnxNode[], consts: Map<string, OnnxTensor>): OnnxNode[] {
  return nodes.filter((n) => {
    const t = n.attrs.get('value')?.t;
    if (n.opType !== 'Constant' || n.domain !== '' || !t || n.outputs.length !== 1 || n.attrs.size !== 1) return true;
    consts.set(n.outputs[0]!, { ...t, name: n.outputs[0]! });
    return false;
  });
}

/** The model with its folds applied (a new node list and constants; the model is not changed). */
export function foldOnnx(m: OnnxModel, opts: { foldConstants: boolean }): { nodes: OnnxNode[]; consts: Map<string, OnnxTensor> } {
  const consts = new Map(m.initializers);
  const nodes = hoistConstants(m.nodes, consts);
  const readers = new Map<string, number>();
  for (const n of nodes) for (const v of new Set(n.inputs)) readers.set(v, (readers.get(v) ?? 0) + 1);
  const f: Folding = { nodes, consts, readers, outputs: new Set(m.outputs.map((o) => o.name)) };
  if (opts.foldConstants) {
    // Repeat: a Conv can absorb a Mul, then the Add after it.
    for (let i = 0; i < f.nodes.length; i++) while (f.nodes[i] && foldConstant(f, i, i));
  }
  for (let i = 0; i < f.nodes.length; i++) if (f.nodes[i]) fuseActivation(f, i);
  return { nodes: f.nodes.filter((n): n is OnnxNode => n !== null), consts };
}
