/**
 * Small tfjs sequence models of the kinds wearable teams train (recurrent layers, temporal
 * convolutional networks), and a synthetic sequence task to train them on for a few epochs.
 */
import * as tf from '@tensorflow/tfjs';
import { causalConv1d } from '../../src/import/tfjs-keras-layers.ts';

export const STEPS = 24;
export const FEATURES = 3;
export const CLASSES = 3;

type Build = () => tf.LayersModel;

function head(m: tf.Sequential): tf.Sequential {
  m.add(tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'head' }));
  return m;
}

/** A TCN: residual blocks of two causal convolutions, dilations 1-2-4-8. */
function tcn(): tf.LayersModel {
  const input = tf.input({ shape: [STEPS, FEATURES], name: 'window' });
  let x: tf.SymbolicTensor = input;
  let channels = FEATURES;
  for (const d of [1, 2, 4, 8]) {
    const a = causalConv1d({ filters: 8, kernelSize: 3, dilationRate: d, activation: 'relu', name: `tcn${d}_a` }).apply(x) as tf.SymbolicTensor;
    const b = causalConv1d({ filters: 8, kernelSize: 3, dilationRate: d, activation: 'relu', name: `tcn${d}_b` }).apply(a) as tf.SymbolicTensor;
    const skip = channels === 8 ? x : (tf.layers.conv1d({ filters: 8, kernelSize: 1, name: `tcn${d}_skip` }).apply(x) as tf.SymbolicTensor);
    x = tf.layers.add({ name: `tcn${d}_residual` }).apply([b, skip]) as tf.SymbolicTensor;
    channels = 8;
  }
  const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'head' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'tcn' });
}

export const SEQUENCE_MODELS: Record<string, Build> = {
  lstm: () => {
    const m = tf.sequential({ name: 'lstm' });
    m.add(tf.layers.lstm({ inputShape: [STEPS, FEATURES], units: 8, returnSequences: true, name: 'lstm_hard' })); // tfjs's default hard sigmoid
    m.add(tf.layers.lstm({ units: 6, recurrentActivation: 'sigmoid', name: 'lstm_sigmoid' }));
    return head(m);
  },
  gru: () => {
    const m = tf.sequential({ name: 'gru' });
    m.add(tf.layers.gru({ inputShape: [STEPS, FEATURES], units: 8, returnSequences: true, name: 'gru_hard' })); // tfjs's default hard sigmoid
    m.add(tf.layers.gru({ units: 6, recurrentActivation: 'sigmoid', name: 'gru_sigmoid' }));
    return head(m);
  },
  simple_rnn: () => {
    const m = tf.sequential({ name: 'simple_rnn' });
    m.add(tf.layers.simpleRNN({ inputShape: [STEPS, FEATURES], units: 8, returnSequences: true, name: 'rnn1' }));
    m.add(tf.layers.simpleRNN({ units: 6, name: 'rnn2' }));
    return head(m);
  },
  tcn,
  bidirectional: () => {
    const m = tf.sequential({ name: 'bidirectional' });
    m.add(tf.layers.bidirectional({ inputShape: [STEPS, FEATURES], layer: tf.layers.gru({ units: 6, returnSequences: true }) as tf.RNN, name: 'bi_gru' }));
    m.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' }) as tf.RNN, name: 'bi_lstm' }));
    return head(m);
  },
  bidirectional_rnn: () => {
    const m = tf.sequential({ name: 'bidirectional_rnn' });
    m.add(tf.layers.bidirectional({ inputShape: [STEPS, FEATURES], layer: tf.layers.simpleRNN({ units: 6 }) as tf.RNN, name: 'bi_rnn' }));
    return head(m);
  },
  /** A recurrent layer over a TCN's features, as PPG and sleep models stack them. */
  tcn_gru: () => {
    const m = tf.sequential({ name: 'tcn_gru' });
    m.add(causalConv1d({ inputShape: [STEPS, FEATURES], filters: 6, kernelSize: 3, dilationRate: 2, activation: 'relu', name: 'conv' }));
    m.add(tf.layers.gru({ units: 8, name: 'gru' }));
    return head(m);
  },
};

function uniformSource(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * Deterministic weights (tfjs's initializers draw from an unseeded source): every kernel uniform in
 * +-sqrt(6 / (fan in + fan out)), biases small, so a test sees the same model on every run.
 */
export function seedWeights(m: tf.LayersModel, seed: number): void {
  const uniform = uniformSource(seed);
  for (const layer of m.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    layer.setWeights(
      ws.map((w) => {
        const fanOut = w.shape[w.shape.length - 1]!;
        const fanIn = w.size / fanOut;
        const limit = w.shape.length === 1 ? 0.1 : Math.sqrt(6 / (fanIn + fanOut));
        return tf.tensor(
          Float32Array.from({ length: w.size }, () => (2 * uniform() - 1) * limit),
          w.shape,
        );
      }),
    );
  }
}

/** Windows of a synthetic task: the class is which channel carries a slow sine wave (plus noise). */
export function sequenceTask(count: number, seed: number): { x: Float32Array[]; y: number[] } {
  const uniform = uniformSource(seed);
  const x: Float32Array[] = [];
  const y: number[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % CLASSES;
    const phase = uniform() * 6.28;
    const w = new Float32Array(STEPS * FEATURES);
    for (let t = 0; t < STEPS; t++) {
      for (let c = 0; c < FEATURES; c++) w[t * FEATURES + c] = (uniform() - 0.5) * 0.8 + (c === label ? 1.5 * Math.sin(phase + t / 3) : 0);
    }
    x.push(w);
    y.push(label);
  }
  return { x, y };
}

/** A few epochs of Adam on the synthetic task (so weights and ranges are a trained model's). */
export async function trainBriefly(m: tf.LayersModel, epochs: number, seed: number): Promise<void> {
  const { x, y } = sequenceTask(96, seed);
  const xs = tf.tensor3d(Float32Array.from(x.flatMap((w) => Array.from(w))), [x.length, STEPS, FEATURES]);
  const ys = tf.oneHot(tf.tensor1d(y, 'int32'), CLASSES);
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  await m.fit(xs, ys, { epochs, batchSize: 16, shuffle: false, verbose: 0 });
  xs.dispose();
  ys.dispose();
}
