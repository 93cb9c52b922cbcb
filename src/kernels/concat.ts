/**
 * CONCATENATION of int8 tensors that share one quantization (the quantizer guarantees it), so the
 * op is a pure copy: for each outer index, each input's contiguous run of `axisSize_i * inner` bytes.
 * Twin of edgec_concat.c.
 */

export function concatS8(inputs: readonly Int8Array[], axisSizes: readonly number[], outer: number, inner: number): Int8Array {
  const total = axisSizes.reduce((a, b) => a + b, 0);
  const out = new Int8Array(outer * total * inner);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    inputs.forEach((x, i) => {
      const run = axisSizes[i]! * inner;
      out.set(x.subarray(o * run, (o + 1) * run), p);
      p += run;
    });
  }
  return out;
}
