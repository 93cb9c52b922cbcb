/** PAD for int8 NHWC tensors: the simulator's reference, twin of edgec_pad.c. */
import type { Dims } from './types.ts';

export function padS8(input: Int8Array, padValue: number, inputSize: Dims, prePad: Dims, postPad: Dims): Int8Array {
  const out = paddedDims(inputSize, prePad, postPad);
  const output = new Int8Array(out.n * out.h * out.w * out.c).fill(padValue);
  for (let n = 0; n < inputSize.n; n++) {
    for (let h = 0; h < inputSize.h; h++) {
      for (let w = 0; w < inputSize.w; w++) {
        const src = ((n * inputSize.h + h) * inputSize.w + w) * inputSize.c;
        const dst = (((n + prePad.n) * out.h + h + prePad.h) * out.w + w + prePad.w) * out.c + prePad.c;
        output.set(input.subarray(src, src + inputSize.c), dst);
      }
    }
  }
  return output;
}

export function paddedDims(inputSize: Dims, prePad: Dims, postPad: Dims): Dims {
  return {
    n: inputSize.n + prePad.n + postPad.n,
    h: inputSize.h + prePad.h + postPad.h,
    w: inputSize.w + prePad.w + postPad.w,
    c: inputSize.c + prePad.c + postPad.c,
  };
}
