/**
 * Float .tflite models, quantized by edgec with --calib as a tfjs model is:
 *  - built here (test/support/tflite-builder.ts): a 1-D CNN over sensor windows (EXPAND_DIMS, conv +
 *    fused ReLU, max pool, RESHAPE, FC, softmax), the same with float16 weights (fp16 buffers widened
 *    by DEQUANTIZE, as TFLite's float16 quantization writes them), a 2-D CNN (conv + ReLU6, depthwise,
 *    standalone RELU, residual ADD, average and max pool, depthwise x2, MEAN), an MLP (LEAKY_RELU,
 *    HARD_SWISH, TANH), a layout model (TRANSPOSE, STRIDED_SLICE, CONCATENATION, PAD, LOGISTIC) and an
 *    LSTM; and TFLite Micro's own hello_world_float.tflite (test/models/float);
 *  - the float import is checked independently: the 1-D CNN's output computed here with plain loops
 *    over the same weights equals runFloatGraph's within 1e-5 (and the float16 one, with the weights
 *    rounded to half precision here);
 *  - each compiles to int8 (the 1-D CNN also to int16), the C equals the simulator byte for byte on the
 *    host (sanitized) and on Cortex-M4 in QEMU (a few inputs), and the integer model agrees with the
 *    float graph (tolerances below, on 100 held-out windows);
 *  - model files are recognised by content: a .tflite renamed .bin compiles, a model.json renamed .dat
 *    loads as tfjs, and a README, an HDF5 or zip header and an empty file are each one located
 *    E-FORMAT-UNKNOWN naming what they are; dynamic-range, partially quantized and float SVDF models
 *    are refused, located.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantizeValues, quantizeValues } from '../../src/arith/tensor-quant.ts';
import { readManifest } from '../../src/formats/manifest.ts';
import { BUILTIN } from '../../src/formats/tflite-schema.ts';
import { importTflite } from '../../src/import/tflite.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { compileModelFile } from '../../src/pipeline/compile.ts';
import { runFloatGraph } from '../../src/sim/float.ts';
import { simulateFolder } from '../../src/sim/int8.ts';
import { EdgecError } from '../../src/support/diagnostics.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { buildTflite, bytesOf, f32, float16Bits, i32, type table, type TfOperator, type TfTensor, u8 } from '../support/tflite-builder.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-float-tflite-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const at = (...p: string[]) => join(tmp, ...p);
const edgec = (...args: string[]) => spawnSync('node', [join(PACKAGE_ROOT, 'bin/edgec.js'), ...args], { encoding: 'utf8', cwd: tmp });

// ---- building float models ------------------------------------------------------------------------

type Field = Parameters<typeof table>[number];
const CODE = Object.fromEntries(Object.entries(BUILTIN).map(([code, name]) => [name, Number(code)])) as Record<string, number>;
/** BuiltinOptions union codes (TFLite schema). */
const OPTIONS: Record<string, number> = {
  CONV_2D: 1,
  DEPTHWISE_CONV_2D: 2,
  AVERAGE_POOL_2D: 5,
  MAX_POOL_2D: 5,
  SVDF: 6,
  FULLY_CONNECTED: 8,
  SOFTMAX: 9,
  CONCATENATION: 10,
  ADD: 11,
  MEAN: 27,
  STRIDED_SLICE: 32,
  UNIDIRECTIONAL_SEQUENCE_LSTM: 71,
  LEAKY_RELU: 75,
};

/** A float model being written: float32 weights, or float16 ones widened by DEQUANTIZE ops. */
class FloatModel {
  readonly tensors: TfTensor[] = [];
  readonly operators: TfOperator[] = [];
  constructor(private readonly weights: 'float32' | 'float16' = 'float32') {}

  tensor(t: TfTensor): number {
    this.tensors.push(t);
    return this.tensors.length - 1;
  }
  act(name: string, shape: number[]): number {
    return this.tensor({ name, shape, type: 'float32' });
  }
  ints(name: string, values: number[]): number {
    return this.tensor({ name, shape: [values.length], type: 'int32', data: bytesOf(values, 'int32') });
  }
  weight(name: string, shape: number[], values: ArrayLike<number>): number {
    if (this.weights === 'float32') return this.tensor({ name, shape, type: 'float32', data: bytesOf(values, 'float32') });
    const half = this.tensor({ name: `${name}_fp16`, shape, type: 'float16', data: bytesOf(values, 'float16') });
    const out = this.act(name, shape);
    this.operators.push({ builtin: CODE.DEQUANTIZE!, inputs: [half], outputs: [out] });
    return out;
  }
  op(name: string, builtin: string, inputs: number[], shape: number[], fields?: (Field | undefined)[]): number {
    const out = this.act(name, shape);
    this.operators.push({ builtin: CODE[builtin]!, inputs, outputs: [out], ...(fields ? { options: { type: OPTIONS[builtin]!, fields } } : {}) });
    return out;
  }
  write(file: string, inputs: number[], outputs: number[]): string {
    writeFileSync(at(file), buildTflite({ tensors: this.tensors, operators: this.operators, inputs, outputs }));
    return at(file);
  }
}

