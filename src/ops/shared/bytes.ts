/**
 * int16 tensors through the int8 byte-copying kernels (PAD, STRIDED_SLICE, CONCATENATION): the kernel
 * sees two bytes per value, and its result is read back as int16.
 */
import type { ActivationData } from '../contract.ts';

/** The tensor's bytes. */
export const bytesOf = (x: ActivationData): Int8Array => new Int8Array(x.buffer, x.byteOffset, x.byteLength);

/** A byte copy's result as the tensor's type (int16 when `int16`). */
export const fromBytes = (out: Int8Array, int16: boolean | undefined): Int8Array | Int16Array => (int16 ? new Int16Array(out.buffer, out.byteOffset, out.length / 2) : out);
