/**
 * FULLY_CONNECTED for int8 (TFLite Micro reference semantics), twin of edgec_fully_connected.c.
 * Input [batches, accum_depth], weights [output_depth, accum_depth], per-tensor requantization or,
 * with `perChannel`, one (multiplier, shift) per output row.
 */
import { multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';
import type { ActivationRange, PerChannelQuant } from './types.ts';

export interface FullyConnectedParams {
  inputOffset: number;
  filterOffset: number;
  outputOffset: number;
  activation: ActivationRange;
}

export function fullyConnectedS8(
  params: FullyConnectedParams,
  quant: PerChannelQuant,
  perChannel: boolean,
  batches: number,
  accumDepth: number,
  outputDepth: number,
  input: Int8Array,
  filter: Int8Array,
  bias: Int32Array | null,
): Int8Array {
  const { inputOffset, filterOffset, outputOffset } = params;
  const { min: actMin, max: actMax } = params.activation;
  const output = new Int8Array(batches * outputDepth);
  const x = new Int32Array(accumDepth);
  for (let b = 0; b < batches; b++) {
    for (let d = 0; d < accumDepth; d++) x[d] = input[b * accumDepth + d]! + inputOffset;
    for (let c = 0; c < outputDepth; c++) {
      let acc = 0;
      const row = c * accumDepth;
      if (filterOffset === 0) {
        for (let d = 0; d < accumDepth; d++) acc += filter[row + d]! * x[d]!;
      } else {
        for (let d = 0; d < accumDepth; d++) acc += (filter[row + d]! + filterOffset) * x[d]!;
      }
      if (bias) acc += bias[c]!;
      const k = perChannel ? c : 0;
      let v = multiplyByQuantizedMultiplier(acc | 0, quant.multiplier[k]!, quant.shift[k]!) + outputOffset;
      v = v < actMin ? actMin : v > actMax ? actMax : v;
      output[b * outputDepth + c] = v;
    }
  }
  return output;
}
