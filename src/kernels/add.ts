/**
 * ADD of two int8 tensors of the same shape (TFLite int8 reference semantics), twin of edgec_add.c:
 * both inputs are offset, shifted left by `leftShift` for headroom, rescaled to a common scale,
 * summed, and the sum requantized to the output.
 */
import { multiplyByQuantizedMultiplier } from '../quantize/fixedpoint.ts';
import type { AddParams } from '../quantize/op-params.ts';
import type { ActivationRange } from './types.ts';

export function addS8(a: Int8Array, b: Int8Array, p: AddParams, act: ActivationRange, size: number): Int8Array {
  const out = new Int8Array(size);
  const scale = 2 ** p.leftShift;
  for (let i = 0; i < size; i++) {
    const x1 = multiplyByQuantizedMultiplier((a[i]! + p.input1Offset) * scale, p.input1.multiplier, p.input1.shift);
    const x2 = multiplyByQuantizedMultiplier((b[i]! + p.input2Offset) * scale, p.input2.multiplier, p.input2.shift);
    let v = multiplyByQuantizedMultiplier(x1 + x2, p.output.multiplier, p.output.shift) + p.outputOffset;
    v = v < act.min ? act.min : v > act.max ? act.max : v;
    out[i] = v;
  }
  return out;
}
