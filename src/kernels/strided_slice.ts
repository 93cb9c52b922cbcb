/**
 * STRIDED_SLICE of an int8 tensor (rank 1..5) with the begin, stride and output extent of every axis
 * already resolved by the compiler (masks, negative indices and clamping: see quantize/op-params
 * `stridedSliceAxes`). Twin of edgec_strided_slice.c: an odometer over the output, stepping the
 * input by stride * input stride per axis.
 */
export function stridedSliceS8(input: Int8Array, shape: readonly number[], begin: readonly number[], strides: readonly number[], outShape: readonly number[]): Int8Array {
  const rank = shape.length;
  const inStride = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStride[i] = inStride[i + 1]! * shape[i + 1]!;
  const step = strides.map((s, a) => s * inStride[a]!);
  const total = outShape.reduce((a, b) => a * b, 1);
  const out = new Int8Array(total);
  const idx = new Array<number>(rank).fill(0);
  let src = begin.reduce((acc, b, a) => acc + b * inStride[a]!, 0);
  for (let o = 0; o < total; o++) {
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
