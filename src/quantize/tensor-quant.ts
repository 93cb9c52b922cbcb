/**
 * Float <-> int8 conversion of whole tensors at the model boundary (sensor windows in, class scores
 * out), exactly as TFLite's QUANTIZE and DEQUANTIZE reference kernels compute them:
 *   q = clamp(round_half_away(float32(x / scale)) + zero_point)   (a float32 division)
 *   x = float32(double(scale) * (q - zero_point))
 */
import { roundHalfAwayFromZero } from './fixedpoint.ts';

export function quantizeValues(x: ArrayLike<number>, scale: number, zeroPoint: number): Int8Array {
  const out = new Int8Array(x.length);
  const s = Math.fround(scale);
  for (let i = 0; i < x.length; i++) {
    const q = roundHalfAwayFromZero(Math.fround(Math.fround(x[i]!) / s)) + zeroPoint;
    out[i] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
  return out;
}

export function dequantizeValues(q: ArrayLike<number>, scale: number, zeroPoint: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = Math.fround(scale) * (q[i]! - zeroPoint);
  return out;
}
