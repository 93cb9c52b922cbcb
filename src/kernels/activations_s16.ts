/**
 * int16 sigmoid and tanh by table interpolation, as TFLite's int16 LOGISTIC/TANH and CMSIS-NN's
 * arm_nn_activation_s16 (used inside LSTM): |x| indexes a 256-node table of sigmoid in 0.16 fixed
 * point with step 1/24, interpolated linearly; tanh(x) = 2 sigmoid(2x) - 1 reuses it. Twin of
 * edgec_activations_s16.c; the table itself is computed here and emitted as data.
 */

import { multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';

/**
 * The 256 nodes: node i holds sigmoid(i/24) lowered by half the chord error of linear interpolation
 * there (s''(x) h^2 / 16 with h = 1/24; sigmoid is concave for x > 0, so the chords lie below the
 * curve). Rounded to 0.16 fixed point. These are the values TFLite and CMSIS-NN interpolate (every
 * node is at least 0.0039 away from a rounding tie, so double precision decides them exactly). The
 * last node stands for the limit 1.0 and is clamped to the uint16 maximum.
 */
export function sigmoidTableU16(): Uint16Array {
  const h = 1 / 24;
  const t = new Uint16Array(256);
  for (let i = 0; i < 255; i++) {
    const s = 1 / (1 + Math.exp(-i * h));
    const curvature = s * (1 - s) * (1 - 2 * s);
    t[i] = Math.round(65536 * (s - (curvature * h * h) / 16));
  }
  t[255] = 65535;
  return t;
}

export type ActivationS16 = 'sigmoid' | 'tanh';

/**
 * tfjs's hard sigmoid clip(0.2 x + 0.5, 0, 1) of Q3.12 values, in Q0.15:
 * clamp(requant(x, 1.6) + 16384, 0, 32767) (0.2 * 2^15 / 2^12 = 1.6; the compiler gives 1.6's multiplier).
 */
export function hardSigmoidS16(input: ArrayLike<number>, multiplier: number, shift: number): Int16Array {
  return Int16Array.from(input, (v) => {
    const y = multiplyByQuantizedMultiplier(v, multiplier, shift) + 16384;
    return y < 0 ? 0 : y > 32767 ? 32767 : y;
  });
}

const TABLE = sigmoidTableU16();

/**
 * Output = f(input * 2^leftShift scaled by 3/4 into the table's range) in Q0.15; leftShift brings the
 * input to Q3.12 (0 for LSTM gates, cell_scale_power + 12 for the cell state).
 */
export function activationS16(input: ArrayLike<number>, leftShift: number, type: ActivationS16, table: Uint16Array = TABLE): Int16Array {
  return activationS16Scaled(input, leftShift < 0 ? 3 : 3 << leftShift, leftShift < 0 ? -leftShift : 0, type, table);
}

/**
 * TFLite's int16 LOGISTIC / TANH with a general input scale: x = (input * multiplier + round) >>
 * rightShift brings the input to the table's scale (3/4 of Q3.12 for sigmoid; the compiler computes
 * multiplier and shift as TFLite Micro's Prepare does), then the same interpolation.
 */
export function activationS16Scaled(input: ArrayLike<number>, multiplier: number, rightShift: number, type: ActivationS16, table: Uint16Array = TABLE): Int16Array {
  const sigmoid = type === 'sigmoid';
  const absShift = sigmoid ? 9 : 8;
  const maxSaturation = sigmoid ? 0x7fff << 10 : 0xffff << 8;
  const fracMask = sigmoid ? 0x1ff : 0xff;
  const rounding = rightShift > 0 ? 1 << (rightShift - 1) : 0;
  const out = new Int16Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const x = (input[i]! * multiplier + rounding) >> rightShift;
    const ax = x > 0 ? x : -x;
    const uh = ax >>> absShift;
    let r: number;
    if (uh >= 255) r = maxSaturation;
    else {
      const ua = table[uh]!;
      const ub = table[uh + 1]!;
      r = ua * 2 ** absShift + (ax & fracMask) * (ub - ua);
    }
    if (sigmoid) r = (x >= 0 ? r + (1 << 9) : (1 << 25) - r + (1 << 9) - 1) >>> 10;
    else r = (x >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1) >> 8;
    out[i] = r; // Int16Array keeps the low 16 bits, as the C cast
  }
  return out;
}
