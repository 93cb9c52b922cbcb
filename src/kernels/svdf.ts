/**
 * SVDF (TFLite semantics as CMSIS-NN implements them), one time step, twin of edgec_svdf.c:
 *   1. the state [B, F, T] shifts left by one element (flat), dropping the oldest sample;
 *   2. each feature's newest state sample = clamp(requant(sum_i (x[b,i] - zp_in) * w_feature[f,i]));
 *   3. each unit u (F / rank features) = bias[u] + sum over its features of sum_t w_time[f,t] * state[b,f,t];
 *   4. output = clamp(requant(unit) + zp_out).
 * The state is int16 with int16 time weights, or int8 with int8 time weights (arm_svdf_s8).
 */
import { multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';
import type { ActivationRange, PerTensorQuant } from './types.ts';

export interface SvdfParams {
  rank: number;
  inputOffset: number; // the input zero point
  outputOffset: number; // the output zero point
  inputActivation: ActivationRange;
  outputActivation: ActivationRange;
  inputQuant: PerTensorQuant;
  outputQuant: PerTensorQuant;
}

export interface SvdfShape {
  batches: number;
  inputSize: number;
  features: number;
  timeSteps: number;
}

/** One step; updates `state` in place and returns the int8 output [batches, features / rank]. */
export function svdfStep(
  p: SvdfParams,
  s: SvdfShape,
  input: Int8Array,
  state: Int8Array | Int16Array,
  weightsFeature: Int8Array,
  weightsTime: Int8Array | Int16Array,
  bias: Int32Array | null,
): Int8Array {
  const { batches: B, inputSize: I, features: F, timeSteps: T } = s;
  state.copyWithin(0, 1);
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < F; f++) {
      let acc = 0;
      for (let i = 0; i < I; i++) acc += (input[b * I + i]! - p.inputOffset) * weightsFeature[f * I + i]!;
      let v = multiplyByQuantizedMultiplier(acc | 0, p.inputQuant.multiplier, p.inputQuant.shift);
      v = v < p.inputActivation.min ? p.inputActivation.min : v > p.inputActivation.max ? p.inputActivation.max : v;
      state[(b * F + f) * T + T - 1] = v;
    }
  }
  const units = F / p.rank;
  const out = new Int8Array(B * units);
  for (let b = 0; b < B; b++) {
    for (let u = 0; u < units; u++) {
      let acc = bias ? bias[u]! : 0;
      for (let f = u * p.rank; f < (u + 1) * p.rank; f++) {
        for (let t = 0; t < T; t++) acc += weightsTime[f * T + t]! * state[(b * F + f) * T + t]!;
      }
      let v = multiplyByQuantizedMultiplier(acc | 0, p.outputQuant.multiplier, p.outputQuant.shift) + p.outputOffset;
      v = v < p.outputActivation.min ? p.outputActivation.min : v > p.outputActivation.max ? p.outputActivation.max : v;
      out[b * units + u] = v;
    }
  }
  return out;
}
