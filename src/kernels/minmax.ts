/**
 * Elementwise MAXIMUM / MINIMUM of two int8 NHWC tensors with broadcasting (a dimension of size 1
 * repeats along the output's), same quantization in and out. Twin of edgec_minmax.c.
 */
import type { Dims } from './types.ts';

function minmax(kind: 'max' | 'min', a: Int8Array, aDims: Dims, b: Int8Array, bDims: Dims, outDims: Dims): Int8Array {
  const out = new Int8Array(outDims.n * outDims.h * outDims.w * outDims.c);
  const index = (d: Dims, n: number, h: number, w: number, c: number) => (((d.n === 1 ? 0 : n) * d.h + (d.h === 1 ? 0 : h)) * d.w + (d.w === 1 ? 0 : w)) * d.c + (d.c === 1 ? 0 : c);
  let o = 0;
  for (let n = 0; n < outDims.n; n++)
    for (let h = 0; h < outDims.h; h++)
      for (let w = 0; w < outDims.w; w++)
        for (let c = 0; c < outDims.c; c++) {
          const x = a[index(aDims, n, h, w, c)]!;
          const y = b[index(bDims, n, h, w, c)]!;
          out[o++] = kind === 'max' ? (x > y ? x : y) : x < y ? x : y;
        }
  return out;
}

export function maximumS8(a: Int8Array, aDims: Dims, b: Int8Array, bDims: Dims, outDims: Dims): Int8Array {
  return minmax('max', a, aDims, b, bDims, outDims);
}

export function minimumS8(a: Int8Array, aDims: Dims, b: Int8Array, bDims: Dims, outDims: Dims): Int8Array {
  return minmax('min', a, aDims, b, bDims, outDims);
}
