/**
 * DEPTHWISE_CONV_2D for int8 activations and int8 per-channel weights (TFLite int8 reference
 * semantics), twin of edgec_depthwise.c. Weights [1, KH, KW, C_OUT] with
 * out channel = in channel * ch_mult + m; input/output NHWC.
 */
import { multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';
import type { ConvParams } from './conv.ts';
import type { Dims, PerChannelQuant } from './types.ts';

export interface DepthwiseParams extends ConvParams {
  chMult: number;
}

export function depthwiseConvS8(
  params: DepthwiseParams,
  quant: PerChannelQuant,
  inputDims: Dims,
  input: Int8Array,
  filterDims: Dims,
  filter: Int8Array,
  bias: Int32Array | null,
  outputDims: Dims,
): Int8Array {
  const { n: batches, h: inH, w: inW, c: inC } = inputDims;
  const { h: kH, w: kW } = filterDims;
  const { h: outH, w: outW, c: outC } = outputDims;
  const { inputOffset, outputOffset, chMult } = params;
  const { min: actMin, max: actMax } = params.activation;
  const acc = new Int32Array(outC);
  const output = new Int8Array(batches * outH * outW * outC);
  let o = 0;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * params.stride.h - params.padding.h;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * params.stride.w - params.padding.w;
        if (bias) acc.set(bias);
        else acc.fill(0);
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * params.dilation.h;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * params.dilation.w;
            if (ix < 0 || ix >= inW) continue;
            const inBase = ((b * inH + iy) * inW + ix) * inC;
            const wBase = (ky * kW + kx) * outC;
            for (let ic = 0; ic < inC; ic++) {
              const x = input[inBase + ic]! + inputOffset;
              const oc0 = ic * chMult;
              for (let m = 0; m < chMult; m++) acc[oc0 + m]! += filter[wBase + oc0 + m]! * x;
            }
          }
        }
        for (let c = 0; c < outC; c++) {
          let v = multiplyByQuantizedMultiplier(acc[c]!, quant.multiplier[c]!, quant.shift[c]!) + outputOffset;
          v = v < actMin ? actMin : v > actMax ? actMax : v;
          output[o + c] = v;
        }
        o += outC;
      }
    }
  }
  return output;
}
