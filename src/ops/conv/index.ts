/**
 * CONV_2D and DEPTHWISE_CONV_2D, int8 and int16 ("16x8"), and the transposed convolution (int8):
 * one place for the whole family. Parts: steps.ts (IR ops, step kinds, geometry), rule.ts (validation),
 * float.ts (float reference), import.ts (tflite and tfjs), portable.ts and cmsis.ts (C calls), cases.ts
 * (conformance adapters); the TS reference kernels are src/kernels/conv*.ts and depthwise.ts, the C
 * kernels templates/kernels/portable/edgec_conv*.c and edgec_depthwise_folded.c.
 *
 *   IR conv2d | depthwise_conv2d -> step conv_s8 | depthwise_s8 (weights OHWI | [1, KH, KW, C * mult])
 *                                -> conv_s16 | depthwise_s16 (int16 activations, int32 bias)
 *   IR transpose_conv2d -> step transpose_conv_s8 (weights [C_OUT, KH, KW, C_IN]; TFLite's TRANSPOSE_CONV)
 */
import { convolveS8 } from '../../kernels/conv.ts';
import { convolveS16, depthwiseConvS16 } from '../../kernels/conv_s16.ts';
import { depthwiseConvS8 } from '../../kernels/depthwise.ts';
import { transposeConvS8 } from '../../kernels/transpose_conv.ts';
import type { Dims } from '../../kernels/types.ts';
import { activationRange, channelMultipliers } from '../../arith/op-params.ts';
import type { Graph, QuantParams, Tensor } from '../../ir/graph.ts';
import type { OpFamily, OpOf, SimEnv } from '../contract.ts';
import { nhwcOf } from '../shared/rules.ts';
import { convCases } from './cases.ts';
import { convCmsis, convS16Cmsis, depthwiseCmsis, depthwiseS16Cmsis, transposeConvCmsis } from './cmsis.ts';
import { convFloat, transposeConvFloat } from './float.ts';
import { convTfjsImporters, convTfliteImporters } from './import.ts';
import { convOnnxImporters } from './onnx.ts';
import { convPortable, convS16Portable, depthwisePortable, depthwiseS16Portable, transposeConvPortable } from './portable.ts';
import { convRule, depthwiseRule, transposeConvRule } from './rule.ts';
import type { ConvOps, ConvS16Step, ConvStep, ConvSteps, DepthwiseS16Step, DepthwiseStep, TransposeConvStep } from './steps.ts';

export type { ConvOps, ConvSteps, ConvStep, DepthwiseStep };

function dims(t: Tensor): Dims {
  const [n, h, w, c] = nhwcOf(t.shape);
  return { n, h, w, c };
}

const q = (t: Tensor): QuantParams => t.quant!;

/** Every constant of a conv or depthwise layer: per-channel (multiplier, shift), offsets, clamp range. */
function lowerConv(g: Graph, op: OpOf<'conv2d' | 'depthwise_conv2d'>): ConvStep | DepthwiseStep | ConvS16Step | DepthwiseS16Step {
  const x = g.tensors[op.inputs[0]!]!;
  const w = g.tensors[op.inputs[1]!]!;
  const out = g.tensors[op.outputs[0]!]!;
  const a = op.attrs;
  const isDw = op.kind === 'depthwise_conv2d';
  const outC = isDw ? w.shape[3]! : w.shape[0]!;
  const { multiplier, shift } = channelMultipliers(q(x), q(w), q(out), outC);
  const base = {
    input: x.id,
    output: out.id,
    weights: w.id,
    bias: op.inputs[2] ?? -1,
    inputDims: dims(x),
    filterDims: { n: isDw ? 1 : outC, h: w.shape[1]!, w: w.shape[2]!, c: isDw ? outC : w.shape[3]! },
    outputDims: dims(out),
    inputOffset: -q(x).zeroPoint[0]!,
    outputOffset: q(out).zeroPoint[0]!,
    stride: { ...a.stride },
    padding: { h: a.padding.top, w: a.padding.left },
    dilation: { ...a.dilation },
    activation: activationRange(a.activation, q(out), out.dtype === 'int16' ? 'int16' : 'int8'),
    multiplier,
    shift,
  };
  if (x.dtype === 'int16') {
    // 16x8: an int32 bias (or none) takes the ordinary 32-bit requantization, an int64 one (.tflite) the
    // 64-bit one with the reduced multiplier, as TFLite Micro chooses by the bias type.
    const biasIs32 = (op.inputs[2] ?? -1) < 0 || g.tensors[op.inputs[2]!]!.dtype !== 'int64';
    if (op.kind === 'depthwise_conv2d') return { kind: 'depthwise_s16', ...base, chMult: op.attrs.depthMultiplier, biasIs32 };
    return { kind: 'conv_s16', ...base, biasIs32 };
  }
  if (op.kind === 'depthwise_conv2d') return { kind: 'depthwise_s8', ...base, chMult: op.attrs.depthMultiplier };
  return { kind: 'conv_s8', ...base, groups: op.attrs.groups };
}

