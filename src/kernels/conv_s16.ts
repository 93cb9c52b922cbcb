/**
 * The int16 x int8 ("16x8") kernels: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with int16
 * activations (zero point 0) and int8 per-channel weights, twins of edgec_conv_s16.c. A 64-bit bias
 * selects the reduced 16-bit multiplier path (multiplyByQuantizedMultiplierS64); a 32-bit bias the
 * ordinary requantization, as CMSIS-NN's is_int32_bias does.
 */
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierS64 } from '../arith/fixedpoint.ts';
import type { ConvParams } from './conv.ts';
import type { DepthwiseParams } from './depthwise.ts';
import type { FullyConnectedParams } from './fully_connected.ts';
import type { Dims, PerChannelQuant } from './types.ts';

export interface BiasS16 {
  data: ArrayLike<number> | null;
  /** true: int32 bias and 32-bit requantization; false: int64 bias and the reduced multiplier. */
  is32: boolean;
}

function requantizeS16(acc: number, c: number, quant: PerChannelQuant, bias: BiasS16): number {
  const b = bias.data ? bias.data[c]! : 0;
  return bias.is32 ? multiplyByQuantizedMultiplier((acc + b) | 0, quant.multiplier[c]!, quant.shift[c]!) : multiplyByQuantizedMultiplierS64(acc + b, quant.multiplier[c]!, quant.shift[c]!);
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

export function convolveS16(params: ConvParams, quant: PerChannelQuant, inputDims: Dims, input: Int16Array, filterDims: Dims, filter: Int8Array, bias: BiasS16, outputDims: Dims): Int16Array {
  const { n, h: inH, w: inW, c: inC } = inputDims;
  const { h: kH, w: kW, c: groupC } = filterDims;
  const { h: outH, w: outW, c: outC } = outputDims;
  const perGroup = outC / (inC / groupC);
  const out = new Int16Array(n * outH * outW * outC);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let c = 0; c < outC; c++) {
          const g0 = Math.floor(c / perGroup) * groupC;
          let acc = 0;
          for (let ky = 0; ky < kH; ky++) {
            const iy = oy * params.stride.h - params.padding.h + ky * params.dilation.h;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kW; kx++) {
              const ix = ox * params.stride.w - params.padding.w + kx * params.dilation.w;
              if (ix < 0 || ix >= inW) continue;
              const xb = ((b * inH + iy) * inW + ix) * inC + g0;
              const wb = ((c * kH + ky) * kW + kx) * groupC;
              for (let ic = 0; ic < groupC; ic++) acc += filter[wb + ic]! * (input[xb + ic]! + params.inputOffset);
            }
          }
          out[o++] = clamp(requantizeS16(acc, c, quant, bias) + params.outputOffset, params.activation.min, params.activation.max);
        }
  return out;
}

export function depthwiseConvS16(
  params: DepthwiseParams,
  quant: PerChannelQuant,
  inputDims: Dims,
  input: Int16Array,
  filterDims: Dims,
  filter: Int8Array,
  bias: BiasS16,
  outputDims: Dims,
): Int16Array {
  const { n, h: inH, w: inW, c: inC } = inputDims;
  const { h: kH, w: kW } = filterDims;
  const { h: outH, w: outW, c: outC } = outputDims;
  const out = new Int16Array(n * outH * outW * outC);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let c = 0; c < outC; c++) {
          const ic = Math.floor(c / params.chMult);
          let acc = 0;
          for (let ky = 0; ky < kH; ky++) {
            const iy = oy * params.stride.h - params.padding.h + ky * params.dilation.h;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kW; kx++) {
              const ix = ox * params.stride.w - params.padding.w + kx * params.dilation.w;
              if (ix < 0 || ix >= inW) continue;
              acc += filter[(ky * kW + kx) * outC + c]! * (input[((b * inH + iy) * inW + ix) * inC + ic]! + params.inputOffset);
            }
          }
          out[o++] = clamp(requantizeS16(acc, c, quant, bias) + params.outputOffset, params.activation.min, params.activation.max);
        }
  return out;
}

export function fullyConnectedS16(
  params: FullyConnectedParams,
  quant: PerChannelQuant,
  perChannel: boolean,
  batches: number,
  accumDepth: number,
  outputDepth: number,
  input: Int16Array,
  filter: Int8Array,
  bias: BiasS16,
): Int16Array {
  const out = new Int16Array(batches * outputDepth);
  for (let b = 0; b < batches; b++)
    for (let c = 0; c < outputDepth; c++) {
      let acc = 0;
      for (let d = 0; d < accumDepth; d++) acc += (filter[c * accumDepth + d]! + params.filterOffset) * (input[b * accumDepth + d]! + params.inputOffset);
      const k = perChannel ? c : 0;
      const q = { multiplier: [quant.multiplier[k]!], shift: [quant.shift[k]!] };
      const bb = { data: bias.data ? [bias.data[c]!] : null, is32: bias.is32 };
      out[b * outputDepth + c] = clamp(requantizeS16(acc, 0, q, bb) + params.outputOffset, params.activation.min, params.activation.max);
    }
  return out;
}
