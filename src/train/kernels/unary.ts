/** Float32 Relu and Step (ReLU's gradient mask) for the tfjs CPU backend: flat loops. */
import type * as tf from '@tensorflow/tfjs';
import { cpu, stockKernel, values } from './util.ts';

function unary(name: 'Relu' | 'Step'): tf.KernelConfig {
  return {
    kernelName: name,
    backendName: 'cpu',
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype !== 'float32') return stockKernel(name)(args);
      const b = cpu(args.backend);
      const xv = values(b, x);
      const out = new Float32Array(xv.length);
      const alpha = ((args.attrs ?? {}) as { alpha?: number }).alpha ?? 0;
      // Separate loops (not a shared callback) so each stays monomorphic and inlined; NaN stays NaN, as in the stock kernels.
      if (name === 'Relu') for (let i = 0; i < xv.length; i++) out[i] = xv[i]! < 0 ? 0 : xv[i]!;
      else for (let i = 0; i < xv.length; i++) out[i] = Number.isNaN(xv[i]!) ? NaN : xv[i]! > 0 ? 1 : alpha;
      return b.makeTensorInfo([...x.shape], 'float32', out);
    },
  };
}

export const reluConfig = unary('Relu');
export const stepConfig = unary('Step');
