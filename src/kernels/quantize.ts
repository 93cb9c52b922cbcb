/**
 * TFLite QUANTIZE between integer types (reference Requantize), twin of edgec_quantize.c:
 * out = clamp(requant(x - zp_in, M) + zp_out) to the output type's range, M = s_in / s_out.
 */
import { multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';

export type IntType = 'int8' | 'int16' | 'int32';

const RANGE: Record<IntType, [number, number]> = { int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647] };

export function quantizeInt(input: ArrayLike<number>, outType: IntType, multiplier: number, shift: number, inputZeroPoint: number, outputZeroPoint: number): Int8Array | Int16Array | Int32Array {
  const out = outType === 'int8' ? new Int8Array(input.length) : outType === 'int16' ? new Int16Array(input.length) : new Int32Array(input.length);
  const [lo, hi] = RANGE[outType];
  for (let i = 0; i < input.length; i++) {
    // The sum is exact in doubles; the clamp keeps it in range (C adds in int64 for an int32 output).
    const v = multiplyByQuantizedMultiplier((input[i]! - inputZeroPoint) | 0, multiplier, shift) + outputZeroPoint;
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return out;
}
