/**
 * SOFTMAX int8 -> int8 (TFLite int8 reference semantics), twin of edgec_softmax.c. Per row: the
 * difference to the row maximum is rescaled to a Q5.26 value, exponentiated with TFLite's
 * fixed-point exp on negative values, summed in Q12.19, and each exp is multiplied by the
 * fixed-point reciprocal of the sum. Output scale 1/256, zero point -128.
 *
 * Fixed-point helpers follow the FixedPoint<int32, integer_bits> conventions: a product of Qa and Qb
 * values is SRDHM of the raws and has a + b integer bits.
 */
import { rdbpot, srdhm } from '../arith/fixedpoint.ts';

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** Saturating x * 2^exponent for exponent > 0; rounding division for exponent < 0. */
export function saturatingRoundingMulByPot(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return rdbpot(x, -exponent);
  const threshold = 2 ** (31 - exponent) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (x * 2 ** exponent) | 0;
}

/** exp(a) for a in [-1/4, 0), Q0.31 in and out: Taylor series around -1/8. */
function expOnIntervalNegQuarterTo0(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const oneThird = 715827883;
  const x = (a + (1 << 28)) | 0;
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = saturatingRoundingMulByPot(x4, -2);
  const poly = saturatingRoundingMulByPot((srdhm((x4Over4 + x3) | 0, oneThird) + x2) | 0, -1);
  return (constantTerm + srdhm(constantTerm, (x + poly) | 0)) | 0;
}

/** exp(a) for a <= 0 given in Q(integerBits).(31-integerBits); result in Q0.31. */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 1 << (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusQuarter = ((a & mask) - oneQuarter) | 0;
  let result = expOnIntervalNegQuarterTo0(saturatingRoundingMulByPot(aModQuarterMinusQuarter, integerBits));
  const remainder = (aModQuarterMinusQuarter - a) | 0;
  // exp(-2^k) multipliers in Q0.31 for k = -2 .. 4, applied for each set bit of the remainder.
  const barrel: [number, number][] = [
    [-2, 1672461947],
    [-1, 1302514674],
    [0, 790015084],
    [1, 290630308],
    [2, 39332535],
    [3, 720401],
    [4, 242],
  ];
  for (const [exponent, multiplier] of barrel) {
    if (integerBits > exponent) {
      const bit = fractionalBits + exponent;
      if ((remainder & (2 ** bit)) !== 0) result = srdhm(result, multiplier);
    }
  }
  if (integerBits > 5) {
    const clamp = -(2 ** (36 - integerBits));
    if (a < clamp) result = 0;
  }
  return a === 0 ? INT32_MAX : result;
}

/** 1 / (2 * halfDenominator) in Q2.29: three Newton-Raphson steps from 48/17 - 32/17 * d. */
function newtonReciprocalQ2(halfDenominator: number): number {
  let x = (1515870810 + srdhm(halfDenominator, -1010580540)) | 0;
  for (let i = 0; i < 3; i++) {
    const oneMinus = ((1 << 29) - srdhm(halfDenominator, x)) | 0;
    x = (x + saturatingRoundingMulByPot(srdhm(x, oneMinus), 2)) | 0;
  }
  return x;
}

/** (1 + a) / 2 in Q0.31, rounded away from zero. */
function halfOnePlus(a: number): number {
  const sum = a + INT32_MAX;
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/** 1 / (1 + x) for x in [0, 1), Q0.31 in and out. */
export function oneOverOnePlusX(a: number): number {
  return saturatingRoundingMulByPot(newtonReciprocalQ2(halfOnePlus(a)), 1);
}

/** (1 - x) / (1 + x) for x in [0, 1), Q0.31 in and out: 2/(1+x) - 1. */
export function oneMinusXOverOnePlusX(a: number): number {
  return saturatingRoundingMulByPot((newtonReciprocalQ2(halfOnePlus(a)) - (1 << 29)) | 0, 2);
}

/** Reciprocal of a Q(integerDigits) sum as a Q0.31 scale and the number of bits above one. */
export function reciprocal(x: number, integerDigits: number): { scale: number; bitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const bitsOverUnit = integerDigits - headroomPlusOne;
  const shiftedSumMinusOne = ((x << headroomPlusOne) - 0x80000000) | 0;
  return { scale: oneOverOnePlusX(shiftedSumMinusOne), bitsOverUnit };
}

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUM_INTEGER_BITS = 12;

/**
 * int8 softmax over `rows` rows of `rowSize`; mult/shift/diffMin from the compiler (op-params.ts).
 * `outBits` 8 gives int8 output (scale 1/256, zp -128), 16 gives int16 (scale 1/65536, zp -32768).
 */
function softmax(input: Int8Array, rows: number, rowSize: number, mult: number, shift: number, diffMin: number, outBits: 8 | 16): Int8Array | Int16Array {
  const output = outBits === 8 ? new Int8Array(rows * rowSize) : new Int16Array(rows * rowSize);
  const lo = outBits === 8 ? -128 : -32768;
  const hi = -lo - 1;
  for (let r = 0; r < rows; r++) {
    const base = r * rowSize;
    let max = -128;
    for (let c = 0; c < rowSize; c++) if (input[base + c]! > max) max = input[base + c]!;
    const expOf = (c: number): number => expOnNegativeValues(srdhm(Math.imul(input[base + c]! - max, 2 ** shift), mult), SCALED_DIFF_INTEGER_BITS);
    let sum = 0;
    for (let c = 0; c < rowSize; c++) {
      if (input[base + c]! - max >= diffMin) sum = (sum + saturatingRoundingMulByPot(expOf(c), -ACCUM_INTEGER_BITS)) | 0;
    }
    const { scale, bitsOverUnit } = reciprocal(sum, ACCUM_INTEGER_BITS);
    for (let c = 0; c < rowSize; c++) {
      if (input[base + c]! - max >= diffMin) {
        const v = rdbpot(srdhm(scale, expOf(c)), bitsOverUnit + 31 - outBits) + lo;
        output[base + c] = v < lo ? lo : v > hi ? hi : v;
      } else {
        output[base + c] = lo;
      }
    }
  }
  return output;
}

export function softmaxS8(input: Int8Array, rows: number, rowSize: number, mult: number, shift: number, diffMin: number): Int8Array {
  return softmax(input, rows, rowSize, mult, shift, diffMin, 8) as Int8Array;
}

export function softmaxS8S16(input: Int8Array, rows: number, rowSize: number, mult: number, shift: number, diffMin: number): Int16Array {
  return softmax(input, rows, rowSize, mult, shift, diffMin, 16) as Int16Array;
}
