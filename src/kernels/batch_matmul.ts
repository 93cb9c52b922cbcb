/**
 * BATCH_MATMUL with the right-hand side already transposed, as CMSIS-NN consumes it:
 *   out[b, h, m, n] = requant( sum_k (lhs[b, h, m, k] + lhs_offset) * (rhs[b, h, n, k] + rhs_offset) )
 * with batch (n) and height (h) broadcast where one side has 1. int8 uses 32-bit requantization,
 * int16 the 64-bit reduced-multiplier path. Twin of edgec_batch_matmul.c.
 */
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierS64 } from '../arith/fixedpoint.ts';
import type { ActivationRange, Dims, PerTensorQuant } from './types.ts';

export interface BatchMatmulParams {
  lhsOffset: number;
  rhsOffset: number;
  outputOffset: number;
  activation: ActivationRange;
}

function bmm<T extends Int8Array | Int16Array>(p: BatchMatmulParams, q: PerTensorQuant, lhsDims: Dims, lhs: T, rhsDims: Dims, rhs: T, outDims: Dims, out: T, wide: boolean): T {
  const M = lhsDims.w;
  const K = lhsDims.c;
  const N = rhsDims.w;
  let o = 0;
  for (let b = 0; b < outDims.n; b++)
    for (let h = 0; h < outDims.h; h++) {
      const lBase = ((lhsDims.n === 1 ? 0 : b) * lhsDims.h + (lhsDims.h === 1 ? 0 : h)) * M * K;
      const rBase = ((rhsDims.n === 1 ? 0 : b) * rhsDims.h + (rhsDims.h === 1 ? 0 : h)) * N * K;
      for (let m = 0; m < M; m++)
        for (let n = 0; n < N; n++) {
          let acc = 0;
          for (let k = 0; k < K; k++) acc += (lhs[lBase + m * K + k]! + p.lhsOffset) * (rhs[rBase + n * K + k]! + p.rhsOffset);
          let v = (wide ? multiplyByQuantizedMultiplierS64(acc, q.multiplier, q.shift) : multiplyByQuantizedMultiplier(acc | 0, q.multiplier, q.shift)) + p.outputOffset;
          v = v < p.activation.min ? p.activation.min : v > p.activation.max ? p.activation.max : v;
          out[o++] = v;
        }
    }
  return out;
}

const size = (d: Dims) => d.n * d.h * d.w * d.c;

export function batchMatmulS8(p: BatchMatmulParams, q: PerTensorQuant, lhsDims: Dims, lhs: Int8Array, rhsDims: Dims, rhs: Int8Array, outDims: Dims): Int8Array {
  return bmm(p, q, lhsDims, lhs, rhsDims, rhs, outDims, new Int8Array(size(outDims)), false);
}

export function batchMatmulS16(p: BatchMatmulParams, q: PerTensorQuant, lhsDims: Dims, lhs: Int16Array, rhsDims: Dims, rhs: Int16Array, outDims: Dims): Int16Array {
  return bmm(p, q, lhsDims, lhs, rhsDims, rhs, outDims, new Int16Array(size(outDims)), true);
}
