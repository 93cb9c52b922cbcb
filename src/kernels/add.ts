/**
 * Elementwise ADD, SUB and MUL of two tensors of the same shape (TFLite int8/int16 reference
 * semantics), twins of edgec_add.c and edgec_mul.c. ADD offsets both inputs, shifts them left by
 * `leftShift` for headroom (20 for int8, 15 for int16), rescales each to a common scale, sums and
 * requantizes. SUB is ADD's arithmetic with the rescaled second input subtracted (TFLite's
 * SubElementwise; the C is edgec_add_s8_lut with the second table negated). MUL multiplies the
 * offset inputs and requantizes the product.
 */
import { multiplyByQuantizedMultiplier } from '../arith/fixedpoint.ts';
import type { AddParams } from '../arith/op-params.ts';
import type { ActivationRange } from './types.ts';

function add<T extends Int8Array | Int16Array>(a: T, b: T, p: AddParams, act: ActivationRange, size: number, out: T, sign = 1): T {
  const scale = 2 ** p.leftShift;
  for (let i = 0; i < size; i++) {
    const x1 = multiplyByQuantizedMultiplier(((a[i]! + p.input1Offset) * scale) | 0, p.input1.multiplier, p.input1.shift);
    const x2 = multiplyByQuantizedMultiplier(((b[i]! + p.input2Offset) * scale) | 0, p.input2.multiplier, p.input2.shift);
    let v = multiplyByQuantizedMultiplier((x1 + sign * x2) | 0, p.output.multiplier, p.output.shift) + p.outputOffset;
    v = v < act.min ? act.min : v > act.max ? act.max : v;
    out[i] = v;
  }
  return out;
}

export function addS8(a: Int8Array, b: Int8Array, p: AddParams, act: ActivationRange, size: number): Int8Array {
  return add(a, b, p, act, size, new Int8Array(size));
}

/** TFLite's int8 SUB: a - b through ADD's rescaling (p from subParams). */
export function subS8(a: Int8Array, b: Int8Array, p: AddParams, act: ActivationRange, size: number): Int8Array {
  return add(a, b, p, act, size, new Int8Array(size), -1);
}

export function addS16(a: Int16Array, b: Int16Array, p: AddParams, act: ActivationRange, size: number): Int16Array {
  return add(a, b, p, act, size, new Int16Array(size));
}

/**
 * One input's side of an int8 ADD, for every int8 value: ((x + offset) << leftShift) rescaled to the
 * common scale. Indexed by the input byte (x & 0xff). The sum of two entries is exactly the sum the
 * reference computes, so `addS8Lut` replaces two requantizations per element by two loads.
 */
export function addInputLut(offset: number, leftShift: number, q: { multiplier: number; shift: number }): Int32Array {
  const lut = new Int32Array(256);
  const scale = 2 ** leftShift;
  for (let x = -128; x < 128; x++) lut[x & 0xff] = multiplyByQuantizedMultiplier(((x + offset) * scale) | 0, q.multiplier, q.shift);
  return lut;
}

/** ADD through the two input tables (twin of edgec_add_s8_lut); same bytes as `addS8`. */
export function addS8Lut(a: Int8Array, b: Int8Array, lutA: Int32Array, lutB: Int32Array, p: AddParams, act: ActivationRange, size: number): Int8Array {
  const out = new Int8Array(size);
  for (let i = 0; i < size; i++) {
    let v = multiplyByQuantizedMultiplier((lutA[a[i]! & 0xff]! + lutB[b[i]! & 0xff]!) | 0, p.output.multiplier, p.output.shift) + p.outputOffset;
    v = v < act.min ? act.min : v > act.max ? act.max : v;
    out[i] = v;
  }
  return out;
}

export interface MulParams {
  input1Offset: number;
  input2Offset: number;
  outputOffset: number;
  output: { multiplier: number; shift: number };
}

function mul<T extends Int8Array | Int16Array>(a: T, b: T, p: MulParams, act: ActivationRange, size: number, out: T): T {
  for (let i = 0; i < size; i++) {
    const prod = Math.imul(a[i]! + p.input1Offset, b[i]! + p.input2Offset);
    let v = multiplyByQuantizedMultiplier(prod, p.output.multiplier, p.output.shift) + p.outputOffset;
    v = v < act.min ? act.min : v > act.max ? act.max : v;
    out[i] = v;
  }
  return out;
}

export function mulS8(a: Int8Array, b: Int8Array, p: MulParams, act: ActivationRange, size: number): Int8Array {
  return mul(a, b, p, act, size, new Int8Array(size));
}

export function mulS16(a: Int16Array, b: Int16Array, p: MulParams, act: ActivationRange, size: number): Int16Array {
  return mul(a, b, p, act, size, new Int16Array(size));
}
