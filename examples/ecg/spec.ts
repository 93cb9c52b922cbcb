/**
 * Heartbeat classification on the MIT-BIH Arrhythmia Database (data/mitbih): a training spec for
 * `edgec train examples/ecg/spec.ts --out DIR`, and what `make ecg` (examples/ecg/run.ts) runs.
 *
 * Classes: the five AAMI EC57 classes N (normal and bundle branch block), S (supraventricular
 * ectopic), V (ventricular ectopic), F (fusion), Q (unclassifiable and paced). Split: inter-patient,
 * de Chazal et al. 2004: the model trains on DS1 records and is tested on DS2 records, so no patient
 * is on both sides (data/mitbih/README.md lists the records and their beats).
 *
 * Input, one window per beat, [128, 2] time-major (what the firmware must compute the same way):
 *   channel 0: lead MLII in mV, samples [R - 90, R + 166) at 360 Hz averaged in pairs (180 Hz), minus
 *              the window's mean (removes baseline wander);
 *   channel 1: RR context, constant halves: the first 64 values pre-RR / local RR - 1, the last 64
 *              post-RR / local RR - 1 (local RR: mean of the last 10 intervals). Premature beats, the
 *              S class above all, differ from normal ones mainly in timing, not in shape.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { AAMI_CLASSES, DS1, DS2, loadBeats, type Beats } from '../../src/data/mitbih.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { seededShuffle } from '../../src/train/shuffle.ts';

export const name = 'ecg_beats';
export const labels = [...AAMI_CLASSES];
export const BEFORE = 90;
export const AFTER = 166;
export const DECIMATE = 2;
export const T = (BEFORE + AFTER) / DECIMATE;
export const CHANNELS = 2;
/** Every KEEP_N-th normal training beat (by a seeded draw) is kept: N is 83% of DS1's beats. */
const KEEP_N = 3;

/** Class weights: the square root of the 'balanced' weights (Q has 6 training beats; full balance would weigh one Q beat as 400 N beats). */
export const training = { epochs: 12, qatEpochs: 2, batchSize: 64, learningRate: 0.003, patience: 4, monitor: 'macroF1' as const, classWeights: 'sqrt-balanced' as const };

export const preprocessing = {
  sampleRateHz: 180,
  channels: ['mlii_mv', 'rr_context'],
  description:
    'One window per detected beat: MLII in mV, samples [R-90, R+166) at 360 Hz averaged in pairs (128 values at 180 Hz), minus the window mean; channel 2 holds pre-RR/localRR - 1 in its first 64 values and post-RR/localRR - 1 in its last 64 (local RR: mean of the last 10 RR intervals).',
};

/** Beats as model windows: the waveform and the RR context interleaved time-major ([T, 2]). */
export function toWindows(b: Beats): Float32Array[] {
  return b.x.map((wave, i) => {
    const [pre, post, local] = b.rr[i]!;
    let mean = 0;
    for (const v of wave) mean += v;
    mean /= wave.length;
    const w = new Float32Array(T * CHANNELS);
    for (let t = 0; t < T; t++) {
      w[t * CHANNELS] = wave[t]! - mean;
      w[t * CHANNELS + 1] = (t < T / 2 ? pre! : post!) / local! - 1;
    }
    return w;
  });
}

type Split = { x: Float32Array[]; y: number[]; record: string[] };
/** Decoded once per process: training reads DS2 as its test set and run.ts scores the C on it again. */
const splits = new Map<string, Split>();

export function loadSplit(records: readonly string[]): Split {
  const key = records.join(',');
  let split = splits.get(key);
  if (!split) {
    const b = loadBeats(join(PACKAGE_ROOT, 'data/mitbih'), records, { before: BEFORE, after: AFTER, decimate: DECIMATE });
    split = { x: toWindows(b), y: b.y, record: b.record };
    splits.set(key, split);
  }
  return split;
}

export function data(ctx: { seed: number; log?: (s: string) => void }) {
  const ds1 = loadSplit(DS1);
  const keep = new Set(seededShuffle(ds1.x.length, ctx.seed * 17 + 3).filter((_, k) => k % KEEP_N === 0));
  const idx = ds1.x.map((_, i) => i).filter((i) => ds1.y[i] !== 0 || keep.has(i));
  const train = { x: idx.map((i) => ds1.x[i]!), y: idx.map((i) => ds1.y[i]!) };
  const test = loadSplit(DS2);
  ctx.log?.(
    `MIT-BIH: DS1 ${ds1.x.length} beats (${DS1.length} records; training on ${train.x.length}: a third of the N beats and all others), DS2 ${test.x.length} beats (${DS2.length} records, held out)`,
  );
  return { train, test: { x: test.x, y: test.y } };
}

export function model(ctx: { seed: number }): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: ctx.seed * 100 + k });
  const m = tf.sequential({ name });
  m.add(tf.layers.conv1d({ inputShape: [T, CHANNELS], filters: 16, kernelSize: 7, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  m.add(tf.layers.conv1d({ filters: 24, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  m.add(tf.layers.maxPooling1d({ poolSize: 2 }));
  m.add(tf.layers.conv1d({ filters: 32, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init(3) }));
  m.add(tf.layers.maxPooling1d({ poolSize: 2 }));
  m.add(tf.layers.conv1d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(4) }));
  m.add(tf.layers.globalAveragePooling1d({}));
  m.add(tf.layers.dense({ units: AAMI_CLASSES.length, activation: 'softmax', kernelInitializer: init(5) }));
  return m;
}