/** Seeded uniform values in [-a, a). */
function uniform(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return (n: number, a: number) => Float32Array.from({ length: n }, () => (next() * 2 - 1) * a);
}

// Conv options: padding (0 SAME, 1 VALID), stride w, stride h, [depth multiplier,] fused activation (1 ReLU, 3 ReLU6).
const SAME = u8(0);
const VALID = u8(1);
// Pool options: padding, stride w, stride h, filter w, filter h, fused activation.
const POOL_2X2 = [VALID, i32(2), i32(2), i32(2), i32(2), u8(0)];

// 1-D CNN over 64 x 3 sensor windows: conv 5 taps x 8 (SAME, ReLU) -> max pool 2 -> FC 6 -> softmax.
const rand1 = uniform(11);
const W1 = { conv: rand1(8 * 5 * 3, 0.5), convBias: rand1(8, 0.1), fc: rand1(6 * 256, 0.15), fcBias: rand1(6, 0.1) };

function writeCnn1d(file: string, weights: 'float32' | 'float16'): string {
  const m = new FloatModel(weights);
  const x = m.act('window', [1, 64, 3]);
  const x4 = m.op('expand', 'EXPAND_DIMS', [x, m.ints('axis', [1])], [1, 1, 64, 3]);
  const conv = m.op('conv', 'CONV_2D', [x4, m.weight('conv/kernel', [8, 1, 5, 3], W1.conv), m.weight('conv/bias', [8], W1.convBias)], [1, 1, 64, 8], [SAME, i32(1), i32(1), u8(1)]);
  const pooled = m.op('pool', 'MAX_POOL_2D', [conv], [1, 1, 32, 8], [VALID, i32(2), i32(1), i32(2), i32(1), u8(0)]);
  const flat = m.op('flatten', 'RESHAPE', [pooled, m.ints('shape', [1, 256])], [1, 256]);
  const logits = m.op('dense', 'FULLY_CONNECTED', [flat, m.weight('dense/kernel', [6, 256], W1.fc), m.weight('dense/bias', [6], W1.fcBias)], [1, 6], [u8(0)]);
  return m.write(file, [x], [m.op('probs', 'SOFTMAX', [logits], [1, 6], [f32(1)])]);
}

