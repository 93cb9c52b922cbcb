/**
 * Float <-> int8 conversion of whole tensors at the model boundary (sensor windows in, class scores
 * out), exactly as TFLite's QUANTIZE and DEQUANTIZE reference kernels compute them:
 *   q = clamp(round_half_away(float32(x / scale)) + zero_point)   (a float32 division)
 *   x = float32(double(scale) * (q - zero_point))
 */
import { roundHalfAwayFromZero } from './fixedpoint.ts';

export function quantizeValues(x: ArrayLike<number>, scale: number, zeroPoint: number): Int8Array;
export function quantizeValues(x: ArrayLike<number>, scale: number, zeroPoint: number, dtype: 'int16'): Int16Array;
export function quantizeValues(x: ArrayLike<number>, scale: number, zeroPoint: number, dtype: 'int8' | 'int16' = 'int8'): Int8Array | Int16Array {
  const out = dtype === 'int16' ? new Int16Array(x.length) : new Int8Array(x.length);
  const [lo, hi] = dtype === 'int16' ? [-32768, 32767] : [-128, 127];
  const s = Math.fround(scale);
  for (let i = 0; i < x.length; i++) {
    const q = roundHalfAwayFromZero(Math.fround(Math.fround(x[i]!) / s)) + zeroPoint;
    out[i] = q < lo ? lo : q > hi ? hi : q;
  }
  return out;
}

export function dequantizeValues(q: ArrayLike<number>, scale: number, zeroPoint: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = Math.fround(scale) * (q[i]! - zeroPoint);
  return out;
}
