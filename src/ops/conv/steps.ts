/**
 * The convolution family's IR ops and step kinds, and the geometry facts its emitters share.
 *
 *   conv_s8, depthwise_s8        int8 activations, int8 (or packed int4: `int4`) per-channel weights
 *   conv_s16, depthwise_s16      int16 activations (16x8), int32 bias (models, `--activations int16`) or int64 (.tflite, the suite)
 *   transpose_conv_s8            transposed convolution (IR transpose_conv2d; weights [C_OUT, KH, KW, C_IN])
 */
import type { Activation, Conv2dAttrs, DepthwiseAttrs, Padding2d } from '../../ir/graph.ts';
import type { ActivationRange, Dims } from '../../kernels/types.ts';

/**
 * A transposed convolution (ONNX ConvTranspose, TFLite TRANSPOSE_CONV), group 1, dilation 1: input
 * pixel (iy, ix) adds its products to output pixel (iy * stride - top + ky, ix * stride - left + kx).
 * Output H = (H_in - 1) * stride + KH - top - bottom + outputPadding.h (likewise W).
 */
export interface TransposeConvAttrs {
  stride: { h: number; w: number };
  padding: Padding2d;
  /** Extra rows and columns after the last (ONNX output_padding), each below its stride. */
  outputPadding: { h: number; w: number };
  activation: Activation;
}

export interface ConvOps {
  conv2d: Conv2dAttrs;
  depthwise_conv2d: DepthwiseAttrs;
  transpose_conv2d: TransposeConvAttrs;
}

interface ConvGeometry {
  input: number;
  output: number;
  weights: number;
  /** -1: no bias. */
  bias: number;
  inputDims: Dims;
  /** n = C_OUT (1 for depthwise), h, w, c = C_IN / groups (C_OUT for depthwise). */
  filterDims: Dims;
  outputDims: Dims;
  inputOffset: number;
  outputOffset: number;
  stride: { h: number; w: number };
  padding: { h: number; w: number };
  dilation: { h: number; w: number };
  activation: ActivationRange;
  multiplier: Int32Array;
  shift: Int32Array;
  /** The weights tensor holds int4 values, two per byte in C (the suite's s8w4 cases). */
  int4?: boolean;
}

export interface ConvStep extends ConvGeometry {
  kind: 'conv_s8';
  groups: number;
}

export interface DepthwiseStep extends ConvGeometry {
  kind: 'depthwise_s8';
  chMult: number;
}

/** int16 activations: an int32 bias takes the ordinary requantization, an int64 one the reduced multiplier. */
export interface ConvS16Step extends ConvGeometry {
  kind: 'conv_s16';
  biasIs32: boolean;
}

export interface DepthwiseS16Step extends ConvGeometry {
  kind: 'depthwise_s16';
  chMult: number;
  biasIs32: boolean;
}

export interface TransposeConvStep extends ConvGeometry {
  kind: 'transpose_conv_s8';
  /** CMSIS-NN's padding offsets: the extra padding after (bottom - top, right - left; the suite's cases give them). */
  paddingOffsets: { h: number; w: number };
}

export interface ConvSteps {
  conv_s8: ConvStep;
  depthwise_s8: DepthwiseStep;
  conv_s16: ConvS16Step;
  depthwise_s16: DepthwiseS16Step;
  transpose_conv_s8: TransposeConvStep;
}

/** Convolutions with one group run the folded kernel. */
export function foldedConv(s: ConvStep): boolean {
  return s.groups === 1 && s.filterDims.c === s.inputDims.c;
}

/** True when some tap of some output pixel falls in the padding. */
export function anyTapPads(s: ConvGeometry): boolean {
  const f = s.filterDims;
  for (let oy = 0; oy < s.outputDims.h; oy++) {
    const iy = oy * s.stride.h - s.padding.h;
    if (iy < 0 || iy + (f.h - 1) * s.dilation.h >= s.inputDims.h) return true;
  }
  for (let ox = 0; ox < s.outputDims.w; ox++) {
    const ix = ox * s.stride.w - s.padding.w;
    if (ix < 0 || ix + (f.w - 1) * s.dilation.w >= s.inputDims.w) return true;
  }
  return false;
}

/**
 * Bytes of the patch buffer edgec_convolve_s8_folded gathers receptive fields into: none when every
 * pixel's field is one contiguous run of the input (a single kernel row of adjacent taps that never
 * crosses the padding, e.g. pointwise convolutions without padding), else one field.
 */
export function convPatchBytes(s: ConvStep): number {
  const f = s.filterDims;
  const inPlace = f.h === 1 && (f.w === 1 || s.dilation.w === 1) && !anyTapPads(s);
  return inPlace ? 0 : f.h * f.w * f.c;
}

/** A depthwise step with one input channel seen as the convolution it is (filter [C_OUT][h][w][1]). */
export function depthwiseAsConv<S extends DepthwiseStep>(s: S): ConvStep & Omit<S, keyof DepthwiseStep> {
  const { chMult: _unused, ...rest } = s;
  return { ...rest, kind: 'conv_s8', groups: 1, filterDims: { n: s.outputDims.c, h: s.filterDims.h, w: s.filterDims.w, c: 1 } };
}
