/**
 * LOGISTIC and TANH int8 -> int8 (TFLite Micro reference semantics), twins of edgec_activations.c.
 * The input, offset by its zero point, is rescaled to Q4.27 (inputs beyond the representable radius
 * saturate), then logistic/tanh are evaluated in fixed point with the same exp and Newton-Raphson
 * reciprocal constructions as softmax. Output: logistic scale 1/256 zp -128; tanh scale 1/128 zp 0.
 */
import { multiplyByQuantizedMultiplier, rdbpot } from '../quantize/fixedpoint.ts';
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
  const out = new Int8Array(input.length);
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
    out[i] = v < -128 ? -128 : v > 127 ? 127 : v;
  }
  return out;
}
