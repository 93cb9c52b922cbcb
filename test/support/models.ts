/** Small seeded tfjs models and calibration data for import and end-to-end tests. */
import * as tf from '@tensorflow/tfjs';

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

/** A HAR-shaped 1-D CNN: conv (BN + ReLU layer), separable conv, pooling, dense softmax. */
export function smallHarModel(): tf.LayersModel {
  const m = tf.sequential({ name: 'small_har' });
  m.add(tf.layers.conv1d({ name: 'conv', inputShape: [32, 6], filters: 8, kernelSize: 5, padding: 'same', kernelInitializer: init(1) }));
  m.add(tf.layers.batchNormalization({ name: 'bn', betaInitializer: tf.initializers.constant({ value: 0.1 }), movingVarianceInitializer: tf.initializers.constant({ value: 2 }) }));
  m.add(tf.layers.reLU({ name: 'relu' }));
  m.add(tf.layers.reshape({ name: 'to2d', targetShape: [1, 32, 8] }));
  m.add(tf.layers.separableConv2d({ name: 'sep', filters: 12, kernelSize: [1, 3], padding: 'same', activation: 'relu', depthwiseInitializer: init(2), pointwiseInitializer: init(3) }));
  m.add(tf.layers.maxPooling2d({ name: 'pool', poolSize: [1, 2] }));
  m.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  m.add(tf.layers.dense({ name: 'out', units: 5, activation: 'softmax', kernelInitializer: init(4) }));
  return m;
}

/** A functional model with a residual Add, a Concatenate, zero padding, strided and dilated convs. */
export function functionalModel(): tf.LayersModel {
  const x = tf.input({ shape: [24, 4], name: 'x' });
  const a = tf.layers.conv1d({ name: 'a', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(5) }).apply(x) as tf.SymbolicTensor;
  const b = tf.layers.conv1d({ name: 'b', filters: 6, kernelSize: 3, padding: 'same', dilationRate: 2, kernelInitializer: init(6) }).apply(a) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'residual' }).apply([a, b]) as tf.SymbolicTensor;
  const sum2d = tf.layers.reshape({ name: 'to2d', targetShape: [1, 24, 6] }).apply(sum) as tf.SymbolicTensor;
  const padded = tf.layers
    .zeroPadding2d({
      name: 'pad',
      padding: [
        [0, 0],
        [1, 2],
      ],
    })
    .apply(sum2d) as tf.SymbolicTensor;
  const c = tf.layers.conv2d({ name: 'c', filters: 4, kernelSize: [1, 4], strides: [1, 2], padding: 'valid', activation: 'relu6', kernelInitializer: init(7) }).apply(padded) as tf.SymbolicTensor;
  const d = tf.layers.averagePooling2d({ name: 'avg', poolSize: [1, 2], strides: [1, 2], padding: 'same' }).apply(c) as tf.SymbolicTensor;
  const e = tf.layers.conv2d({ name: 'e', filters: 4, kernelSize: 1, kernelInitializer: init(8) }).apply(d) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: 'cat', axis: -1 }).apply([d, e]) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'flat' }).apply(cat) as tf.SymbolicTensor;
  const drop = tf.layers.dropout({ name: 'drop', rate: 0.5 }).apply(flat) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'logits', units: 3, kernelInitializer: init(9) }).apply(drop) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: out, name: 'functional' });
}

/** Deterministic windows in [-2, 2). */
export function windows(count: number, size: number, seed = 7): Float32Array[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: count }, () => Float32Array.from({ length: size }, () => next() * 4 - 2));
}

/** Dense layers with tanh and sigmoid activations (non-fusable: separate int8 ops). */
export function activationsModel(): tf.LayersModel {
  const m = tf.sequential({ name: 'activations' });
  m.add(tf.layers.dense({ name: 'd1', inputShape: [16], units: 12, activation: 'tanh', kernelInitializer: init(21) }));
  m.add(tf.layers.dense({ name: 'd2', units: 6, activation: 'sigmoid', kernelInitializer: init(22) }));
  return m;
}