/** The 1-D CNN computed with plain loops (float64), from `w` (the weights, possibly rounded to half precision). */
function cnn1dByHand(x: Float32Array, w: Record<keyof typeof W1, ArrayLike<number>>): number[] {
  const conv = new Float64Array(64 * 8);
  for (let t = 0; t < 64; t++)
    for (let o = 0; o < 8; o++) {
      let acc = w.convBias[o]!;
      // SAME with 5 taps: two zero samples before and after.
      for (let k = 0; k < 5; k++) {
        const s = t + k - 2;
        if (s >= 0 && s < 64) for (let c = 0; c < 3; c++) acc += w.conv[(o * 5 + k) * 3 + c]! * x[s * 3 + c]!;
      }
      conv[t * 8 + o] = Math.max(acc, 0);
    }
  const pooled = Array.from({ length: 256 }, (_, i) => Math.max(conv[2 * Math.floor(i / 8) * 8 + (i % 8)]!, conv[(2 * Math.floor(i / 8) + 1) * 8 + (i % 8)]!));
  const logits = Array.from({ length: 6 }, (_, u) => pooled.reduce((acc, v, i) => acc + w.fc[u * 256 + i]! * v, w.fcBias[u]!));
  const max = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Half-precision rounding, decoded here from the bits (not by the importer's decoder). */
function viaHalf(values: Float32Array): Float32Array {
  return values.map((v) => {
    const h = float16Bits(v);
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const f = h & 0x3ff;
    return sign * (e === 0 ? f * 2 ** -24 : (1 + f / 1024) * 2 ** (e - 15));
  });
}

// 2-D CNN on 12 x 12 x 2 images.
const rand2 = uniform(22);
const W2 = {
  conv: rand2(8 * 3 * 3 * 2, 0.4),
  convBias: rand2(8, 0.1),
  dw1: rand2(9 * 8, 0.5),
  dw1Bias: rand2(8, 0.1),
  dw2: rand2(9 * 16, 0.5),
  dw2Bias: rand2(16, 0.1),
  fc: rand2(5 * 16, 0.5),
  fcBias: rand2(5, 0.1),
};

function writeCnn2d(file: string): string {
  const m = new FloatModel();
  const x = m.act('image', [1, 12, 12, 2]);
  const a = m.op('conv', 'CONV_2D', [x, m.weight('conv/kernel', [8, 3, 3, 2], W2.conv), m.weight('conv/bias', [8], W2.convBias)], [1, 12, 12, 8], [SAME, i32(1), i32(1), u8(3)]);
  const d = m.op('dw1', 'DEPTHWISE_CONV_2D', [a, m.weight('dw1/kernel', [1, 3, 3, 8], W2.dw1), m.weight('dw1/bias', [8], W2.dw1Bias)], [1, 12, 12, 8], [SAME, i32(1), i32(1), i32(1), u8(0)]);
  const r = m.op('dw1/relu', 'RELU', [d], [1, 12, 12, 8]);
  const s = m.op('residual', 'ADD', [a, r], [1, 12, 12, 8], [u8(0)]);
  const p = m.op('avg', 'AVERAGE_POOL_2D', [s], [1, 6, 6, 8], POOL_2X2);
  const e = m.op('dw2', 'DEPTHWISE_CONV_2D', [p, m.weight('dw2/kernel', [1, 3, 3, 16], W2.dw2), m.weight('dw2/bias', [16], W2.dw2Bias)], [1, 4, 4, 16], [VALID, i32(1), i32(1), i32(2), u8(1)]);
  const q = m.op('max', 'MAX_POOL_2D', [e], [1, 2, 2, 16], POOL_2X2);
  const g = m.op('gap', 'MEAN', [q, m.ints('axes', [1, 2])], [1, 16], [u8(0)]);
  const l = m.op('dense', 'FULLY_CONNECTED', [g, m.weight('dense/kernel', [5, 16], W2.fc), m.weight('dense/bias', [5], W2.fcBias)], [1, 5], [u8(0)]);
  return m.write(file, [x], [m.op('probs', 'SOFTMAX', [l], [1, 5], [f32(1)])]);
}

// MLP over 20 features: FC 32 -> LEAKY_RELU -> FC 16 -> HARD_SWISH -> FC 12 (ReLU6) -> FC 8 -> TANH -> FC 4 -> softmax.
function writeMlp(file: string): string {
  const r = uniform(33);
  const m = new FloatModel();
  const x = m.act('features', [1, 20]);
  let h = x;
  let width = 20;
  const dense = (name: string, units: number, act: number) => {
    h = m.op(
      name,
      'FULLY_CONNECTED',
      [h, m.weight(`${name}/kernel`, [units, width], r(units * width, Math.sqrt(6 / (units + width)))), m.weight(`${name}/bias`, [units], r(units, 0.1))],
      [1, units],
      [u8(act)],
    );
    width = units;
  };
  dense('fc1', 32, 0);
  h = m.op('leaky', 'LEAKY_RELU', [h], [1, 32], [f32(0.2)]);
  dense('fc2', 16, 0);
  h = m.op('hswish', 'HARD_SWISH', [h], [1, 16]);
  dense('fc3', 12, 3);
  dense('fc4', 8, 0);
  h = m.op('tanh', 'TANH', [h], [1, 8]);
  dense('fc5', 4, 0);
  return m.write(file, [x], [m.op('probs', 'SOFTMAX', [h], [1, 4], [f32(1)])]);
}

// Layout ops: [1, 8, 6] -transpose-> [1, 6, 8] -two slices of 6 columns, concatenated-> [1, 6, 12]
//   -pad W by 1 each side-> [1, 8, 12] -> FC 5 -> LOGISTIC.
function writeLayout(file: string): string {
  const r = uniform(44);
  const m = new FloatModel();
  const x = m.act('x', [1, 8, 6]);
  const t = m.op('transpose', 'TRANSPOSE', [x, m.ints('perm', [0, 2, 1])], [1, 6, 8]);
  const slice = (name: string, from: number) =>
    m.op(
      name,
      'STRIDED_SLICE',
      [t, m.ints(`${name}/begin`, [0, 0, from]), m.ints(`${name}/end`, [1, 6, from + 6]), m.ints(`${name}/strides`, [1, 1, 1])],
      [1, 6, 6],
      [i32(0), i32(0), i32(0), i32(0), i32(0)],
    );
  const cat = m.op('cat', 'CONCATENATION', [slice('left', 0), slice('right', 2)], [1, 6, 12], [i32(2), u8(0)]);
  const padded = m.op('pad', 'PAD', [cat, m.ints('paddings', [0, 0, 1, 1, 0, 0])], [1, 8, 12]);
  const flat = m.op('flatten', 'RESHAPE', [padded, m.ints('shape', [1, 96])], [1, 96]);
  const l = m.op('dense', 'FULLY_CONNECTED', [flat, m.weight('dense/kernel', [5, 96], r(5 * 96, 0.3)), m.weight('dense/bias', [5], r(5, 0.1))], [1, 5], [u8(0)]);
  return m.write(file, [x], [m.op('out', 'LOGISTIC', [l], [1, 5])]);
}

// A float LSTM (10 steps of 4 features, 8 units; TFLite's variable state tensors) -> FC 3 -> softmax.
function writeLstm(file: string): string {
  const r = uniform(55);
  const m = new FloatModel();
  const x = m.act('sequence', [1, 10, 4]);
  const gates = ['i', 'f', 'c', 'o'];
  const wi = gates.map((g) => m.weight(`lstm/wi_${g}`, [8, 4], r(32, 0.5)));
  const wh = gates.map((g) => m.weight(`lstm/wh_${g}`, [8, 8], r(64, 0.4)));
  const bias = gates.map((g) => m.weight(`lstm/b_${g}`, [8], g === 'f' ? new Float32Array(8).fill(1) : r(8, 0.1)));
  const hidden = m.tensor({ name: 'lstm/h', shape: [1, 8], type: 'float32', variable: true });
  const cell = m.tensor({ name: 'lstm/c', shape: [1, 8], type: 'float32', variable: true });
  const inputs = [x, ...wi, ...wh, -1, -1, -1, ...bias, -1, -1, hidden, cell, -1, -1, -1, -1];
  const seq = m.op('lstm', 'UNIDIRECTIONAL_SEQUENCE_LSTM', inputs, [1, 10, 8], [u8(4), f32(0), f32(0), u8(0)]);
  const flat = m.op('flatten', 'RESHAPE', [seq, m.ints('shape', [1, 80])], [1, 80]);
  const l = m.op('dense', 'FULLY_CONNECTED', [flat, m.weight('dense/kernel', [3, 80], r(240, 0.3)), m.weight('dense/bias', [3], r(3, 0.1))], [1, 3], [u8(0)]);
  return m.write(file, [x], [m.op('probs', 'SOFTMAX', [l], [1, 3], [f32(1)])]);
}

// ---- data ---------------------------------------------------------------------------------------------

/** Accelerometer-like windows: three axes of sines at random frequencies and phases, plus noise. */
function sensorWindows(count: number, seed: number): Float32Array[] {
  const r = uniform(seed);
  return Array.from({ length: count }, () => {
    const [freq, phase, amp] = [r(3, 1), r(3, Math.PI), r(3, 1)];
    const noise = r(64 * 3, 0.1);
    return Float32Array.from({ length: 64 * 3 }, (_, i) => 1.5 * amp[i % 3]! * Math.sin(((2 * Math.PI * (1.5 + freq[i % 3]!)) / 64) * Math.floor(i / 3) + phase[i % 3]!) + noise[i]!);
  });
}

const randomWindows = (count: number, size: number, seed: number, a = 2) => Array.from({ length: count }, (_, i) => uniform(seed + i)(size, a));

function writeWindows(file: string, ws: Float32Array[]): string {
  const flat = new Float32Array(ws.reduce((n, w) => n + w.length, 0));
  ws.forEach((w, i) => flat.set(w, i * w.length));
  writeFileSync(at(file), new Uint8Array(flat.buffer));
  return at(file);
}

/** The integer model (the simulator on quantized inputs, dequantized) against the float graph. */
function agreement(dir: string, floatGraph: Graph, windows: Float32Array[]) {
  const m = readManifest(dir);
  let argmax = 0;
  let maxAbs = 0;
  for (const w of windows) {
    const want = runFloatGraph(floatGraph, [w]).outputs[0]!;
    const int16 = m.input.dtype === 'int16';
    const q = int16 ? quantizeValues(w, m.input.scale!, m.input.zeroPoint!, 'int16') : quantizeValues(w, m.input.scale!, m.input.zeroPoint!);
    const got = dequantizeValues(simulateFolder(dir, q), m.output.scale!, m.output.zeroPoint!);
    const best = (v: ArrayLike<number>) => Array.from(v).reduce((b, x, i, a) => (x > a[b]! ? i : b), 0);
    if (best(got) === best(want)) argmax++;
    for (let i = 0; i < want.length; i++) maxAbs = Math.max(maxAbs, Math.abs(got[i]! - want[i]!));
  }
  return { argmax: argmax / windows.length, maxAbs };
}

const figures: string[] = [];
afterAll(() => console.log(`float .tflite agreement (int vs float graph, 100 held-out windows):\n  ${figures.join('\n  ')}`));

// ---- the models ---------------------------------------------------------------------------------------

interface Case {
  name: string;
  write: (file: string) => string;
  calib: () => Float32Array[];
  held: () => Float32Array[];
  activations?: 'int16';
  /** Tolerances: argmax agreement (share of windows) and largest absolute output difference. */
  argmax: number;
  maxAbs: number;
  kernels: string[];
}

const CASES: Case[] = [
  {
    name: 'cnn1d',
    write: (f) => writeCnn1d(f, 'float32'),
    calib: () => sensorWindows(100, 1),
    held: () => sensorWindows(100, 2),
    argmax: 0.95,
    maxAbs: 0.05,
    kernels: ['edgec_convolve_s8_folded', 'edgec_max_pool_s8', 'edgec_softmax_s8'],
  },
  {
    name: 'cnn1d_fp16',
    write: (f) => writeCnn1d(f, 'float16'),
    calib: () => sensorWindows(100, 1),
    held: () => sensorWindows(100, 2),
    argmax: 0.95,
    maxAbs: 0.05,
    kernels: ['edgec_convolve_s8_folded'],
  },
  {
    name: 'cnn1d_int16',
    write: (f) => writeCnn1d(f, 'float32'),
    calib: () => sensorWindows(100, 1),
    held: () => sensorWindows(100, 2),
    activations: 'int16',
    argmax: 0.99,
    maxAbs: 0.01,
    kernels: ['edgec_convolve_s16', 'edgec_softmax_s16'],
  },
  {
    name: 'cnn2d',
    write: writeCnn2d,
    calib: () => randomWindows(100, 12 * 12 * 2, 100),
    held: () => randomWindows(100, 12 * 12 * 2, 300),
    argmax: 0.95,
    maxAbs: 0.05,
    kernels: ['edgec_convolve_s8_folded', 'edgec_depthwise_conv_s8_folded', 'edgec_avgpool_s8', 'edgec_max_pool_s8', 'edgec_add_s8_lut', 'edgec_softmax_s8'],
  },
  {
    name: 'mlp',
    write: writeMlp,
    calib: () => randomWindows(100, 20, 500),
    held: () => randomWindows(100, 20, 700),
    argmax: 0.95,
    maxAbs: 0.05,
    kernels: ['edgec_fully_connected_s8_folded', 'edgec_table_s8'],
  },
  {
    name: 'layout',
    write: writeLayout,
    calib: () => randomWindows(100, 48, 900),
    held: () => randomWindows(100, 48, 1100),
    argmax: 0.95,
    maxAbs: 0.05,
    kernels: ['edgec_transpose_s8', 'edgec_strided_slice_s8', 'edgec_concat_s8', 'edgec_pad_s8'],
  },
  {
    name: 'lstm',
    write: writeLstm,
    calib: () => randomWindows(100, 40, 1300, 1),
    held: () => randomWindows(100, 40, 1500, 1),
    argmax: 0.95,
    maxAbs: 0.05,
    kernels: ['edgec_lstm_s8'],
  },
];

const compiled = new Map<string, { dir: string; floatGraph: Graph }>();

beforeAll(async () => {
  for (const c of CASES) {
    const model = c.write(`${c.name}.tflite`);
    const calib = writeWindows(`${c.name}.f32`, c.calib());
    const r = await compileModelFile(model, calib, { out: at(c.name), name: c.name, ...(c.activations ? { activations: c.activations } : {}) });
    compiled.set(c.name, { dir: r.dir, floatGraph: r.floatGraph });
  }
}, 120_000);

describe('float .tflite: the import is the float model', () => {
  it('the 1-D CNN computed by hand with the same weights equals runFloatGraph of the import within 1e-5', () => {
    const g = importTflite(at('cnn1d.tflite'));
    expect(g.tensors[g.inputs[0]!]!.dtype).toBe('float32');
    for (const x of sensorWindows(20, 3)) {
      const got = runFloatGraph(g, [x]).outputs[0]!;
      cnn1dByHand(x, W1).forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-5));
    }
  });

  it('float16 weights fold into float32 constants (no DEQUANTIZE op left) and compute what their half-precision values give', () => {
    const g = importTflite(at('cnn1d_fp16.tflite'));
    expect(g.ops.map((o) => o.kind)).toEqual(['reshape', 'conv2d', 'max_pool2d', 'reshape', 'fully_connected', 'softmax']);
    const half = { conv: viaHalf(W1.conv), convBias: viaHalf(W1.convBias), fc: viaHalf(W1.fc), fcBias: viaHalf(W1.fcBias) };
    const g32 = importTflite(at('cnn1d.tflite'));
    let drift = 0;
    for (const x of sensorWindows(20, 3)) {
      const got = runFloatGraph(g, [x]).outputs[0]!;
      cnn1dByHand(x, half).forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-5));
      runFloatGraph(g32, [x]).outputs[0]!.forEach((v, i) => (drift = Math.max(drift, Math.abs(got[i]! - v))));
    }
    expect(drift).toBeGreaterThan(0); // the rounding is real...
    expect(drift).toBeLessThan(1e-2); // ...and small
  });

  it('fused activations become the IR fused activation; the standalone RELU is fused by the passes; MEAN is the float mean', () => {
    const g = compiled.get('cnn2d')!.floatGraph;
    const attr = (name: string) => (g.ops.find((o) => o.name === name)!.attrs as { activation?: string }).activation;
    expect([attr('conv'), attr('dw1'), attr('dw2')]).toEqual(['relu6', 'relu', 'relu']);
    expect(g.ops.some((o) => o.kind === 'relu')).toBe(false);
    expect(g.ops.find((o) => o.name === 'gap')!.kind).toBe('mean_hw');
  });
});

