/**
 * Kernel constants derived from quantization parameters, computed once by the compiler exactly as
 * TFLite Micro's Prepare functions compute them (float32 scales widened to double). The generated C
 * receives only the resulting integers.
 */
import type { Activation, QuantParams } from '../ir/graph.ts';
import { effectiveScale, frexp, quantizeMultiplier, roundHalfAwayFromZero, type QuantizedMultiplier } from './fixedpoint.ts';

export interface ActivationRange {
  min: number;
  max: number;
}

/** CalculateActivationRangeQuantized: fused activation intersected with the dtype's range. */
export function activationRange(act: Activation, out: QuantParams, dtype: 'int8' | 'int16' = 'int8'): ActivationRange {
  const qmin = dtype === 'int8' ? -128 : -32768;
  const qmax = dtype === 'int8' ? 127 : 32767;
  const scale = Math.fround(out.scale[0]!);
  const zp = out.zeroPoint[0]!;
  const quantize = (f: number) => zp + roundHalfAwayFromZero(f / scale);
  switch (act) {
    case 'none':
      return { min: qmin, max: qmax };
    case 'relu':
      return { min: Math.max(qmin, quantize(0)), max: qmax };
    case 'relu6':
      return { min: Math.max(qmin, quantize(0)), max: Math.min(qmax, quantize(6)) };
  }
}

/** Per-output-channel (multiplier, shift) of a conv / depthwise / fully connected layer. */
export function channelMultipliers(input: QuantParams, weights: QuantParams, output: QuantParams, channels: number): { multiplier: Int32Array; shift: Int32Array } {
  const multiplier = new Int32Array(channels);
  const shift = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const ws = weights.scale.length === 1 ? weights.scale[0]! : weights.scale[c]!;
    const q = quantizeMultiplier(effectiveScale(input.scale[0]!, ws, output.scale[0]!));
    multiplier[c] = q.multiplier;
    shift[c] = q.shift;
  }
  return { multiplier, shift };
}

export interface AddParams {
  input1Offset: number;
  input2Offset: number;
  input1: QuantizedMultiplier;
  input2: QuantizedMultiplier;
  leftShift: number;
  outputOffset: number;
  output: QuantizedMultiplier;
}

/**
 * ADD: both inputs rescaled to 2 * max(s1, s2) with a 2^20 headroom (int8; int16 2^15, as TFLite
 * Micro's CalculateOpData), then to the output.
 */
export function addParams(in1: QuantParams, in2: QuantParams, out: QuantParams, dtype: 'int8' | 'int16' = 'int8'): AddParams {
  const s1 = Math.fround(in1.scale[0]!);
  const s2 = Math.fround(in2.scale[0]!);
  const so = Math.fround(out.scale[0]!);
  const leftShift = dtype === 'int16' ? 15 : 20;
  const twiceMax = 2 * Math.max(s1, s2);
  return {
    input1Offset: -in1.zeroPoint[0]!,
    input2Offset: -in2.zeroPoint[0]!,
    input1: quantizeMultiplier(s1 / twiceMax),
    input2: quantizeMultiplier(s2 / twiceMax),
    leftShift,
    outputOffset: out.zeroPoint[0]!,
    output: quantizeMultiplier(twiceMax / (2 ** leftShift * so)),
  };
}

/**
 * SUB (int8): TFLite Micro's CalculateOpDataSub, ADD's constants with each ratio rounded to float32
 * before widening (sub_common.cc divides float scales in float); the kernel subtracts the rescaled
 * second input instead of adding it.
 */
export function subParams(in1: QuantParams, in2: QuantParams, out: QuantParams): AddParams {
  const s1 = Math.fround(in1.scale[0]!);
  const s2 = Math.fround(in2.scale[0]!);
  const so = Math.fround(out.scale[0]!);
  const leftShift = 20;
  const twiceMax = Math.fround(2 * Math.max(s1, s2));
  return {
    input1Offset: -in1.zeroPoint[0]!,
    input2Offset: -in2.zeroPoint[0]!,
    input1: quantizeMultiplier(Math.fround(s1 / twiceMax)),
    input2: quantizeMultiplier(Math.fround(s2 / twiceMax)),
    leftShift,
    outputOffset: out.zeroPoint[0]!,
    output: quantizeMultiplier(Math.fround(twiceMax / Math.fround(2 ** leftShift * so))),
  };
}

