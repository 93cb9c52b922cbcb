/**
 * STRIDED_SLICE of an int8 tensor (rank 1..5) with the begin, stride and output extent of every axis
 * already resolved by the compiler (masks, negative indices and clamping: see quantize/op-params
 * `stridedSliceAxes`). Twin of edgec_strided_slice.c.
 */

/**
 * The walk both STRIDED_SLICE and TRANSPOSE are: an odometer over the output, stepping the input by
 * `step[a]` elements along output axis a, from input element `start`. Twin of edgec_strided_copy_s8.
 */
export function stridedCopyS8(input: Int8Array, start: number, step: readonly number[], outShape: readonly number[]): Int8Array {
  return stridedCopy(input, start, step, outShape, new Int8Array(outShape.reduce((a, b) => a * b, 1)));
}

/** The same walk for any element type (the float reference slices float32). */
export function stridedCopy<T extends Int8Array | Float32Array>(input: T, start: number, step: readonly number[], outShape: readonly number[], out: T): T {
  const rank = outShape.length;
  const total = out.length;
  const idx = new Array<number>(rank).fill(0);
  let src = start;
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

/** Row-major strides of a shape, in elements. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

export function stridedSliceS8(input: Int8Array, shape: readonly number[], begin: readonly number[], strides: readonly number[], outShape: readonly number[]): Int8Array {
  return stridedSlice(input, shape, begin, strides, outShape, new Int8Array(outShape.reduce((a, b) => a * b, 1)));
}

export function stridedSlice<T extends Int8Array | Float32Array>(input: T, shape: readonly number[], begin: readonly number[], strides: readonly number[], outShape: readonly number[], out: T): T {
  const inStride = rowMajorStrides(shape);
  return stridedCopy(
    input,
    begin.reduce((acc, b, a) => acc + b * inStride[a]!, 0),
    strides.map((s, a) => s * inStride[a]!),
    outShape,
    out,
  );
}
