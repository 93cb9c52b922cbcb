/**
 * DepthwiseConv2dNative and its two gradients for the tfjs CPU backend, NHWC: filter
 * [kh, kw, ci, mult], output channel ci * mult + m (the depthwise half of separable convolutions).
 */
import * as tf from '@tensorflow/tfjs';
import { cpu, values, type Conv4 } from './util.ts';

type DwAttrs = { strides: [number, number] | number; pad: 'same' | 'valid' | number; dilations?: [number, number] | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };

type Mode = 'forward' | 'input' | 'filter';

/**
 * The loops the three kernels share, over every valid (output position, tap): forward accumulates
 * out += x * w, input dx += dy * w, filter dw += x * dy. A mode switch inside one function (rather
 * than three callbacks into shared loops) keeps each path monomorphic for the JIT.
 */
function depthwiseLoops(mode: Mode, info: tf.backend_util.Conv2DInfo, x: Float32Array, w: Float32Array, dy: Float32Array, out: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const mult = outChannels / ci;
  for (let n = 0; n < batchSize; n++)
    for (let oy = 0; oy < outHeight; oy++)
      for (let ox = 0; ox < outWidth; ox++) {
        const oBase = ((n * outHeight + oy) * outWidth + ox) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const iy = oy * strideHeight - info.padInfo.top + kh * dilationHeight;
          if (iy < 0 || iy >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const ix = ox * strideWidth - info.padInfo.left + kw * dilationWidth;
            if (ix < 0 || ix >= inWidth) continue;
            const xBase = ((n * inHeight + iy) * inWidth + ix) * ci;
            const wBase = (kh * filterWidth + kw) * outChannels;
            if (mult === 1) {
              if (mode === 'forward') for (let c = 0; c < ci; c++) out[oBase + c]! += x[xBase + c]! * w[wBase + c]!;
              else if (mode === 'input') for (let c = 0; c < ci; c++) out[xBase + c]! += dy[oBase + c]! * w[wBase + c]!;
              else for (let c = 0; c < ci; c++) out[wBase + c]! += x[xBase + c]! * dy[oBase + c]!;
              continue;
            }
            for (let c = 0; c < ci; c++)
              for (let m = 0; m < mult; m++) {
                const o = c * mult + m;
                if (mode === 'forward') out[oBase + o]! += x[xBase + c]! * w[wBase + o]!;
                else if (mode === 'input') out[xBase + c]! += dy[oBase + o]! * w[wBase + o]!;
                else out[wBase + o]! += x[xBase + c]! * dy[oBase + o]!;
              }
          }
        }
      }
}

const NONE = new Float32Array(0);

export const depthwiseConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNative',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as DwAttrs;
    const b = cpu(backend);
    const info = tf.backend_util.computeConv2DInfo(x.shape as Conv4, filter.shape as Conv4, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
    const xv = values(b, x);
    const wv = values(b, filter);
    const out = new Float32Array(info.batchSize * info.outHeight * info.outWidth * info.outChannels);
    depthwiseLoops('forward', info, xv, wv, NONE, out);
    return b.makeTensorInfo(info.outShape, 'float32', out);
  },
};

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as DwAttrs & { inputShape: Conv4 };
    const b = cpu(backend);
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as Conv4, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
    const dyv = values(b, dy);
    const wv = values(b, filter);
    const dx = new Float32Array(a.inputShape.reduce((p, q) => p * q, 1));
    depthwiseLoops('input', info, NONE, wv, dyv, dx);
    return b.makeTensorInfo([...a.inputShape], 'float32', dx);
  },
};

/** dW[kh, kw, ci, m] = sum x[b, iy, ix, ci] * dy[b, oy, ox, ci*mult + m]. */
export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as DwAttrs & { filterShape: Conv4 };
    const b = cpu(backend);
    const info = tf.backend_util.computeConv2DInfo(x.shape as Conv4, a.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
    const xv = values(b, x);
    const dyv = values(b, dy);
    const dw = new Float32Array(info.filterHeight * info.filterWidth * info.outChannels);
    depthwiseLoops('filter', info, xv, NONE, dyv, dw);
    return b.makeTensorInfo([...a.filterShape], 'float32', dw);
  },
};
