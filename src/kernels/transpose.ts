/** TRANSPOSE of an int8 tensor of rank 1..4: output axis i is input axis perm[i]. Twin of edgec_transpose.c. */
import { rowMajorStrides, stridedCopyS8 } from './strided_slice.ts';

/** A transpose is a strided copy whose step along output axis i is the input stride of axis perm[i]. */
export function transposeS8(input: Int8Array, shape: readonly number[], perm: readonly number[]): Int8Array {
  const inStrides = rowMajorStrides(shape);
  return stridedCopyS8(
    input,
    0,
    perm.map((p) => inStrides[p]!),
    perm.map((p) => shape[p]!),
  );
}
