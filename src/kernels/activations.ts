/**
 * LOGISTIC and TANH int8 -> int8 (TFLite Micro reference semantics), twins of edgec_activations.c.
 * The input, offset by its zero point, is rescaled to Q4.27 (inputs beyond the representable radius
 * saturate), then logistic/tanh are evaluated in fixed point with the same exp and Newton-Raphson
 * reciprocal constructions as softmax. Output: logistic scale 1/256 zp -128; tanh scale 1/128 zp 0.
 */
import { multiplyByQuantizedMultiplier, rdbpot } from '../arith/fixedpoint.ts';
import { expOnNegativeValues, oneMinusXOverOnePlusX, oneOverOnePlusX } from './softmax.ts';

export interface LutActivationParams {
  inputZeroPoint: number;
  inputRangeRadius: number;
  inputMultiplier: number;
  inputLeftShift: number;
}

const INT32_MAX = 2147483647;

/** logistic(a) for a in Q4.27, result in Q0.31. */
function logisticQ4(a: number): number {
  if (a === 0) return 1 << 30;
  const abs = a > 0 ? a : -a;
  const positive = oneOverOnePlusX(expOnNegativeValues(-abs | 0, 4));
  return a > 0 ? positive : (INT32_MAX - positive) | 0;
}

/** tanh(a) for a in Q4.27, result in Q0.31. */
function tanhQ4(a: number): number {
  if (a === 0) return 0;
  const n = a < 0 ? a : -a | 0;
  // exp(2n) with 2n in Q5.26: the same raw read with one more integer bit.
  const t = oneMinusXOverOnePlusX(expOnNegativeValues(n, 5));
  return a < 0 ? -t | 0 : t;
}

function apply(kind: 'logistic' | 'tanh', p: LutActivationParams, input: Int8Array): Int8Array {
  const out = new Int8Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const x = input[i]! - p.inputZeroPoint;
    if (x <= -p.inputRangeRadius) out[i] = -128;
    else if (x >= p.inputRangeRadius) out[i] = 127;
    else {
      const q4 = multiplyByQuantizedMultiplier(x, p.inputMultiplier, p.inputLeftShift);
      const v = kind === 'logistic' ? rdbpot(logisticQ4(q4), 23) - 128 : rdbpot(tanhQ4(q4), 24);
      out[i] = v < -128 ? -128 : v > 127 ? 127 : v;
    }
  }
  return out;
}

export function logisticS8(p: LutActivationParams, input: Int8Array): Int8Array {
  return apply('logistic', p, input);
}

export function tanhS8(p: LutActivationParams, input: Int8Array): Int8Array {
  return apply('tanh', p, input);
}

/**
 * LEAKY_RELU int8 (TFLite Micro's QuantizeLeakyRelu): x - zp_in rescaled to the output by the identity
 * multiplier when non-negative, by the alpha multiplier otherwise (a negative alpha's multiplier is
 * negative: its magnitude rescales and the sign is applied after), plus zp_out, clamped to int8.
 */
export interface LeakyReluParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  identity: { multiplier: number; shift: number };
  alpha: { multiplier: number; shift: number };
}

export function leakyReluS8(p: LeakyReluParams, input: Int8Array): Int8Array {
  return leakyRelu(p, input, new Int8Array(input.length), -128, 127);
}

/** int16 LEAKY_RELU (16x8 models): TFLite's QuantizeLeakyRelu, the same arithmetic clamped to int16. */
export function leakyReluS16(p: LeakyReluParams, input: Int16Array): Int16Array {
  return leakyRelu(p, input, new Int16Array(input.length), -32768, 32767);
}

function leakyRelu<T extends Int8Array | Int16Array>(p: LeakyReluParams, input: T, out: T, lo: number, hi: number): T {
  const negative = p.alpha.multiplier < 0;
  const alphaMagnitude = negative ? -p.alpha.multiplier : p.alpha.multiplier;
  for (let i = 0; i < input.length; i++) {
    const x = input[i]! - p.inputZeroPoint;
    let v = p.outputZeroPoint;
    if (x >= 0) v += multiplyByQuantizedMultiplier(x, p.identity.multiplier, p.identity.shift);
    else {
      const scaled = multiplyByQuantizedMultiplier(x, alphaMagnitude, p.alpha.shift);
      v += negative ? -scaled : scaled;
    }
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return out;
}

/**
 * HARD_SWISH int8 (TFLite's reference HardSwish<int8_t>): x * relu6(x + 3) / 6 in 16-bit fixed point.
 * The input, offset and shifted left by 7, is rescaled to the output ("preshift") and, separately,
 * to a "reluish" factor in [0, 1] (3.0 at 32768, saturating); their product is shifted to the output
 * scale. Every intermediate is int16 as in the reference, with its saturations and its wrap-around
 * when the output zero point is added.
 */
export interface HardSwishParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  outputMultiplier: number; // int16 fixed point
  outputExponent: number; // <= 0
  reluishMultiplier: number; // int16 fixed point
  reluishExponent: number;
}

const wrap16 = (v: number) => (v << 16) >> 16;
const saturate16 = (v: number) => (v < -32768 ? -32768 : v > 32767 ? 32767 : v);

/** gemmlowp's SaturatingRoundingDoublingHighMul on int16. */
function roundingHighMul16(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  const ab = a * b;
  return wrap16(Math.trunc((ab + (ab >= 0 ? 1 << 14 : 1 - (1 << 14))) / 32768));
}

/** SaturatingDoublingHighMul: as above, truncating instead of rounding. */
function highMul16(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  return wrap16(Math.trunc((a * b) / 32768));
}

/** gemmlowp's RoundingDivideByPOT: x / 2^e rounded half away from zero. */
function divideByPot(x: number, e: number): number {
  const mask = 2 ** e - 1;
  const threshold = Math.floor(mask / 2) + (x < 0 ? 1 : 0);
  return (x >> e) + ((x & mask) > threshold ? 1 : 0);
}

export function hardSwishS8(p: HardSwishParams, input: Int8Array): Int8Array {
  const out = new Int8Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const hires = (input[i]! - p.inputZeroPoint) * 128;
    const preshift = roundingHighMul16(hires, p.outputMultiplier);
    let reluish = hires;
    if (p.reluishExponent > 0) reluish = saturate16(reluish * 2 ** (p.reluishExponent - 1));
    reluish = roundingHighMul16(reluish, p.reluishMultiplier);
    if (p.reluishExponent > 0) reluish = saturate16(reluish * 2);
    if (p.reluishExponent < 0) reluish = divideByPot(reluish, -p.reluishExponent);
    reluish = wrap16((reluish + 32768) >> 1);
    const value = wrap16(divideByPot(highMul16(reluish, preshift), -p.outputExponent) + p.outputZeroPoint);
    out[i] = value < -128 ? -128 : value > 127 ? 127 : value;
  }
  return out;
}