describe.each(CASES)('float .tflite $name', (c) => {
  it('compiles to the expected kernels; the integer model agrees with the float graph', () => {
    const { dir, floatGraph } = compiled.get(c.name)!;
    const m = readManifest(dir);
    expect(m.kernels).toEqual(expect.arrayContaining(c.kernels));
    expect(m.input.dtype ?? 'int8').toBe(c.activations ?? 'int8');
    const a = agreement(dir, floatGraph, c.held());
    figures.push(`${c.name.padEnd(12)} argmax ${(100 * a.argmax).toFixed(0)}%, max |int - float| ${a.maxAbs.toFixed(4)}`);
    expect(a.argmax).toBeGreaterThanOrEqual(c.argmax);
    expect(a.maxAbs).toBeLessThanOrEqual(c.maxAbs);
  });

  it('the C equals the simulator on the host (sanitized), 100 inputs', async () => {
    const v = await verifyFolder(compiled.get(c.name)!.dir, hostTarget, { inputs: 100 });
    expect(v.exact).toBe(100);
  }, 60_000);

  if (!HAS_CORTEX) it.skip(`Cortex-M4: ${CORTEX_SKIP_REASON}`, () => undefined);
  else
    it('the C equals the simulator on Cortex-M4 in QEMU, 5 inputs', async () => {
      const v = await verifyFolder(compiled.get(c.name)!.dir, cortexTarget('cortex-m4'), { inputs: 5 });
      expect(v.exact).toBe(5);
    }, 60_000);
});

