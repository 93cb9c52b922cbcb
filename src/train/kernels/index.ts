/**
 * A faster Conv2DBackpropFilter for the tfjs CPU backend (the stock kernel runs at a few M MAC/s and
 * dominates a training epoch). dW[kh, kw, ci, co] = sum over batch and output positions of
 * x[b, oy*sh - pad_top + kh*dh, ox*sw - pad_left + kw*dw, ci] * dy[b, oy, ox, co], with the innermost
 * loop over co contiguous in both dW and dy. NHWC only, as the toolchain's models use.
 */
import * as tf from '@tensorflow/tfjs';

type Backend = { data: { get(id: unknown): { values: Float32Array } }; makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo };

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
      strides: [number, number] | number;
      pad: 'same' | 'valid' | number;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      filterShape: [number, number, number, number];
    };
    if (dataFormat === 'NCHW') throw new Error('edgec fast Conv2DBackpropFilter: NCHW is not supported');
    const b = backend as unknown as Backend;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const xv = b.data.get(x.dataId).values;
    const dyv = b.data.get(dy.dataId).values;
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const dw = new Float32Array(filterHeight * filterWidth * inChannels * outChannels);
    for (let n = 0; n < batchSize; n++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          const dyBase = ((n * outHeight + oy) * outWidth + ox) * outChannels;
          for (let kh = 0; kh < filterHeight; kh++) {
            const iy = oy * strideHeight - top + kh * dilationHeight;
            if (iy < 0 || iy >= inHeight) continue;
            for (let kw = 0; kw < filterWidth; kw++) {
              const ix = ox * strideWidth - left + kw * dilationWidth;
              if (ix < 0 || ix >= inWidth) continue;
              const xBase = ((n * inHeight + iy) * inWidth + ix) * inChannels;
              const wBase = (kh * filterWidth + kw) * inChannels * outChannels;
              for (let ci = 0; ci < inChannels; ci++) {
                const xval = xv[xBase + ci]!;
                if (xval === 0) continue; // ReLU outputs are often exactly zero
                const row = wBase + ci * outChannels;
                for (let co = 0; co < outChannels; co++) dw[row + co]! += xval * dyv[dyBase + co]!;
              }
            }
          }
        }
      }
    }
    return b.makeTensorInfo(filterShape, 'float32', dw);
  },
};

/**
 * DepthwiseConv2dNativeBackpropFilter: dW[kh, kw, ci, m] = sum x[b, iy, ix, ci] * dy[b, oy, ox, ci*mult + m].
 */
export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as {
      strides: [number, number] | number;
      dilations: [number, number] | number;
      pad: 'same' | 'valid' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      filterShape: [number, number, number, number];
    };
    const b = backend as unknown as Backend;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
    const xv = b.data.get(x.dataId).values;
    const dyv = b.data.get(dy.dataId).values;
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
    const mult = outChannels / inChannels;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const dw = new Float32Array(filterHeight * filterWidth * outChannels);
    for (let n = 0; n < batchSize; n++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          const dyBase = ((n * outHeight + oy) * outWidth + ox) * outChannels;
          for (let kh = 0; kh < filterHeight; kh++) {
            const iy = oy * strideHeight - top + kh * dilationHeight;
            if (iy < 0 || iy >= inHeight) continue;
            for (let kw = 0; kw < filterWidth; kw++) {
              const ix = ox * strideWidth - left + kw * dilationWidth;
              if (ix < 0 || ix >= inWidth) continue;
              const xBase = ((n * inHeight + iy) * inWidth + ix) * inChannels;
              const wBase = (kh * filterWidth + kw) * outChannels;
              for (let ci = 0; ci < inChannels; ci++) {
                const xval = xv[xBase + ci]!;
                for (let m = 0; m < mult; m++) dw[wBase + ci * mult + m]! += xval * dyv[dyBase + ci * mult + m]!;
              }
            }
          }
        }
      }
    }
    return b.makeTensorInfo(filterShape, 'float32', dw);
  },
};

let registered = false;

export const FAST_KERNELS: readonly tf.KernelConfig[] = [conv2dBackpropFilterConfig, depthwiseBackpropFilterConfig];

/** Registers the toolchain's faster training kernels with the tfjs CPU backend (idempotent). */
export function registerFastKernels(): void {
  if (registered) return;
  registered = true;
  for (const config of FAST_KERNELS) {
    if (tf.getKernel(config.kernelName, 'cpu')) tf.unregisterKernel(config.kernelName, 'cpu');
    tf.registerKernel(config);
  }
}
