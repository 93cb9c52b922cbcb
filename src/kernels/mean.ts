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
  return meanHw(p, dims, input, new Int8Array(dims.n * dims.c), -128, 127);
}

/** int16 (16x8 models): the same arithmetic (TFLite Micro's Mean template), clamped to int16. */
export function meanHwS16(p: MeanParams, dims: Dims, input: Int16Array): Int16Array {
  return meanHw(p, dims, input, new Int16Array(dims.n * dims.c), -32768, 32767);
}

function meanHw<T extends Int8Array | Int16Array>(p: MeanParams, dims: Dims, input: T, out: T, lo: number, hi: number): T {
  const { n, h, w, c } = dims;
  const count = h * w;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += input[(b * count + i) * c + ch]!;
      let v = multiplyByQuantizedMultiplier(sum - count * p.inputZeroPoint, p.multiplier, p.shift) + p.outputZeroPoint;
      v = v < lo ? lo : v > hi ? hi : v;
      out[b * c + ch] = v;
    }
  return out;
}
