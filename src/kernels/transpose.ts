/** TRANSPOSE of an int8 tensor of rank 1..4: output axis i is input axis perm[i]. Twin of edgec_transpose.c. */

export function transposeS8(input: Int8Array, shape: readonly number[], perm: readonly number[]): Int8Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1]! * shape[i + 1]!;
  // Stride in the input of a step along each output axis.
  const step = perm.map((p) => inStrides[p]!);
  const out = new Int8Array(input.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = input[src]!;
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]!++;
      src += step[a]!;
      if (idx[a]! < outShape[a]!) break;
      src -= step[a]! * outShape[a]!;
      idx[a] = 0;
    }
  }
  return out;
}
