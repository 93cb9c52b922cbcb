/** Shared plumbing of the training kernels: typed access to the CPU backend's float32 buffers. */
import * as tf from '@tensorflow/tfjs';

export type CpuBackend = { data: { get(id: unknown): { values: Float32Array | Int32Array } }; makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo };

export function cpu(backend: unknown): CpuBackend {
  return backend as CpuBackend;
}

export function values(b: CpuBackend, t: tf.TensorInfo): Float32Array {
  return b.data.get(t.dataId).values as Float32Array;
}

/** The stock CPU kernel of a name, captured before a faster one replaces it (the fallback for cases a fast kernel does not cover). */
const stock = new Map<string, tf.KernelFunc>();

export function rememberStock(name: string): void {
  const k = tf.getKernel(name, 'cpu');
  if (k && !stock.has(name)) stock.set(name, k.kernelFunc);
}

export function stockKernel(name: string): tf.KernelFunc {
  const f = stock.get(name) ?? tf.getKernel(name, 'cpu')?.kernelFunc;
  if (!f) throw new Error(`no stock cpu kernel ${name}`);
  return f;
}

export type Conv4 = [number, number, number, number];

/** Row-major strides of `shape` seen as broadcast to `out` (left-padded with 1s; 0 where it repeats). */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const padded = [...new Array<number>(out.length - shape.length).fill(1), ...shape];
  const strides = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let d = out.length - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 && out[d] !== 1 ? 0 : s;
    s *= padded[d]!;
  }
  return strides;
}

/** sum a[ai + j] * b[bi + j] for j < n, four accumulators (the JIT keeps them in registers). */
export function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, n: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    a0 += a[ai + j]! * b[bi + j]!;
    a1 += a[ai + j + 1]! * b[bi + j + 1]!;
    a2 += a[ai + j + 2]! * b[bi + j + 2]!;
    a3 += a[ai + j + 3]! * b[bi + j + 3]!;
  }
  for (; j < n; j++) a0 += a[ai + j]! * b[bi + j]!;
  return a0 + a1 + (a2 + a3);
}

/**
 * out[oi + r * os] += sum_j a[ai + j] * b[bi + r * bs + j] for the four rows r = 0..3 of b: each a value
 * is loaded once for four products (four independent sums the JIT keeps in registers).
 */
export function dot4Into(a: Float32Array, ai: number, b: Float32Array, bi: number, bs: number, n: number, out: Float32Array, oi: number, os: number): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const b1 = bi + bs;
  const b2 = b1 + bs;
  const b3 = b2 + bs;
  for (let j = 0; j < n; j++) {
    const v = a[ai + j]!;
    s0 += v * b[bi + j]!;
    s1 += v * b[b1 + j]!;
    s2 += v * b[b2 + j]!;
    s3 += v * b[b3 + j]!;
  }
  out[oi]! += s0;
  out[oi + os]! += s1;
  out[oi + 2 * os]! += s2;
  out[oi + 3 * os]! += s3;
}