/** MUL (int8): TFLite Micro's CalculateOpDataMul, output multiplier s1 * s2 / s_out in double. */
export function mulParams(in1: QuantParams, in2: QuantParams, out: QuantParams): { input1Offset: number; input2Offset: number; outputOffset: number; output: QuantizedMultiplier } {
  return {
    input1Offset: -in1.zeroPoint[0]!,
    input2Offset: -in2.zeroPoint[0]!,
    outputOffset: out.zeroPoint[0]!,
    output: quantizeMultiplier(effectiveScale(in1.scale[0]!, in2.scale[0]!, out.scale[0]!)),
  };
}

export interface SoftmaxParams {
  multiplier: number;
  leftShift: number;
  diffMin: number;
}

const SCALED_DIFF_INTEGER_BITS = 5;

/** PreprocessSoftmaxScaling + CalculateInputRadius for int8 softmax. */
export function softmaxParams(beta: number, input: QuantParams): SoftmaxParams {
  const real = Math.min(Math.fround(beta) * Math.fround(input.scale[0]!) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  const q = quantizeMultiplier(real);
  const radius = Math.floor(((2 ** SCALED_DIFF_INTEGER_BITS - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** q.shift);
  return { multiplier: q.multiplier, leftShift: q.shift, diffMin: -radius };
}

/**
 * MEAN over N elements (TFLite Micro int8): M = s_in / s_out as (multiplier, shift), then 1/N folded
 * in: sh = min(floor(log2 N), 32, 31 + shift), multiplier' = (multiplier << sh) / N (int64 division),
 * shift' = shift - sh.
 */
export function meanParams(input: QuantParams, output: QuantParams, count: number): { multiplier: number; shift: number } {
  const q = quantizeMultiplier(Math.fround(input.scale[0]!) / Math.fround(output.scale[0]!));
  const sh = Math.min(Math.floor(Math.log2(count)), 32, 31 + q.shift);
  const multiplier = Number((BigInt(q.multiplier) << BigInt(sh)) / BigInt(count));
  return { multiplier, shift: q.shift - sh };
}

/**
 * LOGISTIC / TANH int8 (TFLite Micro Prepare): input scale * 2^27 as frexp mantissa/exponent
 * (the exponent is the left shift), and the radius beyond which the output saturates.
 */
export function lutActivationParams(input: QuantParams): { inputZeroPoint: number; inputRangeRadius: number; inputMultiplier: number; inputLeftShift: number } {
  const INTEGER_BITS = 4;
  const { mantissa, exponent } = frexp(Math.fround(input.scale[0]!) * 2 ** (31 - INTEGER_BITS));
  const radius = Math.floor(((2 ** INTEGER_BITS - 1) * 2 ** (31 - INTEGER_BITS)) / 2 ** exponent);
  // `| 0` keeps the int32 cast of TFLite when the mantissa rounds up to 2^31.
  return { inputZeroPoint: input.zeroPoint[0]!, inputRangeRadius: radius, inputMultiplier: roundHalfAwayFromZero(mantissa * 2 ** 31) | 0, inputLeftShift: exponent };
}

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM (int8 activations, int16 cell), as TFLite Micro prepares it: each gate's
 * matrix products are requantized to Q3.12 (scale 2^-12) for the int16 sigmoid/tanh, whose outputs
 * are Q0.15 (2^-15); the products of gate outputs go to the cell state's scale (a power of two) and
 * to the hidden state's scale and zero point. The cell clip is quantized to the cell scale.
 */
export function lstmParams(input: QuantParams, inputWeights: QuantParams[], recurrentWeights: QuantParams[], hidden: QuantParams, cell: QuantParams, cellClip: number) {
  const gateInput = 2 ** -12;
  const gateOutput = 2 ** -15;
  const cellScale = Math.fround(cell.scale[0]!);
  const log2 = Math.log2(cellScale);
  if (Math.abs(log2 - Math.round(log2)) > 1e-3) throw new Error(`LSTM cell state scale ${cellScale} is not a power of two`);
  const q = (real: number) => quantizeMultiplier(real);
  return {
    gates: inputWeights.map((w, k) => ({
      input: q(effectiveScale(input.scale[0]!, w.scale[0]!, gateInput)),
      hidden: q(effectiveScale(hidden.scale[0]!, recurrentWeights[k]!.scale[0]!, gateInput)),
    })),
    forgetToCell: q((gateOutput * cellScale) / cellScale),
    inputToCell: q((gateOutput * gateOutput) / cellScale),
    output: q((gateOutput * gateOutput) / Math.fround(hidden.scale[0]!)),
    cellScalePower: Math.round(log2),
    // int16 cast of the clamped double truncates toward zero, as C's.
    cellClip: Math.trunc(Math.min(Math.max(Math.fround(cellClip) / cellScale, -32768), 32767)),
    inputOffset: -input.zeroPoint[0]!,
    outputOffset: hidden.zeroPoint[0]!,
  };
}

/**
 * SVDF (TFLite Micro, int8 input and output): the feature products are rescaled to the state's scale
 * (input * feature weights / state), the time products to the output's (state * time weights /
 * output). The state is taken as symmetric, as TFLite does; its zero point is not used.
 */
export function svdfParams(input: QuantParams, weightsFeature: QuantParams, weightsTime: QuantParams, state: QuantParams, output: QuantParams) {
  return {
    inputQuant: quantizeMultiplier(effectiveScale(input.scale[0]!, weightsFeature.scale[0]!, state.scale[0]!)),
    outputQuant: quantizeMultiplier(effectiveScale(state.scale[0]!, weightsTime.scale[0]!, output.scale[0]!)),
    inputOffset: input.zeroPoint[0]!,
    outputOffset: output.zeroPoint[0]!,
  };
}

/** QUANTIZE between integer types (TFLite Requantize): M = s_in / s_out. */
export function requantizeParams(input: QuantParams, output: QuantParams) {
  return { ...quantizeMultiplier(Math.fround(input.scale[0]!) / Math.fround(output.scale[0]!)), inputZeroPoint: input.zeroPoint[0]!, outputZeroPoint: output.zeroPoint[0]! };
}

/**
 * TFLite STRIDED_SLICE resolved per axis (begin/end masks, negative indices, clamping as TFLite's
 * StartForAxis/StopForAxis; a shrunk axis takes one element). Returns null for ellipsis and new-axis
 * masks, which are not supported.
 */
export function stridedSliceAxes(
  shape: readonly number[],
  begin: readonly number[],
  end: readonly number[],
  strides: readonly number[],
  masks: { begin: number; end: number; ellipsis: number; newAxis: number; shrink: number },
) {
  if (masks.ellipsis !== 0 || masks.newAxis !== 0) return null;
  const out = { begin: [] as number[], stride: [] as number[], size: [] as number[] };
  shape.forEach((dim, a) => {
    const stride = strides[a] ?? 1;
    const bit = (m: number) => ((m >> a) & 1) === 1;
    const clampIndex = (v: number) => (stride > 0 ? Math.min(Math.max(v, 0), dim) : Math.min(Math.max(v, -1), dim - 1));
    let start = begin[a] ?? 0;
    if (bit(masks.begin)) start = stride > 0 ? 0 : dim - 1;
    else start = clampIndex(start < 0 ? start + dim : start);
    let stop: number;
    if (bit(masks.shrink)) stop = start + 1;
    else if (bit(masks.end)) stop = stride > 0 ? dim : -1;
    else {
      const e = end[a] ?? dim;
      stop = clampIndex(e < 0 ? e + dim : e);
    }
    const count = stride > 0 ? Math.max(0, Math.ceil((stop - start) / stride)) : Math.max(0, Math.ceil((start - stop) / -stride));
    out.begin.push(start);
    out.stride.push(stride);
    out.size.push(count);
  });
  return out;
}

/** tfjs's hard sigmoid clip(0.2 x + 0.5, 0, 1) from Q3.12 gates to Q0.15: slope 0.2 * 2^15 / 2^12 = 1.6. */
export function hardSigmoidSlope(): QuantizedMultiplier {
  return quantizeMultiplier(1.6);
}