// ---- TFLite Micro's hello_world_float.tflite --------------------------------------------------------

describe("TFLite Micro's hello_world_float.tflite", () => {
  const FLOAT = join(PACKAGE_ROOT, 'test/models/float/hello_world_float.tflite');
  const INT8 = join(PACKAGE_ROOT, 'test/models/hello_world_int8.tflite');
  // x over [0, 2pi]: its training range.
  const xs = Array.from({ length: 200 }, (_, i) => Float32Array.of((2 * Math.PI * i) / 199));
  let floatGraph: Graph;
  const sin = (x: Float32Array) => Math.sin(x[0]!);

  beforeAll(async () => {
    const r = await compileModelFile(FLOAT, writeWindows('sine.f32', xs), { out: at('hello_float'), name: 'hello_float' });
    floatGraph = r.floatGraph;
    await compileModelFile(INT8, undefined, { out: at('hello_int8'), name: 'hello_int8' });
  }, 60_000);

  const outputs = (dir: string) => {
    const m = readManifest(dir);
    return xs.map((x) => dequantizeValues(simulateFolder(dir, quantizeValues(x, m.input.scale!, m.input.zeroPoint!)), m.output.scale!, m.output.zeroPoint!)[0]!);
  };
  /** Largest and mean absolute difference. */
  const diff = (a: number[], b: number[]) => {
    const d = a.map((v, i) => Math.abs(v - b[i]!));
    return { max: Math.max(...d), mean: d.reduce((s, v) => s + v, 0) / d.length };
  };
  const text = (d: { max: number; mean: number }) => `max ${d.max.toFixed(3)} mean ${d.mean.toFixed(3)}`;

  it("its float output follows sin(x) and TFLite's int8 model; edgec's int8 follows the float model, and sin(x) no worse than TFLite's int8", () => {
    const float = xs.map((x) => runFloatGraph(floatGraph, [x]).outputs[0]![0]!);
    const ours = outputs(at('hello_float'));
    const theirs = outputs(at('hello_int8'));
    const sines = xs.map(sin);
    const [floatSin, floatTheirs, oursFloat, oursSin, theirsSin] = [diff(float, sines), diff(float, theirs), diff(ours, float), diff(ours, sines), diff(theirs, sines)];
    figures.push(
      `hello_world  float vs sin(x) ${text(floatSin)}; float vs TFLite int8 ${text(floatTheirs)}; edgec int8 vs float ${text(oursFloat)}; vs sin(x): edgec int8 ${text(oursSin)}, TFLite int8 ${text(theirsSin)}`,
    );
    expect(floatSin.max).toBeLessThan(0.06);
    expect(floatTheirs.max).toBeLessThan(0.15);
    expect(floatTheirs.mean).toBeLessThan(0.04);
    expect(oursFloat.max).toBeLessThan(0.06);
    expect(oursFloat.mean).toBeLessThan(0.02);
    expect(oursSin.max).toBeLessThanOrEqual(theirsSin.max);
    expect(oursSin.mean).toBeLessThanOrEqual(theirsSin.mean);
  });

  it('the C equals the simulator on the host, 100 inputs', async () => {
    expect((await verifyFolder(at('hello_float'), hostTarget, { inputs: 100 })).exact).toBe(100);
  }, 60_000);

  if (!HAS_CORTEX) it.skip(`Cortex-M4: ${CORTEX_SKIP_REASON}`, () => undefined);
  else
    it('the C equals the simulator on Cortex-M4 in QEMU, 5 inputs', async () => {
      expect((await verifyFolder(at('hello_float'), cortexTarget('cortex-m4'), { inputs: 5 })).exact).toBe(5);
    }, 60_000);
});

