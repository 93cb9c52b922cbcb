/**
 * Conv2D and its two gradients for the tfjs CPU backend, NHWC (Conv1D, Conv2D and the pointwise half
 * of separable convolutions). Loops keep the innermost index contiguous in both operands; zero
 * inputs (ReLU outputs) are skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { cpu, dot, dot4Into, values, type Conv4 } from './util.ts';

type ConvAttrs = { strides: [number, number] | number; pad: 'same' | 'valid' | number; dataFormat?: string; dilations?: [number, number] | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };

function nhwcOnly(name: string, dataFormat?: string) {
  if (dataFormat === 'NCHW') throw new Error(`edgec fast ${name}: NCHW is not supported`);
}

/**
 * out[n, oy, ox, co] = sum x[n, iy, ix, ci] * w[kh, kw, ci, co]. The weights are transposed once to
 * [co][kh][kw][ci], so that with unit dilation along W each filter row is one dot product over a
 * contiguous run of the input (adjacent taps are adjacent pixels in NHWC), kept in a register.
 */
export const conv2dConfig: tf.KernelConfig = {
  kernelName: 'Conv2D',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as ConvAttrs;
    nhwcOnly('Conv2D', a.dataFormat);
    const b = cpu(backend);
    const info = tf.backend_util.computeConv2DInfo(x.shape as Conv4, filter.shape as Conv4, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const xv = values(b, x);
    const wv = values(b, filter);
    const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
    const K = fh * fw * ci;
    const wt = new Float32Array(co * K);
    for (let k = 0; k < K; k++) for (let o = 0; o < co; o++) wt[o * K + k] = wv[k * co + o]!;
    const out = new Float32Array(batchSize * outHeight * outWidth * co);
    for (let n = 0; n < batchSize; n++)
      for (let oy = 0; oy < outHeight; oy++)
        for (let ox = 0; ox < outWidth; ox++) {
          const oBase = ((n * outHeight + oy) * outWidth + ox) * co;
          const ix0 = ox * strideWidth - info.padInfo.left;
          for (let kh = 0; kh < fh; kh++) {
            const iy = oy * strideHeight - info.padInfo.top + kh * dilationHeight;
            if (iy < 0 || iy >= inHeight) continue;
            const rowBase = (n * inHeight + iy) * inWidth;
            if (dilationWidth === 1) {
              // Taps k0..k1-1 fall inside the input: one contiguous run of (k1 - k0) * ci values.
              const k0 = Math.max(0, -ix0);
              const k1 = Math.min(fw, inWidth - ix0);
              if (k1 <= k0) continue;
              const xs = (rowBase + ix0 + k0) * ci;
              const len = (k1 - k0) * ci;
              const ws = (kh * fw + k0) * ci;
              let o = 0;
              for (; o + 4 <= co; o += 4) dot4Into(xv, xs, wt, o * K + ws, K, len, out, oBase + o, 1);
              for (; o < co; o++) out[oBase + o]! += dot(xv, xs, wt, o * K + ws, len);
            } else {
              for (let kw = 0; kw < fw; kw++) {
                const ix = ix0 + kw * dilationWidth;
                if (ix < 0 || ix >= inWidth) continue;
                const xs = (rowBase + ix) * ci;
                const ws = (kh * fw + kw) * ci;
                for (let o = 0; o < co; o++) out[oBase + o]! += dot(xv, xs, wt, o * K + ws, ci);
              }
            }
          }
        }
    return b.makeTensorInfo(info.outShape, 'float32', out);
  },
};

/** dx[n, iy, ix, ci] = sum over the outputs it fed of dy[n, oy, ox, co] * w[kh, kw, ci, co]. */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as ConvAttrs & { inputShape: Conv4 };
    nhwcOnly('Conv2DBackpropInput', a.dataFormat);
    const b = cpu(backend);
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as Conv4, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const dyv = values(b, dy);
    const wv = values(b, filter);
    const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
    const dx = new Float32Array(batchSize * inHeight * inWidth * ci);
    for (let n = 0; n < batchSize; n++)
      for (let oy = 0; oy < outHeight; oy++)
        for (let ox = 0; ox < outWidth; ox++) {
          const dyBase = ((n * outHeight + oy) * outWidth + ox) * co;
          for (let kh = 0; kh < filterHeight; kh++) {
            const iy = oy * strideHeight - info.padInfo.top + kh * dilationHeight;
            if (iy < 0 || iy >= inHeight) continue;
            for (let kw = 0; kw < filterWidth; kw++) {
              const ix = ox * strideWidth - info.padInfo.left + kw * dilationWidth;
              if (ix < 0 || ix >= inWidth) continue;
              const xBase = ((n * inHeight + iy) * inWidth + ix) * ci;
              const wBase = (kh * filterWidth + kw) * ci * co;
              let c = 0;
              for (; c + 4 <= ci; c += 4) dot4Into(dyv, dyBase, wv, wBase + c * co, co, co, dx, xBase + c, 1);
              for (; c < ci; c++) dx[xBase + c]! += dot(dyv, dyBase, wv, wBase + c * co, co);
            }
          }
        }
    return b.makeTensorInfo([...a.inputShape], 'float32', dx);
  },
};

/**
 * dW[kh, kw, ci, co] = sum over batch and output positions p of x[p's tap] * dy[p, co]: the product of
 * the transposed im2col matrix (one row per (kh, kw, ci), zeros where the tap is padding) and the
 * transposed dy, each entry one long dot product over all P positions.
 */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as ConvAttrs & { filterShape: Conv4 };
    nhwcOnly('Conv2DBackpropFilter', a.dataFormat);
    const b = cpu(backend);
    const info = tf.backend_util.computeConv2DInfo(x.shape as Conv4, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const xv = values(b, x);
    const dyv = values(b, dy);
    const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
    const P = batchSize * outHeight * outWidth;
    const K = fh * fw * ci;
    const xt = new Float32Array(K * P);
    for (let n = 0, p = 0; n < batchSize; n++)
      for (let oy = 0; oy < outHeight; oy++)
        for (let ox = 0; ox < outWidth; ox++, p++)
          for (let kh = 0; kh < fh; kh++) {
            const iy = oy * strideHeight - info.padInfo.top + kh * dilationHeight;
            if (iy < 0 || iy >= inHeight) continue;
            for (let kw = 0; kw < fw; kw++) {
              const ix = ox * strideWidth - info.padInfo.left + kw * dilationWidth;
              if (ix < 0 || ix >= inWidth) continue;
              const xBase = ((n * inHeight + iy) * inWidth + ix) * ci;
              const k0 = (kh * fw + kw) * ci;
              for (let c = 0; c < ci; c++) xt[(k0 + c) * P + p] = xv[xBase + c]!;
            }
          }
    const dyt = new Float32Array(co * P);
    for (let p = 0; p < P; p++) for (let o = 0; o < co; o++) dyt[o * P + p] = dyv[p * co + o]!;
    const dw = new Float32Array(K * co);
    for (let k = 0; k < K; k++) {
      let o = 0;
      for (; o + 4 <= co; o += 4) dot4Into(xt, k * P, dyt, o * P, P, P, dw, k * co + o, 1);
      for (; o < co; o++) dw[k * co + o] = dot(xt, k * P, dyt, o * P, P);
    }
    return b.makeTensorInfo([...a.filterShape], 'float32', dw);
  },
};
