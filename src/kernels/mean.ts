/**
 * MEAN over H and W of an int8 NHWC tensor with its own output quantization (TFLite Micro's int8
 * MEAN): the sum of N inputs, offset by N * zp_in, requantized with 1/N folded into the multiplier
 * (see meanParams in src/arith/op-params.ts), plus zp_out. Twin of edgec_mean.c.
 */
import { multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';
import type { Dims } from './types.ts';

export interface MeanParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
}

export function meanHwS8(p: MeanParams, dims: Dims, input: Int8Array): Int8Array {
  const { n, h, w, c } = dims;
  const count = h * w;
  const out = new Int8Array(n * c);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += input[(b * count + i) * c + ch]!;
      let v = multiplyByQuantizedMultiplier(sum - count * p.inputZeroPoint, p.multiplier, p.shift) + p.outputZeroPoint;
      v = v < -128 ? -128 : v > 127 ? 127 : v;
      out[b * c + ch] = v;
    }
  return out;
}