// ---- formats by content, refusals ----------------------------------------------------------------------

/** Exactly one located error line carrying `code`, exit 1, no stack frame. */
function expectRefusal(r: ReturnType<typeof edgec>, code: string, file: string): string {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(/^ {4}at /m);
  const errors = r.stderr.split('\n').filter((l) => /^error E-/.test(l));
  expect(errors, r.stderr).toHaveLength(1);
  expect(errors[0]).toContain(`error ${code}`);
  expect(errors[0]).toContain(file);
  return errors[0]!;
}

describe('model files recognised by content', () => {
  it('a float .tflite renamed .bin compiles with --calib (edgec compile) and inspects as a float tflite', () => {
    copyFileSync(at('cnn1d.tflite'), at('sensor.bin'));
    const r = edgec('compile', 'sensor.bin', '--calib', 'cnn1d.f32', '--out', 'sensor_out');
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SQNR');
    expect(edgec('inspect', 'sensor.bin').stdout).toMatch(/^tflite, float/);
  });

  it('a float .tflite without --calib is E-CALIB-MISSING; an int8 one inspects as integer', () => {
    expectRefusal(edgec('compile', 'sensor.bin', '--out', 'x'), 'E-CALIB-MISSING', 'sensor.bin');
    expect(edgec('inspect', join(PACKAGE_ROOT, 'test/models/hello_world_int8.tflite')).stdout).toMatch(/^tflite, integer/);
  });

  it('a model.json renamed .dat loads as tfjs (its weights.bin beside it)', () => {
    const har = join(PACKAGE_ROOT, 'examples/har/model');
    copyFileSync(join(har, 'model.json'), at('har.dat'));
    copyFileSync(join(har, 'weights.bin'), at('weights.bin'));
    const r = edgec('inspect', 'har.dat');
    expect(r.stderr).not.toContain('error');
    expect(r.stdout).toMatch(/^tfjs, float/);
    expect(r.stdout).toContain('conv2d');
  });

  it.each([
    ['README.md', 'Markdown text', readFileSync(join(PACKAGE_ROOT, 'README.md'))],
    ['model.h5', 'HDF5', Buffer.from('\x89HDF\r\n\x1a\n\0\0\0\0', 'latin1')],
    ['model.keras', 'Keras 3 .keras', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('metadata.json')])],
    ['model.pt', 'PyTorch', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('archive/data.pkl')])],
    ['saved_model.pb', 'SavedModel', Buffer.from([0x08, 0x01, 0x12, 0x02, 0x0a, 0x00])],
    ['empty.tflite', 'named .tflite, but an empty file', Buffer.alloc(0)],
  ])('%s is one located E-FORMAT-UNKNOWN naming it (%s)', (file, what, bytes) => {
    writeFileSync(at(file), bytes);
    expect(expectRefusal(edgec('compile', file, '--calib', 'cnn1d.f32', '--out', 'x'), 'E-FORMAT-UNKNOWN', file)).toContain(what);
    expectRefusal(edgec('inspect', file), 'E-FORMAT-UNKNOWN', file);
  });

  it('an ONNX ModelProto (ir_version, graph) goes to the ONNX front end, which refuses this empty one, located', () => {
    writeFileSync(at('tiny.onnx'), Buffer.from([0x08, 0x08, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74, 0x3a, 0x02, 0x0a, 0x00]));
    expectRefusal(edgec('inspect', 'tiny.onnx'), 'E-ONNX-', 'tiny.onnx');
  });
});

