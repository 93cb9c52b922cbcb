/**
 * Float <-> int8 conversion of whole tensors at the model boundary (sensor windows in, class scores
 * out), exactly as TFLite's QUANTIZE and DEQUANTIZE reference kernels compute them:
 *   q = clamp(round_half_away(float32(x / scale)) + zero_point)   (a float32 division)
 *   x = float32(double(scale) * (q - zero_point))
 */
import type { QuantParams } from '../ir/graph.ts';
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

/** TFLite's ChooseQuantizationParams for int8 over [lo, hi] (widened to include 0). */
/** 16x8's int16 activations: symmetric, zero point 0, scale max|v| / 32767 (TFLite's 16x8 quantizer). */
export function chooseActivationQuant16(lo: number, hi: number): QuantParams {
  const maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
  return { scale: [Math.fround(maxAbs > 1e-9 ? maxAbs / 32767 : 1 / 32768)], zeroPoint: [0] };
}

/**
 * A kernel's fixed int8 output quantization (softmax 1/256 at -128, tanh 1/128 at 0) carried to int16:
 * the same real range, symmetric (softmax and logistic 1/32768, tanh 1/32768), as TFLite's int16 kernels fix them.
 */
export function fixedQuant16(scale: number, zeroPoint: number): QuantParams {
  return { scale: [Math.fround((Math.max(128 + zeroPoint, 128 - zeroPoint) * scale) / 32768)], zeroPoint: [0] };
}

export function chooseActivationQuant(lo: number, hi: number): QuantParams {
  const rmin = Math.min(lo, 0);
  const rmax = Math.max(hi, 0);
  if (rmax - rmin < 1e-9) return { scale: [Math.fround(1 / 256)], zeroPoint: [-128] };
  const qmin = -128;
  const qmax = 127;
  const scale = Math.fround((rmax - rmin) / (qmax - qmin));
  const zpFromMin = qmin - rmin / scale;
  const zpFromMax = qmax - rmax / scale;
  const errMin = Math.abs(qmin) + Math.abs(rmin / scale);
  const errMax = Math.abs(qmax) + Math.abs(rmax / scale);
  const zpReal = errMin < errMax ? zpFromMin : zpFromMax;
  const zp = Math.min(qmax, Math.max(qmin, roundHalfAwayFromZero(zpReal)));
  return { scale: [scale], zeroPoint: [zp] };
}
