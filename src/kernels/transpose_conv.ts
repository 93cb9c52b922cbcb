/**
 * TRANSPOSE_CONV int8 (TFLite reference semantics), twin of edgec_transpose_conv.c. Every input
 * pixel scatters into the output: out_y = in_y * stride - pad_top + f_y (likewise x), accumulated
 * in int32 per output element, then bias, per-channel requantization, offset and clamp.
 * Weights [C_OUT, KH, KW, C_IN].
 */
import { multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';
import type { ConvParams } from './conv.ts';
import type { Dims, PerChannelQuant } from './types.ts';

export function transposeConvS8(
  params: ConvParams,
  quant: PerChannelQuant,
  inputDims: Dims,
  input: Int8Array,
  filterDims: Dims,
  filter: Int8Array,
  bias: Int32Array | null,
  outputDims: Dims,
): Int8Array {
  const { n, h: inH, w: inW, c: inC } = inputDims;
  const { h: kH, w: kW } = filterDims;
  const { h: outH, w: outW, c: outC } = outputDims;
  const acc = new Int32Array(n * outH * outW * outC);
  for (let b = 0; b < n; b++)
    for (let iy = 0; iy < inH; iy++)
      for (let ix = 0; ix < inW; ix++)
        for (let ky = 0; ky < kH; ky++) {
          const oy = iy * params.stride.h - params.padding.h + ky;
          if (oy < 0 || oy >= outH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ox = ix * params.stride.w - params.padding.w + kx;
            if (ox < 0 || ox >= outW) continue;
            const xb = ((b * inH + iy) * inW + ix) * inC;
            const ob = ((b * outH + oy) * outW + ox) * outC;
            for (let oc = 0; oc < outC; oc++) {
              const wb = ((oc * kH + ky) * kW + kx) * inC;
              let s = 0;
              for (let ic = 0; ic < inC; ic++) s += (input[xb + ic]! + params.inputOffset) * filter[wb + ic]!;
              acc[ob + oc]! += s;
            }
          }
        }
  const out = new Int8Array(acc.length);
  for (let i = 0; i < acc.length; i++) {
    const c = i % outC;
    let v = multiplyByQuantizedMultiplier((acc[i]! + (bias ? bias[c]! : 0)) | 0, quant.multiplier[c]!, quant.shift[c]!) + params.outputOffset;
    v = v < params.activation.min ? params.activation.min : v > params.activation.max ? params.activation.max : v;
    out[i] = v;
  }
  return out;
}
