/**
 * Fixed-point arithmetic of the TensorFlow Lite int8 spec: the one place in the TypeScript side that
 * rounds. Its exact C twin is `templates/kernels/portable/edgec_requant.h`; both must give the same
 * int32 for every int32 input (test/unit/fixedpoint.test.ts checks this against the C twin).
 *
 * JavaScript numbers are exact only to 2^53, and the products here reach 2^62, so every wide product
 * is split into two exact partial products and shifted with `floorShiftParts`.
 */

export type RoundingMode = 'double' | 'single';

export interface QuantizedMultiplier {
  multiplier: number;
  shift: number;
}

const TWO_31 = 2147483648;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** frexp for finite doubles: x = mantissa * 2^exponent with |mantissa| in [0.5, 1). */
export function frexp(x: number): { mantissa: number; exponent: number } {
  if (x === 0 || !Number.isFinite(x)) return { mantissa: x, exponent: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  let bits = (view.getUint16(0) >>> 4) & 0x7ff;
  let exponentBias = 0;
  if (bits === 0) {
    // Subnormal: scale into the normal range first (2^64 is exact).
    view.setFloat64(0, x * 2 ** 64);
    bits = (view.getUint16(0) >>> 4) & 0x7ff;
    exponentBias = -64;
  }
  const exponent = bits - 1022 + exponentBias;
  return { mantissa: x / 2 ** exponent, exponent };
}

/** Round half away from zero (TfLiteRound / std::round); Math.round rounds ties toward +infinity. */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/**
 * QuantizeMultiplier of TFLite: real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31).
 * `real` must already be the double the caller wants (see `effectiveScale`).
 */
export function quantizeMultiplier(real: number, mode: RoundingMode = 'double'): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 };
  if (!Number.isFinite(real)) throw new RangeError(`quantizeMultiplier: scale ${real} is not finite`);
  const { mantissa, exponent } = frexp(real);
  let shift = exponent;
  let q = roundHalfAwayFromZero(mantissa * TWO_31);
  if (q === TWO_31) {
    q /= 2;
    shift += 1;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  if (mode === 'single' && shift > 30) return { multiplier: INT32_MAX, shift: 30 };
  return { multiplier: q, shift };
}

/**
 * M = s_in * s_w / s_out computed as TFLite Micro does: float32 scales widened to double, multiplied
 * then divided in that order.
 */
export function effectiveScale(inputScale: number, weightScale: number, outputScale: number): number {
  return (Math.fround(inputScale) * Math.fround(weightScale)) / Math.fround(outputScale);
}

/**
 * floor((hi * 2^loBits + lo) / 2^k) for exact doubles hi, lo (|hi|, |lo| < 2^53) whose true sum may
 * exceed 2^53; the result must fit in 2^53.
 */
export function floorShiftParts(hi: number, lo: number, loBits: number, k: number): number {
  const unit = 2 ** loBits;
  const carry = Math.floor(lo / unit);
  const rem = lo - carry * unit; // 0 <= rem < 2^loBits
  const top = hi + carry;
  if (k >= loBits) return Math.floor(top / 2 ** (k - loBits));
  return top * 2 ** (loBits - k) + Math.floor(rem / 2 ** k);
}

/**
 * SaturatingRoundingDoublingHighMul: (a*b + nudge) / 2^31 truncated toward zero, nudge = 2^30 for
 * a*b >= 0 and 1 - 2^30 otherwise; INT32_MIN * INT32_MIN saturates to INT32_MAX.
 */
export function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const bLo = b & 0xffff;
  const bHi = (b - bLo) / 65536;
  const nonNegative = a === 0 || b === 0 || a > 0 === b > 0;
  const nudge = nonNegative ? 1073741824 : 1 - 1073741824;
  const hi = a * bHi;
  const lo = a * bLo + nudge;
  // floor(v / 2^31), then step toward zero when v is negative and not a multiple of 2^31.
  const carry = Math.floor(lo / 65536);
  const rem = lo - carry * 65536;
  const top = hi + carry;
  let q = Math.floor(top / 32768);
  if (top < 0 && (rem !== 0 || top - q * 32768 !== 0)) q += 1;
  return q;
}

/** RoundingDivideByPOT: x / 2^exponent rounded half away from zero, exponent in [0, 31]. */
export function rdbpot(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = 2 ** exponent - 1;
  const remainder = (x & mask) >>> 0;
  const threshold = Math.floor(mask / 2) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * MultiplyByQuantizedMultiplier for int32 x. Double rounding (TFLite's default):
 * RDBPOT(SRDHM(x * 2^max(shift,0), multiplier), max(-shift,0)), where x * 2^left wraps like the
 * int32 multiply in C. Single rounding: (x * multiplier + 2^(30 - shift)) >> (31 - shift) in 64 bits.
 */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number, mode: RoundingMode = 'double'): number {
  if (mode === 'single') {
    const total = 31 - shift;
    const mLo = multiplier & 0xffff;
    const mHi = (multiplier - mLo) / 65536;
    return floorShiftParts(x * mHi, x * mLo + 2 ** (total - 1), 16, total) | 0;
  }
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbpot(srdhm(left === 0 ? x : Math.imul(x, 1 << left), multiplier), right);
}

/** The 16-bit multiplier of the int16x8 path: (multiplier + 2^15) >> 16, capped at 0x7FFF. */
export function reduceMultiplier(multiplier: number): number {
  return multiplier < 0x7fff0000 ? (multiplier + 32768) >> 16 : 0x7fff;
}

/**
 * MultiplyByQuantizedMultiplier for a 64-bit accumulator (|x| < 2^47, the int16x8 kernels):
 * (x * reduced + 2^(14 - shift)) >> (15 - shift), reduced = reduceMultiplier(multiplier).
 */
export function multiplyByQuantizedMultiplierS64(x: number, multiplier: number, shift: number): number {
  const reduced = reduceMultiplier(multiplier);
  const total = 15 - shift;
  const xHi = Math.floor(x / 16777216);
  const xLo = x - xHi * 16777216;
  // `| 0` truncates like the C cast to int32 (callers keep results in range).
  return floorShiftParts(xHi * reduced, xLo * reduced + 2 ** (total - 1), 24, total) | 0;
}

/** Saturating cast helpers used after requantization. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
