/**
 * A quantized (QDQ) copy of a float ONNX model, made as onnxruntime.quantization.quantize_static(...,
 * quant_format=QuantFormat.QDQ, per_channel=True) makes one, written here so that the tests need no
 * Python:
 *  - activation ranges from calibration windows run through onnxruntime (every value a graph output);
 *    asymmetric uint8 (onnxruntime's default) or int8 activation parameters from them;
 *  - every activation gets one QuantizeLinear -> DequantizeLinear pair after its producer; MaxPool,
 *    AveragePool, Flatten, Reshape and Transpose outputs share their input's parameters, Softmax's are 1/256 with
 *    zero point 0 (uint8) or -128 (int8); a Relu right after a Conv or Gemm is quantized at its
 *    output only;
 *  - Conv and Gemm weights symmetric int8 per output channel (axis 0), biases int32 at
 *    input scale * weight scale, both read through DequantizeLinear.
 */
import * as ort from 'onnxruntime-node';
import type { PbNode, PbTensor } from '../../src/formats/onnx-schema.ts';
import { type OnnxBuilder, tensorProto } from './onnx-builder.ts';

export type ActivationType = 'uint8' | 'int8';

export interface Qdq {
  scale: number;
  zeroPoint: number;
}

// onnxruntime's QDQMaxPool and QDQDirect8BitOp: the output keeps the input's parameters.
const SHARE = new Set(['MaxPool', 'AveragePool', 'Flatten', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze']);
const WEIGHTED = new Set(['Conv', 'Gemm']);

/** Round half to even, as numpy and onnxruntime round. */
export const roundEven = (v: number) => {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** onnxruntime's asymmetric parameters over [lo, hi] widened to include 0. */
export function activationParams(lo: number, hi: number, type: ActivationType): Qdq {
  const [qmin, qmax] = type === 'uint8' ? [0, 255] : [-128, 127];
  const [a, b] = [Math.min(lo, 0), Math.max(hi, 0)];
  const scale = Math.fround(b > a ? (b - a) / (qmax - qmin) : 1);
  const zeroPoint = Math.max(qmin, Math.min(qmax, roundEven(qmin - a / scale)));
  return { scale, zeroPoint };
}

/** Per-value ranges over the windows: every node output made a graph output of a copy of the model. */
async function ranges(b: OnnxBuilder, input: string, dims: number[], windows: readonly Float32Array[]): Promise<Map<string, [number, number]>> {
  const values = [input, ...b.nodes.flatMap((n) => n.output ?? [])];
  const probe = Object.assign(Object.create(Object.getPrototypeOf(b)), b, { outputs: values.map((v) => ({ name: v, type: { tensorType: { elemType: 1 } } })) }) as OnnxBuilder;
  const session = await ort.InferenceSession.create(probe.encode(17));
  const out = new Map<string, [number, number]>();
  for (const w of windows) {
    const r = await session.run({ [input]: new ort.Tensor('float32', w, dims) });
    for (const v of values) {
      const data = v === input ? w : (r[v]!.data as Float32Array);
      const [lo, hi] = out.get(v) ?? [Infinity, -Infinity];
      let [l, h] = [lo, hi];
      for (const x of data) {
        l = Math.min(l, x);
        h = Math.max(h, x);
      }
      out.set(v, [l, h]);
    }
  }
  await session.release();
  return out;
}

function quantizeWeights(w: PbTensor, channels: number): { q: Int8Array; scales: number[] } {
  const values = new Float32Array(new Uint8Array(w.rawData!).buffer);
  const inner = values.length / channels;
  const scales = Array.from({ length: channels }, (_, o) => {
    let m = 0;
    for (let i = 0; i < inner; i++) m = Math.max(m, Math.abs(values[o * inner + i]!));
    return Math.fround(m > 0 ? m / 127 : 1);
  });
  const q = Int8Array.from(values, (v, i) => Math.max(-127, Math.min(127, roundEven(v / scales[Math.floor(i / inner)]!))));
  return { q, scales };
}

/** The QDQ model's bytes, and the input's and output's parameters. */
export async function quantizeQdq(b: OnnxBuilder, input: string, dims: number[], windows: readonly Float32Array[], type: ActivationType): Promise<{ bytes: Uint8Array; input: Qdq; output: Qdq }> {
  const range = await ranges(b, input, dims, windows);
  const nodes: PbNode[] = [];
  const inits: PbTensor[] = [...b.initializers];
  const params = new Map<string, Qdq>();
  const readers = (v: string) => b.nodes.filter((n) => n.input?.includes(v));
  const rename = new Map<string, string>();
  const qdq = (v: string, p: Qdq): string => {
    params.set(v, p);
    const s = `${v}_scale`;
    inits.push(tensorProto(s, [], [p.scale]), tensorProto(`${v}_zp`, [], [p.zeroPoint], type));
    nodes.push({ name: `${v}_Q`, opType: 'QuantizeLinear', input: [v, s, `${v}_zp`], output: [`${v}_q`] });
    nodes.push({ name: `${v}_DQ`, opType: 'DequantizeLinear', input: [`${v}_q`, s, `${v}_zp`], output: [`${v}_dq`] });
    rename.set(v, `${v}_dq`);
    return `${v}_dq`;
  };
  qdq(input, activationParams(...range.get(input)!, type));
  for (const n of b.nodes) {
    const ins = (n.input ?? []).map((v) => rename.get(v) ?? v);
    if (WEIGHTED.has(n.opType!)) {
      const w = inits.find((t) => t.name === n.input![1])!;
      const transB = n.opType === 'Gemm' && n.attribute?.some((a) => a.name === 'transB' && Number(a.i) === 1);
      if (n.opType === 'Gemm' && !transB) throw new Error('quantizeQdq: Gemm weights must be [N, K] (transB 1)');
      const channels = w.dims![0] as number;
      const { q, scales } = quantizeWeights(w, channels);
      inits.push(tensorProto(`${w.name}_q`, w.dims as number[], q, 'int8'), tensorProto(`${w.name}_s`, [channels], scales), tensorProto(`${w.name}_z`, [channels], new Int8Array(channels), 'int8'));
      nodes.push({ name: `${w.name}_DQ`, opType: 'DequantizeLinear', input: [`${w.name}_q`, `${w.name}_s`, `${w.name}_z`], output: [`${w.name}_dq`], attribute: [{ name: 'axis', type: 2, i: 0 }] });
      ins[1] = `${w.name}_dq`;
      if (n.input![2]) {
        const bias = inits.find((t) => t.name === n.input![2])!;
        const bv = new Float32Array(new Uint8Array(bias.rawData!).buffer);
        const xs = params.get(n.input![0]!)!.scale;
        const bs = scales.map((s) => Math.fround(xs * s));
        inits.push(
          tensorProto(
            `${bias.name}_q`,
            [channels],
            Int32Array.from(bv, (v, o) => roundEven(v / bs[o]!)),
            'int32',
          ),
          tensorProto(`${bias.name}_s`, [channels], bs),
          tensorProto(`${bias.name}_z`, [channels], new Int32Array(channels), 'int32'),
        );
        nodes.push({
          name: `${bias.name}_DQ`,
          opType: 'DequantizeLinear',
          input: [`${bias.name}_q`, `${bias.name}_s`, `${bias.name}_z`],
          output: [`${bias.name}_dq`],
          attribute: [{ name: 'axis', type: 2, i: 0 }],
        });
        ins[2] = `${bias.name}_dq`;
      }
    }
    nodes.push({ ...n, input: ins });
    const out = n.output![0]!;
    const next = readers(out);
    // A Relu right after a Conv or Gemm: quantized once, after the Relu (the importer fuses them).
    if (WEIGHTED.has(n.opType!) && next.length === 1 && next[0]!.opType === 'Relu') continue;
    // Softmax: onnxruntime fixes the output at 1/256 (its fused QLinearSoftmax assumes it).
    const softmax = { scale: 1 / 256, zeroPoint: type === 'uint8' ? 0 : -128 };
    const p = SHARE.has(n.opType!) ? params.get(n.input![0]!)! : n.opType === 'Softmax' ? softmax : activationParams(...range.get(out)!, type);
    qdq(out, p);
  }
  const last = b.outputs[0]!.name!;
  const outParams = params.get(last)!;
  // The graph output is the last DequantizeLinear's: rename it to the model's output name.
  for (const n of nodes) n.output = n.output!.map((v) => (v === `${last}_dq` ? `${last}_float` : v));
  const q = Object.assign(Object.create(Object.getPrototypeOf(b)), b, {
    nodes,
    initializers: inits,
    outputs: [{ name: `${last}_float`, type: { tensorType: { elemType: 1 } } }],
  }) as OnnxBuilder;
  return { bytes: q.encode(17), input: params.get(input)!, output: outParams };
}

/**
 * The operator-oriented form (QuantFormat.QOperator) of a float Conv -> MaxPool -> Flatten -> MatMul
 * model: QuantizeLinear -> QLinearConv -> MaxPool -> Flatten -> QLinearMatMul -> DequantizeLinear.
 */
export async function quantizeQOperator(
  b: OnnxBuilder,
  input: string,
  dims: number[],
  windows: readonly Float32Array[],
  type: ActivationType,
): Promise<{ bytes: Uint8Array; input: Qdq; output: Qdq }> {
  const range = await ranges(b, input, dims, windows);
  const [conv, pool, flatten, matmul] = b.nodes as [PbNode, PbNode, PbNode, PbNode];
  if ([conv, pool, flatten, matmul].map((n) => n.opType).join() !== 'Conv,MaxPool,Flatten,MatMul') throw new Error('quantizeQOperator: Conv, MaxPool, Flatten, MatMul only');
  const inits: PbTensor[] = [];
  const param = (name: string, p: Qdq) => {
    inits.push(tensorProto(`${name}_s`, [], [p.scale]), tensorProto(`${name}_z`, [], [p.zeroPoint], type));
    return [`${name}_s`, `${name}_z`];
  };
  const x = activationParams(...range.get(input)!, type);
  const y1 = activationParams(...range.get(conv.output![0]!)!, type);
  const y2 = activationParams(...range.get(matmul.output![0]!)!, type);
  const w = b.initializers.find((t) => t.name === conv.input![1])!;
  const channels = w.dims![0] as number;
  const { q: wq, scales } = quantizeWeights(w, channels);
  const bias = b.initializers.find((t) => t.name === conv.input![2])!;
  const bv = new Float32Array(new Uint8Array(bias.rawData!).buffer);
  inits.push(tensorProto('cw_q', w.dims as number[], wq, 'int8'), tensorProto('cw_s', [channels], scales), tensorProto('cw_z', [channels], new Int8Array(channels), 'int8'));
  inits.push(
    tensorProto(
      'cb_q',
      [channels],
      Int32Array.from(bv, (v, o) => roundEven(v / Math.fround(x.scale * scales[o]!))),
      'int32',
    ),
  );
  const m = b.initializers.find((t) => t.name === matmul.input![1])!;
  const mv = new Float32Array(new Uint8Array(m.rawData!).buffer);
  const ms = Math.fround(mv.reduce((a, v) => Math.max(a, Math.abs(v)), 0) / 127);
  inits.push(
    tensorProto(
      'mw_q',
      m.dims as number[],
      Int8Array.from(mv, (v) => roundEven(v / ms)),
      'int8',
    ),
    tensorProto('mw_s', [], [ms]),
    tensorProto('mw_z', [], [0], 'int8'),
  );
  const nodes: PbNode[] = [
    { name: 'quantize', opType: 'QuantizeLinear', input: [input, ...param('x', x)], output: ['x_q'] },
    { name: 'qconv', opType: 'QLinearConv', input: ['x_q', 'x_s', 'x_z', 'cw_q', 'cw_s', 'cw_z', ...param('y1', y1), 'cb_q'], output: ['y1_q'], attribute: conv.attribute ?? [] },
    { ...pool, input: ['y1_q'], output: ['p_q'] },
    { ...flatten, input: ['p_q'], output: ['f_q'] },
    { name: 'qmatmul', opType: 'QLinearMatMul', input: ['f_q', 'y1_s', 'y1_z', 'mw_q', 'mw_s', 'mw_z', ...param('y2', y2)], output: ['y2_q'] },
    { name: 'dequantize', opType: 'DequantizeLinear', input: ['y2_q', 'y2_s', 'y2_z'], output: ['out'] },
  ];
  const q = Object.assign(Object.create(Object.getPrototypeOf(b)), b, { nodes, initializers: inits, outputs: [{ name: 'out', type: { tensorType: { elemType: 1 } } }] }) as OnnxBuilder;
  return { bytes: q.encode(17), input: x, output: y2 };
}
