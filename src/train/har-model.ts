/**
 * The HAR example's network: a small 1-D CNN for [T, 6] IMU windows, sized for a Cortex-M
 * (about 4 k int8 weights). tfjs has no SeparableConv1D, so the separable blocks are 2-D layers with
 * 1 x k kernels on a [1, T, C] view; the importer maps both forms to the same ops.
 *
 *   Conv1D 16 k5 s2 relu -> SeparableConv 32 k5 relu -> MaxPool 2 -> SeparableConv 32 k5 relu
 *   -> GlobalAveragePooling -> Dense 5 softmax
 */
import * as tf from '@tensorflow/tfjs';
import { FakeQuant } from './qat.ts';

/**
 * With `fakeQuant`, an EdgecFakeQuant layer follows the input and every layer whose output the
 * compiler quantizes with a range of its own (for quantization-aware training; see qat.ts).
 */
export function buildHarModel(windowSize: number, channels: number, classes: number, seed = 1, opts: { fakeQuant?: boolean } = {}): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 100 + k });
  const m = tf.sequential({ name: 'har' });
  const fq = (name: string) => {
    if (opts.fakeQuant) m.add(new FakeQuant({ name: `${name}_fq` }));
  };
  if (opts.fakeQuant) m.add(tf.layers.inputLayer({ name: 'window', inputShape: [windowSize, channels] }));
  fq('input');
  m.add(tf.layers.conv1d({ name: 'conv1', inputShape: [windowSize, channels], filters: 16, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  fq('conv1');
  m.add(tf.layers.reshape({ name: 'to_2d', targetShape: [1, windowSize / 2, 16] }));
  m.add(tf.layers.separableConv2d({ name: 'sep1', filters: 32, kernelSize: [1, 5], padding: 'same', activation: 'relu', depthwiseInitializer: init(2), pointwiseInitializer: init(3) }));
  fq('sep1');
  m.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: [1, 2] }));
  m.add(tf.layers.separableConv2d({ name: 'sep2', filters: 32, kernelSize: [1, 5], padding: 'same', activation: 'relu', depthwiseInitializer: init(4), pointwiseInitializer: init(5) }));
  fq('sep2');
  m.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  fq('gap');
  m.add(tf.layers.dense({ name: 'classifier', units: classes, activation: 'softmax', kernelInitializer: init(6) }));
  return m;
}

/** A fake-quant twin of a trained HAR model: same weights, EdgecFakeQuant layers added. */
export function withFakeQuant(trained: tf.LayersModel, windowSize: number, channels: number, classes: number): tf.LayersModel {
  const q = buildHarModel(windowSize, channels, classes, 1, { fakeQuant: true });
  for (const l of trained.layers) if (l.getWeights().length) q.getLayer(l.name).setWeights(l.getWeights());
  return q;
}
