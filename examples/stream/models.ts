/**
 * What the streaming example and tests run: subject 1604's WISDM recording as one long signal
 * (normalised as the HAR example normalises its windows), and the TCN of examples/sequence/run.ts
 * (causal dilated convolutions 1-2-4-8 over 0.1 s averages, global average pooling, dense).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ACTIVITIES, CHANNELS, loadRecordings } from '../../src/data/wisdm.ts';
import { causalConv1d } from '../../src/import/tfjs-keras-layers.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { harNormalization, TEST_SUBJECTS, WINDOW } from '../har/train.ts';

/**
 * The held-out subject's five recordings back to back, [samples * 6] time-major, normalised with the
 * training subjects' constants; `repeat` plays it that many times (one subject gives 18,026 samples:
 * 560 hops of 32).
 */
export function subjectSignal(repeat = 1, subject = TEST_SUBJECTS[0]!): Float32Array {
  const norm = harNormalization();
  const recordings = loadRecordings(join(PACKAGE_ROOT, 'data/wisdm2019-watch'), [subject]);
  const one = Float32Array.from(
    recordings.flatMap((r) => Array.from(r.samples)),
    (v, i) => (v - norm.mean[i % CHANNELS]!) / norm.std[i % CHANNELS]!,
  );
  const out = new Float32Array(one.length * repeat);
  for (let k = 0; k < repeat; k++) out.set(one, k * one.length);
  return out;
}

/** examples/sequence/run.ts's TCN: receptive field 31 frames of 2 samples; seeded initial weights. */
export function tcnModel(seed = 1): tf.LayersModel {
  const glorot = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const m = tf.sequential({ name: 'wisdm_tcn' });
  m.add(tf.layers.averagePooling1d({ inputShape: [WINDOW, CHANNELS], poolSize: 2, name: 'average' }));
  for (const d of [1, 2, 4, 8]) m.add(causalConv1d({ filters: 16, kernelSize: 3, dilationRate: d, activation: 'relu', name: `causal_d${d}`, kernelInitializer: glorot(seed * 10 + d) }));
  m.add(tf.layers.globalAveragePooling1d({ name: 'pool' }));
  m.add(tf.layers.dense({ units: ACTIVITIES.length, activation: 'softmax', name: 'head', kernelInitializer: glorot(seed * 10 + 4) }));
  return m;
}
