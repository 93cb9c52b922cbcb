/**
 * The toolchain's training kernels for the tfjs CPU backend (tfjs-node cannot be installed; the stock
 * CPU kernels are generic and slow for conv nets). Registered with tfjs's kernel registry by
 * `registerFastKernels()`; each covers the float32 NHWC cases training produces and hands any other
 * case to the stock kernel it replaced. The same call routes recurrent and causal convolution layers
 * to fused ops (../fast-layers.ts), which fall back to the layers' own `call` likewise, and Adam's
 * step to one loop per variable (adam.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { installFastLayers } from '../fast-layers.ts';
import { installFastAdam } from './adam.ts';
import { conv2dBackpropFilterConfig, conv2dBackpropInputConfig, conv2dConfig } from './conv.ts';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig, depthwiseConfig } from './depthwise.ts';
import { addConfig, multiplyConfig, realDivConfig, subConfig } from './elementwise.ts';
import { maxPoolGradConfig } from './pool.ts';
import { meanConfig, sumConfig } from './reduce.ts';
import { reluConfig, stepConfig } from './unary.ts';
import { rememberStock } from './util.ts';

export { conv2dBackpropFilterConfig, depthwiseBackpropFilterConfig };

export const FAST_KERNELS: readonly tf.KernelConfig[] = [
  conv2dConfig,
  conv2dBackpropInputConfig,
  conv2dBackpropFilterConfig,
  depthwiseConfig,
  depthwiseBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  maxPoolGradConfig,
  addConfig,
  subConfig,
  multiplyConfig,
  realDivConfig,
  sumConfig,
  meanConfig,
  reluConfig,
  stepConfig,
];

let registered = false;

/** Registers the faster training kernels with the tfjs CPU backend and installs the fused layers and Adam step (idempotent). */
export function registerFastKernels(): void {
  if (registered) return;
  registered = true;
  for (const config of FAST_KERNELS) {
    rememberStock(config.kernelName);
    if (tf.getKernel(config.kernelName, 'cpu')) tf.unregisterKernel(config.kernelName, 'cpu');
    tf.registerKernel(config);
  }
  installFastLayers();
  installFastAdam();
}
