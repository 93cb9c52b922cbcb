/**
 * MaxPoolGrad for the tfjs CPU backend: each output's gradient goes to the first maximal input of
 * its window (row-major scan, as the stock kernel picks it).
 */
import * as tf from '@tensorflow/tfjs';
import { cpu, values, type Conv4 } from './util.ts';

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const a = attrs as unknown as { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'same' | 'valid' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
    const b = cpu(backend);
    const info = tf.backend_util.computePool2DInfo(input.shape as Conv4, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    const xv = values(b, input);
    const dyv = values(b, dy);
    const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const dx = new Float32Array(batchSize * inHeight * inWidth * C);
    for (let n = 0; n < batchSize; n++)
      for (let oy = 0; oy < outHeight; oy++)
        for (let ox = 0; ox < outWidth; ox++)
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let at = -1;
            for (let kh = 0; kh < filterHeight; kh++) {
              const iy = oy * strideHeight - info.padInfo.top + kh;
              if (iy < 0 || iy >= inHeight) continue;
              for (let kw = 0; kw < filterWidth; kw++) {
                const ix = ox * strideWidth - info.padInfo.left + kw;
                if (ix < 0 || ix >= inWidth) continue;
                const i = ((n * inHeight + iy) * inWidth + ix) * C + c;
                if (xv[i]! > best || at < 0) {
                  best = xv[i]!;
                  at = i;
                }
              }
            }
            if (at >= 0) dx[at]! += dyv[((n * outHeight + oy) * outWidth + ox) * C + c]!;
          }
    return b.makeTensorInfo([...input.shape], 'float32', dx);
  },
};
