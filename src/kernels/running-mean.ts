/**
 * The last stage of a global average over a window whose per-channel int32 sums the streaming code
 * keeps (src/lower/stream-plan.ts): exactly what the full model's kernel does after its own sum, so the
 * bytes are the same. Twin of edgec_stream_mean_* in templates/kernels/portable/edgec_stream.c.
 *
 *   average    (Keras global average pooling, an average pool over the whole window):
 *              round half away from zero of sum / count, clamped to the activation range
 *   requantize (TFLite MEAN with its own output scale): MBQM(sum - count * zp_in, m, s) + zp_out, clamped
 */
import { multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';
import { roundedAverage } from './pooling.ts';

export type MeanFinish =
  | { kind: 'average'; count: number; min: number; max: number }
  | { kind: 'requantize'; count: number; inputZeroPoint: number; outputZeroPoint: number; multiplier: number; shift: number; min: number; max: number };

export function finishMean<T extends Int8Array | Int16Array>(sums: Int32Array, f: MeanFinish, out: T): T {
  for (let c = 0; c < sums.length; c++) {
    let v = f.kind === 'average' ? roundedAverage(sums[c]!, f.count) : multiplyByQuantizedMultiplier(sums[c]! - f.count * f.inputZeroPoint, f.multiplier, f.shift) + f.outputZeroPoint;
    v = v < f.min ? f.min : v > f.max ? f.max : v;
    out[c] = v;
  }
  return out;
}
