/**
 * Element-wise functions of quantized ONNX models as 256-entry tables computed the way onnxruntime
 * runs DequantizeLinear -> float op -> QuantizeLinear (and its QLinear lookup tables):
 *
 *   ONNX Sigmoid | Tanh | HardSwish | LeakyRelu | Relu | Clip   (QDQ model, int8 in and out)
 *   -> IR lut { fn, alpha | min, max }   output: the file's parameters (no fixed kernel scale)
 *   -> step lut_s8 { table }             -> edgec_table_s8: out[i] = table[(uint8_t)in[i]]
 *
 * For an int8 input any element-wise function is exactly its 256 values. Entry q is
 *   clamp(roundHalfToEven(f(float32(q - zp_in) * s_in) / s_out) + zp_out, -128, 127)
 * with every operation in float32, as onnxruntime's DequantizeLinear, float kernels and
 * MlasQuantizeLinear (divide by the scale, round to nearest even, saturate) compute it. One rounding
 * per op, as onnxruntime rounds: TFLite's LOGISTIC/TANH write a fixed scale (1/256, 1/128) that a
 * requantization to the file's scale would round a second time. .tflite and tfjs models keep
 * TFLite's kernels (activations.ts): TFLite Micro's bytes are their reference.
 */
import { call } from '../cgen/c.ts';
import type { QuantParams } from '../ir/graph.ts';
import type { OpDef, StepDef } from './contract.ts';
import { checkSameSize, size } from './shared/rules.ts';

export type LutFunction = 'sigmoid' | 'tanh' | 'hard_swish' | 'leaky_relu' | 'clip';

export interface LutAttrs {
  fn: LutFunction;
  /** leaky_relu's slope for x < 0. */
  alpha?: number;
  /** clip's bounds (a ReLU is clip(0, +inf)). */
  min?: number;
  max?: number;
}

export interface LutStep {
  kind: 'lut_s8';
  input: number;
  output: number;
  size: number;
  /** Entry i is the output of input (int8_t)(uint8_t)i. */
  table: Int8Array;
}

const f32 = Math.fround;

/** The function in float32 arithmetic (onnxruntime's float kernels, to the last rounding of each operation). */
export function lutFunction(a: LutAttrs): (x: number) => number {
  switch (a.fn) {
    case 'sigmoid':
      return (x) => f32(1 / (1 + Math.exp(-x)));
    case 'tanh':
      return (x) => f32(Math.tanh(x));
    case 'hard_swish': {
      // ONNX HardSwish = x * HardSigmoid(x; alpha 1/6, beta 0.5).
      const sixth = f32(1 / 6);
      return (x) => f32(x * Math.min(1, Math.max(0, f32(f32(x * sixth) + 0.5))));
    }
    case 'leaky_relu': {
      const alpha = f32(a.alpha ?? 0.01);
      return (x) => (x >= 0 ? x : f32(alpha * x));
    }
    case 'clip': {
      const lo = f32(a.min ?? -Infinity);
      const hi = f32(a.max ?? Infinity);
      return (x) => Math.min(hi, Math.max(lo, x));
    }
  }
}

/** Round to nearest, ties to even (MlasQuantizeLinear: cvtps2dq / vcvtnq under the default rounding mode). */
export function roundHalfToEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The 256 outputs, in byte order (entry i for input (int8_t)(uint8_t)i). */
export function lutTable(a: LutAttrs, input: QuantParams, output: QuantParams): Int8Array {
  const f = lutFunction(a);
  const [sIn, zIn] = [f32(input.scale[0]!), input.zeroPoint[0]!];
  const [sOut, zOut] = [f32(output.scale[0]!), output.zeroPoint[0]!];
  return Int8Array.from({ length: 256 }, (_, i) => {
    const q = i < 128 ? i : i - 256;
    const y = f(f32((q - zIn) * sIn));
    const v = roundHalfToEven(f32(y / sOut)) + zOut;
    return v < -128 ? -128 : v > 127 ? 127 : v;
  });
}

/** The TS kernel: a lookup, as the C's. */
export function lookupS8(table: Int8Array, x: Int8Array): Int8Array {
  return Int8Array.from(x, (v) => table[v & 0xff]!);
}

const FUNCTIONS: readonly LutFunction[] = ['sigmoid', 'tanh', 'hard_swish', 'leaky_relu', 'clip'];

export const lutOpDef: OpDef<'lut', LutStep> = {
  rule: {
    inputs: [1, 1],
    outputs: 1,
    signatures: [['int8', 'int8']],
    check(c) {
      const a = (c.op as { attrs: LutAttrs }).attrs;
      if (!FUNCTIONS.includes(a.fn)) c.fail(`table function '${a.fn}' is not one of ${FUNCTIONS.join(', ')}`);
      if (a.alpha !== undefined && !Number.isFinite(a.alpha)) c.fail(`alpha ${a.alpha} must be finite`);
      if (a.min !== undefined && a.max !== undefined && !(a.min <= a.max)) c.fail(`clip bounds ${a.min} > ${a.max}`);
      for (const t of [c.input(0), c.output(0)]) if (t && t.quant?.scale.length !== 1) c.fail('a table activation needs per-tensor quantization', t, 'E-GRAPH-QUANT');
      return checkSameSize(c);
    },
  },
  quant: { output: 'calibrated' },
  float: (op, _g, [x]) => x!.map(lutFunction(op.attrs)),
  lower(g, op) {
    const x = g.tensors[op.inputs[0]!]!;
    const y = g.tensors[op.outputs[0]!]!;
    return { kind: 'lut_s8', input: x.id, output: y.id, size: size(x), table: lutTable(op.attrs, x.quant!, y.quant!) };
  },
};

export const lutStepDef: StepDef<LutStep> = {
  simulate: (s, env) => lookupS8(s.table, env.read(s.input) as Int8Array),
  portable: {
    header: 'edgec_activations.h',
    files: ['edgec_activations.h', 'edgec_activations.c', 'edgec_fixedpoint.h'],
    emit(s, ctx) {
      const n = s.op.name;
      const table = ctx.constArray('table', 'int8_t', s.table, n);
      return { kernel: 'edgec_table_s8', lines: [`status = ${call('edgec_table_s8', [table, ctx.tensor(s.input, n), ctx.tensor(s.output, n), String(s.size)])};`] };
    },
  },
};
