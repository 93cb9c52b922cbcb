/**
 * Data and training half of the HAR example: WISDM watch windows (128 samples = 6.4 s at 20 Hz, hop
 * 64), subject 1604 held out for testing, a validation split drawn from the training subjects, a
 * seeded 1-D CNN trained with tfjs on the CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { ACTIVITIES, CHANNELS, fitNormalization, loadRecordings, makeWindows, normalize, splitBySubject, type Normalization } from '../../src/data/wisdm.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { buildHarModel, withFakeQuant } from '../../src/train/har-model.ts';
import { registerFastKernels } from '../../src/train/kernels/index.ts';
import { accuracy, seededShuffle, trainClassifier } from '../../src/train/train.ts';

export const WINDOW = 128;
export const HOP = 64;
export const TEST_SUBJECTS = [1604];

/** Channel order of the windows (src/data/wisdm.ts interleaves accelerometer then gyroscope). */
export const CHANNEL_NAMES = ['accel_x', 'accel_y', 'accel_z', 'gyro_x', 'gyro_y', 'gyro_z'];
export const SAMPLE_RATE_HZ = 20;

/** The normalisation of the training subjects (what trainHar fits), from the data alone. */
export function harNormalization(): Normalization {
  const all = makeWindows(loadRecordings(join(PACKAGE_ROOT, 'data/wisdm2019-watch')), WINDOW, HOP);
  return fitNormalization(splitBySubject(all, TEST_SUBJECTS).train);
}

/** What the deployed model's input must be, saved in model.json (`edgecPreprocessing`) and shown in the folder's README. */
export function harPreprocessing(n: Normalization): { sampleRateHz: number; channels: string[]; normalization: Normalization; description: string } {
  return {
    sampleRateHz: SAMPLE_RATE_HZ,
    channels: CHANNEL_NAMES,
    normalization: { mean: [...n.mean], std: [...n.std] },
    description: `Windows of ${WINDOW} samples (${WINDOW / SAMPLE_RATE_HZ} s) from a smartwatch: accelerometer in m/s^2 and gyroscope in rad/s, each gyroscope sample the one nearest in time to its accelerometer sample (WISDM 2019, data/wisdm2019-watch).`,
  };
}

export interface HarTrained {
  model: tf.LayersModel;
  floatAccuracy: number;
  testWindows: Float32Array[];
  testLabels: number[];
  calibrationWindows: Float32Array[];
  labels: readonly string[];
  normalization: Normalization;
  secondsPerEpoch: number;
  /** Quantization-aware fine-tuning (qatEpochs > 0): the fake-quant twin of `model` and its float accuracy. */
  qat?: { model: tf.LayersModel; accuracy: number; epochs: number };
}

export interface HarData {
  fit: { x: Float32Array[]; y: number[] };
  val: { x: Float32Array[]; y: number[] };
  test: { x: Float32Array[]; y: number[] };
  normalization: Normalization;
  /** Calibration: training windows only (the test subject stays unseen), a spread-out subset. */
  calibration: Float32Array[];
}

/** WISDM watch windows, normalised by the training subjects: training, validation (every 5th of a seeded shuffle), held-out test subject. */
export function harData(seed: number, log: (s: string) => void = () => undefined): HarData {
  const recordings = loadRecordings(join(PACKAGE_ROOT, 'data/wisdm2019-watch'));
  const all = makeWindows(recordings, WINDOW, HOP);
  const { train: rawTrain, test: rawTest } = splitBySubject(all, TEST_SUBJECTS);
  const normalization = fitNormalization(rawTrain);
  const train = normalize(rawTrain, normalization);
  const test = normalize(rawTest, normalization);
  const order = seededShuffle(train.x.length, seed);
  const valIdx = new Set(order.filter((_, k) => k % 5 === 0));
  const pick = (keep: boolean) => {
    const idx = train.x.map((_, i) => i).filter((i) => valIdx.has(i) === keep);
    return { x: idx.map((i) => train.x[i]!), y: idx.map((i) => train.y[i]!) };
  };
  const fit = pick(false);
  const val = pick(true);
  log(`WISDM watch: ${all.x.length} windows of ${WINDOW}x${CHANNELS}; train ${fit.x.length}, validation ${val.x.length}, test ${test.x.length} (subject ${TEST_SUBJECTS.join(', ')})`);
  const calibration = seededShuffle(fit.x.length, 99)
    .slice(0, 200)
    .map((i) => fit.x[i]!);
  return { fit, val, test: { x: test.x, y: test.y }, normalization, calibration };
}

export async function trainHar(opts: { log?: (s: string) => void; epochs?: number; seed?: number; stockKernels?: boolean; qatEpochs?: number } = {}): Promise<HarTrained> {
  const log = opts.log ?? (() => undefined);
  await tf.setBackend('cpu');
  if (!opts.stockKernels) registerFastKernels();
  const { fit, val, test, normalization, calibration: calibrationWindows } = harData(opts.seed ?? 1, log);
  const model = buildHarModel(WINDOW, CHANNELS, ACTIVITIES.length, opts.seed ?? 1);
  const r = await trainClassifier(model, fit, val, { epochs: opts.epochs ?? 12, seed: opts.seed ?? 1, log });
  const floatAccuracy = accuracy(model, { x: test.x, y: test.y });
  log(`trained ${r.epochs} epochs (${r.secondsPerEpoch.toFixed(1)} s/epoch); float accuracy on held-out subject: ${(100 * floatAccuracy).toFixed(1)}%`);
  let qat: HarTrained['qat'];
  if (opts.qatEpochs) {
    // Fine-tune a fake-quant twin: weights and activations on the int8 grid, a lower learning rate.
    const q = withFakeQuant(model, WINDOW, CHANNELS, ACTIVITIES.length);
    const rq = await trainClassifier(q, fit, val, {
      epochs: opts.qatEpochs,
      seed: (opts.seed ?? 1) + 1,
      learningRate: 0.0005,
      patience: opts.qatEpochs,
      fakeQuantWeights: true,
      log,
    });
    const acc = accuracy(q, { x: test.x, y: test.y });
    log(`quantization-aware fine-tuning: ${rq.epochs} epochs; fake-quant accuracy on held-out subject: ${(100 * acc).toFixed(1)}%`);
    qat = { model: q, accuracy: acc, epochs: rq.epochs };
  }
  return { model, floatAccuracy, testWindows: test.x, testLabels: test.y, calibrationWindows, labels: ACTIVITIES, normalization, secondsPerEpoch: r.secondsPerEpoch, ...(qat ? { qat } : {}) };
}