/**
 * TFLite's TRANSPOSE_CONV Prepare: per-channel multipliers of s_in * s_w[c] / s_out as for a
 * convolution, the input and output offsets, the clamp range; the padding before (top, left), and
 * after it CMSIS-NN's padding offsets (the part of bottom/right beyond top/left, output padding off).
 */
function lowerTransposeConv(g: Graph, op: OpOf<'transpose_conv2d'>): TransposeConvStep {
  const x = g.tensors[op.inputs[0]!]!;
  const w = g.tensors[op.inputs[1]!]!;
  const out = g.tensors[op.outputs[0]!]!;
  const a = op.attrs;
  const outC = w.shape[0]!;
  const { multiplier, shift } = channelMultipliers(q(x), q(w), q(out), outC);
  return {
    kind: 'transpose_conv_s8',
    input: x.id,
    output: out.id,
    weights: w.id,
    bias: op.inputs[2] ?? -1,
    inputDims: dims(x),
    filterDims: { n: outC, h: w.shape[1]!, w: w.shape[2]!, c: w.shape[3]! },
    outputDims: dims(out),
    inputOffset: -q(x).zeroPoint[0]!,
    outputOffset: q(out).zeroPoint[0]!,
    stride: { ...a.stride },
    padding: { h: a.padding.top, w: a.padding.left },
    paddingOffsets: { h: a.padding.bottom - a.outputPadding.h - a.padding.top, w: a.padding.right - a.outputPadding.w - a.padding.left },
    dilation: { h: 1, w: 1 },
    activation: activationRange(a.activation, q(out), 'int8'),
    multiplier,
    shift,
  };
}

const int8 = (env: SimEnv, id: number) => env.constant(id) as Int8Array;
const int32OrNull = (env: SimEnv, id: number) => env.constant(id) as Int32Array | null;
const quantOf = (s: { multiplier: Int32Array; shift: Int32Array }) => ({ multiplier: s.multiplier, shift: s.shift });
const bias16 = (env: SimEnv, s: { bias: number; biasIs32: boolean }) => ({ data: env.constant(s.bias), is32: s.biasIs32 });

export const conv: OpFamily<ConvOps, ConvSteps> = {
  name: 'conv',
  ops: {
    conv2d: { rule: convRule, quant: { output: 'calibrated', weights: { slot: 1, axis: 0 }, bias: { slot: 2 } }, float: convFloat, lower: lowerConv },
    depthwise_conv2d: { rule: depthwiseRule, quant: { output: 'calibrated', weights: { slot: 1, axis: 3 }, bias: { slot: 2 } }, float: convFloat, lower: lowerConv },
    transpose_conv2d: { rule: transposeConvRule, quant: { output: 'calibrated', weights: { slot: 1, axis: 0 }, bias: { slot: 2 } }, float: transposeConvFloat, lower: lowerTransposeConv },
  },
  steps: {
    conv_s8: {
      requantizers: (s) => Array.from(s.multiplier, (m, c) => ({ name: `channel ${c} requantization`, multiplier: m, shift: s.shift[c]! })),
      simulate: (s, env) => convolveS8(s, quantOf(s), s.inputDims, env.read(s.input) as Int8Array, s.filterDims, int8(env, s.weights), int32OrNull(env, s.bias), s.outputDims),
      portable: convPortable,
      cmsisNn: convCmsis,
    },
    depthwise_s8: {
      requantizers: (s) => Array.from(s.multiplier, (m, c) => ({ name: `channel ${c} requantization`, multiplier: m, shift: s.shift[c]! })),
      simulate: (s, env) => depthwiseConvS8(s, quantOf(s), s.inputDims, env.read(s.input) as Int8Array, s.filterDims, int8(env, s.weights), int32OrNull(env, s.bias), s.outputDims),
      portable: depthwisePortable,
      cmsisNn: depthwiseCmsis,
    },
    conv_s16: {
      simulate: (s, env) => convolveS16(s, quantOf(s), s.inputDims, env.read(s.input) as Int16Array, s.filterDims, int8(env, s.weights), bias16(env, s), s.outputDims),
      portable: convS16Portable,
      cmsisNn: convS16Cmsis,
    },
    depthwise_s16: {
      simulate: (s, env) => depthwiseConvS16(s, quantOf(s), s.inputDims, env.read(s.input) as Int16Array, s.filterDims, int8(env, s.weights), bias16(env, s), s.outputDims),
      portable: depthwiseS16Portable,
      cmsisNn: depthwiseS16Cmsis,
    },
    transpose_conv_s8: {
      requantizers: (s) => Array.from(s.multiplier, (m, c) => ({ name: `channel ${c} requantization`, multiplier: m, shift: s.shift[c]! })),
      simulate: (s, env) => transposeConvS8(s, quantOf(s), s.inputDims, env.read(s.input) as Int8Array, s.filterDims, int8(env, s.weights), int32OrNull(env, s.bias), s.outputDims),
      portable: transposeConvPortable,
      cmsisNn: transposeConvCmsis,
    },
  },
  tflite: convTfliteImporters,
  tfjs: convTfjsImporters,
  onnx: convOnnxImporters,
  cases: convCases,
};
