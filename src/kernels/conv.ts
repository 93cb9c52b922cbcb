/**
 * CONV_2D for int8 activations and int8 per-channel weights (TFLite int8 reference semantics), twin
 * of edgec_conv.c. Weights OHWI [C_OUT, KH, KW, C_IN / groups]; input/output NHWC.
 *
 * Speed: the simulator runs whole models on thousands of windows, so the inner loop is a dot
 * product between a weight row and an im2col patch of (input + input_offset) values, where padded
 * taps hold 0 (a skipped tap and a zero term contribute the same: nothing).
 */
import { multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';
import type { ActivationRange, Dims, PerChannelQuant, Tile } from './types.ts';

export interface ConvParams {
  inputOffset: number;
  outputOffset: number;
  stride: Tile;
  padding: Tile;
  dilation: Tile;
  activation: ActivationRange;
}

export function convolveS8(params: ConvParams, quant: PerChannelQuant, inputDims: Dims, input: Int8Array, filterDims: Dims, filter: Int8Array, bias: Int32Array | null, outputDims: Dims): Int8Array {
  const { n: batches, h: inH, w: inW, c: inC } = inputDims;
  const { h: kH, w: kW, c: groupC } = filterDims;
  const { h: outH, w: outW, c: outC } = outputDims;
  const groups = inC / groupC;
  const perGroup = outC / groups;
  const { inputOffset, outputOffset } = params;
  const { min: actMin, max: actMax } = params.activation;
  const patchLen = kH * kW * groupC;
  const patch = new Int32Array(patchLen);
  const output = new Int8Array(batches * outH * outW * outC);
  const mult = quant.multiplier;
  const shift = quant.shift;
  let o = 0;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * params.stride.h - params.padding.h;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * params.stride.w - params.padding.w;
        for (let g = 0; g < groups; g++) {
          // im2col of this output position for group g.
          let p = 0;
          for (let ky = 0; ky < kH; ky++) {
            const iy = iy0 + ky * params.dilation.h;
            for (let kx = 0; kx < kW; kx++) {
              const ix = ix0 + kx * params.dilation.w;
              if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
                patch.fill(0, p, p + groupC);
              } else {
                const base = ((b * inH + iy) * inW + ix) * inC + g * groupC;
                for (let ic = 0; ic < groupC; ic++) patch[p + ic] = input[base + ic]! + inputOffset;
              }
              p += groupC;
            }
          }
          const cEnd = (g + 1) * perGroup;
          for (let c = g * perGroup; c < cEnd; c++) {
            let acc = 0;
            let w = c * patchLen;
            let k = 0;
            for (; k + 3 < patchLen; k += 4, w += 4) {
              acc += filter[w]! * patch[k]! + filter[w + 1]! * patch[k + 1]! + filter[w + 2]! * patch[k + 2]! + filter[w + 3]! * patch[k + 3]!;
            }
            for (; k < patchLen; k++, w++) acc += filter[w]! * patch[k]!;
            if (bias) acc += bias[c]!;
            let v = multiplyByQuantizedMultiplier(acc | 0, mult[c]!, shift[c]!) + outputOffset;
            v = v < actMin ? actMin : v > actMax ? actMax : v;
            output[o + c] = v;
          }
        }
        o += outC;
      }
    }
  }
  return output;
}