describe('float .tflite refusals: one located error each', () => {
  it('a dynamic-range quantized model (int8 weights, float activations) is E-TFLITE-HYBRID through edgec compile', () => {
    const m = new FloatModel();
    const x = m.act('x', [1, 8]);
    const w = m.tensor({
      name: 'w',
      shape: [4, 8],
      type: 'int8',
      data: bytesOf(
        Array.from({ length: 32 }, (_, i) => i - 16),
        'int8',
      ),
      quant: { scale: [0.02], zeroPoint: [0] },
    });
    m.write('hybrid.tflite', [x], [m.op('fc', 'FULLY_CONNECTED', [x, w, m.weight('b', [4], [0, 0, 0, 0])], [1, 4], [u8(0)])]);
    expect(expectRefusal(edgec('compile', 'hybrid.tflite', '--calib', 'cnn1d.f32', '--out', 'x'), 'E-TFLITE-HYBRID', "layer 'FULLY_CONNECTED")).toContain('dynamic-range');
  });

  const refusal = (file: string) => {
    try {
      importTflite(at(file));
    } catch (e) {
      expect(e).toBeInstanceOf(EdgecError);
      expect((e as EdgecError).diagnostics).toHaveLength(1);
      return (e as EdgecError).diagnostics[0]!;
    }
    throw new Error(`${file} was imported`);
  };

  it('a partially quantized model (float ops, then a QUANTIZE to int8 inside the graph) is E-TFLITE-MIXED', () => {
    const m = new FloatModel();
    const x = m.act('x', [1, 8]);
    const y = m.op('fc', 'FULLY_CONNECTED', [x, m.weight('w', [4, 8], uniform(1)(32, 1)), -1], [1, 4], [u8(0)]);
    const z = m.tensor({ name: 'y_q', shape: [1, 4], type: 'int8', quant: { scale: [0.05], zeroPoint: [0] } });
    const s = m.tensor({ name: 'probs', shape: [1, 4], type: 'int8', quant: { scale: [1 / 256], zeroPoint: [-128] } });
    m.operators.push({ builtin: CODE.QUANTIZE!, inputs: [y], outputs: [z] }, { builtin: CODE.SOFTMAX!, inputs: [z], outputs: [s], options: { type: 9, fields: [f32(1)] } });
    m.write('mixed.tflite', [x], [s]);
    const d = refusal('mixed.tflite');
    expect(d.code).toBe('E-TFLITE-MIXED');
    expect(d.location?.layer).toBe('FULLY_CONNECTED#0');
  });

  it('a float model calibration cannot feed is refused before it runs: two inputs (E-QUANT-INPUTS), a weight in an activation slot (E-QUANT-CONST)', async () => {
    const calib = writeWindows('eight.f32', randomWindows(4, 8, 3));
    const compile = async (file: string) => {
      try {
        await compileModelFile(at(file), calib, { out: at('never') });
      } catch (e) {
        expect((e as EdgecError).diagnostics).toHaveLength(1);
        return (e as EdgecError).diagnostics[0]!;
      }
      throw new Error(`${file} compiled`);
    };
    const two = new FloatModel();
    const x = two.act('x', [1, 8]);
    two.write('two-inputs.tflite', [x, x], [two.op('fc', 'FULLY_CONNECTED', [x, two.weight('w', [4, 8], uniform(3)(32, 1)), -1], [1, 4], [u8(0)])]);
    expect((await compile('two-inputs.tflite')).code).toBe('E-QUANT-INPUTS');
    const wired = new FloatModel();
    const y = wired.act('x', [1, 8]);
    const w = wired.weight('w', [8, 8], uniform(4)(64, 1));
    wired.write('weight-as-input.tflite', [y], [wired.op('fc', 'FULLY_CONNECTED', [w, w, -1], [8, 8], [u8(0)])]);
    const d = await compile('weight-as-input.tflite');
    expect([d.code, d.location?.layer]).toEqual(['E-QUANT-CONST', 'fc']);
  });

  it('a float SVDF is refused, located (edgec has no float SVDF)', () => {
    const r = uniform(2);
    const m = new FloatModel();
    const x = m.act('x', [1, 8]);
    const state = m.tensor({ name: 'state', shape: [1, 12], type: 'float32', variable: true });
    const inputs = [x, m.weight('wf', [4, 8], r(32, 1)), m.weight('wt', [4, 3], r(12, 1)), m.weight('b', [4], r(4, 1)), state];
    m.write('svdf.tflite', [x], [m.op('svdf', 'SVDF', inputs, [1, 4], [i32(1), u8(0)])]);
    const d = refusal('svdf.tflite');
    expect(d.location?.layer).toBe('SVDF#0');
    expect(d.message).toContain('float SVDF is not supported');
  });
});
