/**
 * A seeded, reproducible training loop for small models on sensor windows: shuffled mini-batches
 * (seeded PRNG), Adam, class weights, progress per batch and per epoch, early stopping on a
 * validation set, and the weights of the best validation epoch restored at the end.
 *
 * Works for any tfjs LayersModel with one input and one output: classification (softmax output,
 * integer labels) or regression (numeric targets). The windows' shape is the model's input shape.
 */
import * as tf from '@tensorflow/tfjs';
import { trainStepWithFakeQuantWeights } from './qat.ts';
import { classWeightsFor, weightedCrossentropy, type ClassWeights } from './class-weights.ts';
import { seededShuffle } from './shuffle.ts';
import { classificationMetrics, regressionMetrics } from './metrics.ts';

export { seededShuffle };

export type Task = 'classification' | 'regression';

/** Windows (each flattened in the model's input layout) and their labels (class index) or targets. */
export interface TrainData {
  x: Float32Array[];
  y: number[] | Float32Array[];
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  /** Training accuracy over the epoch's batches (classification). */
  accuracy?: number;
  /** Validation accuracy (classification) or mean absolute error (regression). */
  valAccuracy?: number;
  valMacroF1?: number;
  valMae?: number;
  seconds: number;
}

export interface BatchReport {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy?: number;
  seconds: number;
}

export interface TrainOptions {
  task?: Task;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Epochs without a better validation figure before stopping (default 6). */
  patience?: number;
  seed?: number;
  /** Per-class loss weights, 'balanced' (n / (classes * count), as scikit-learn's) or 'sqrt-balanced'. Classification only. */
  classWeights?: ClassWeights;
  /** Quantization-aware training: each step runs with the kernels on the int8 grid (see qat.ts). */
  fakeQuantWeights?: boolean;
  /**
   * The validation figure early stopping and the kept weights follow (classification): accuracy
   * (default), or macro F1, which rare classes move as much as common ones (heartbeats).
   */
  monitor?: 'accuracy' | 'macroF1';
  onBatch?: (b: BatchReport) => void;
  onEpoch?: (e: EpochReport) => void;
  /** One plain line per epoch (what onEpoch would print), for callers without a progress display. */
  log?: (line: string) => void;
}

export interface TrainResult {
  epochs: number;
  bestEpoch: number;
  /** The best validation figure (accuracy or macro F1, as monitored) or the lowest validation MAE (regression). */
  bestValAccuracy: number;
  bestValMae?: number;
  secondsPerEpoch: number;
  stoppedEarly: boolean;
  history: EpochReport[];
}

/** The model's input shape without the batch axis (the layout every window is flattened in). */
export function inputShapeOf(model: tf.LayersModel): number[] {
  const shape = model.inputs[0]!.shape.slice(1);
  if (shape.some((d) => d === null)) throw new Error(`model input shape ${JSON.stringify(model.inputs[0]!.shape)} has an unknown dimension`);
  return shape as number[];
}

/** The number of values of the model's output (its classes, for a classifier). */
export function outputSizeOf(model: tf.LayersModel): number {
  return (model.outputs[0]!.shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
}

export function windowsTensor(x: readonly Float32Array[], idx: readonly number[], shape: readonly number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = new Float32Array(idx.length * size);
  idx.forEach((i, k) => {
    if (x[i]!.length !== size) throw new Error(`window ${i} has ${x[i]!.length} values, the model's input ${JSON.stringify(shape)} has ${size}`);
    flat.set(x[i]!, k * size);
  });
  return tf.tensor(flat, [idx.length, ...shape]);
}

function targetsTensor(d: TrainData, idx: readonly number[], task: Task, outputs: number): tf.Tensor {
  if (task === 'classification') {
    return tf.tidy(() =>
      tf.oneHot(
        tf.tensor1d(
          idx.map((i) => d.y[i] as number),
          'int32',
        ),
        outputs,
      ),
    );
  }
  const flat = new Float32Array(idx.length * outputs);
  idx.forEach((i, k) => {
    const y = d.y[i]!;
    if (typeof y === 'number') flat[k * outputs] = y;
    else flat.set(y, k * outputs);
  });
  return tf.tensor2d(flat, [idx.length, outputs]);
}

/** Float outputs of the model for every window, in batches (so a large test set fits in memory). */
export function predictWindows(model: tf.LayersModel, x: readonly Float32Array[], batch = 256): Float32Array[] {
  const shape = inputShapeOf(model);
  const out: Float32Array[] = [];
  for (let i = 0; i < x.length; i += batch) {
    const idx = Array.from({ length: Math.min(batch, x.length - i) }, (_, k) => i + k);
    const y = tf.tidy(() => (model.predict(windowsTensor(x, idx, shape)) as tf.Tensor).dataSync() as Float32Array);
    const size = y.length / idx.length;
    for (let k = 0; k < idx.length; k++) out.push(y.slice(k * size, (k + 1) * size));
  }
  return out;
}

export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

/** Classification accuracy of the model on labelled windows. */
export function accuracy(model: tf.LayersModel, d: TrainData): number {
  if (d.x.length === 0) return 0;
  const pred = predictWindows(model, d.x);
  let ok = 0;
  pred.forEach((p, i) => (ok += argmax(p) === d.y[i] ? 1 : 0));
  return ok / d.x.length;
}

function validationFigures(model: tf.LayersModel, d: TrainData, classes: number): { accuracy: number; macroF1: number } {
  const m = classificationMetrics(
    predictWindows(model, d.x).map(argmax),
    d.y as number[],
    Array.from({ length: classes }, (_, i) => String(i)),
  );
  return { accuracy: m.accuracy, macroF1: m.macroF1 };
}

function meanAbsoluteError(model: tf.LayersModel, d: TrainData): number {
  return regressionMetrics(predictWindows(model, d.x), d.y).mae;
}

function lossFor(task: Task, weights: number[] | undefined): string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor) {
  if (task === 'regression') return 'meanSquaredError';
  return weights ? weightedCrossentropy(weights) : 'categoricalCrossentropy';
}

export function formatEpoch(e: EpochReport): string {
  const parts = [`epoch ${String(e.epoch).padStart(2)}/${e.epochs}`, `loss ${e.loss.toFixed(4)}`];
  if (e.accuracy !== undefined) parts.push(`acc ${(100 * e.accuracy).toFixed(1)}%`);
  if (e.valAccuracy !== undefined) parts.push(`val acc ${(100 * e.valAccuracy).toFixed(1)}%`);
  if (e.valMacroF1 !== undefined) parts.push(`val F1 ${e.valMacroF1.toFixed(3)}`);
  if (e.valMae !== undefined) parts.push(`val MAE ${e.valMae.toPrecision(4)}`);
  parts.push(`${e.seconds.toFixed(1)} s`);
  return parts.join('  ');
}

export async function trainModel(model: tf.LayersModel, train: TrainData, val: TrainData, opts: TrainOptions = {}): Promise<TrainResult> {
  const task = opts.task ?? 'classification';
  const shape = inputShapeOf(model);
  const outputs = outputSizeOf(model);
  const epochs = opts.epochs ?? 30;
  const batch = opts.batchSize ?? 32;
  const patience = opts.patience ?? 6;
  const weights = task === 'classification' && opts.classWeights ? classWeightsFor(opts.classWeights, train.y as number[], outputs) : undefined;
  model.compile({ optimizer: tf.train.adam(opts.learningRate ?? 0.003), loss: lossFor(task, weights), metrics: task === 'classification' ? ['accuracy'] : ['mae'] });
  let best = task === 'classification' ? -1 : Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | null = null;
  let since = 0;
  let seconds = 0;
  let stoppedEarly = false;
  const history: EpochReport[] = [];
  const batches = Math.ceil(train.x.length / batch);
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    const order = seededShuffle(train.x.length, (opts.seed ?? 1) * 7919 + e);
    let lossSum = 0;
    let accSum = 0;
    for (let b = 0; b < batches; b++) {
      const idx = order.slice(b * batch, (b + 1) * batch);
      const xs = windowsTensor(train.x, idx, shape);
      const ys = targetsTensor(train, idx, task, outputs);
      const r = opts.fakeQuantWeights ? await trainStepWithFakeQuantWeights(model, xs, ys) : ((await model.trainOnBatch(xs, ys)) as number[]);
      xs.dispose();
      ys.dispose();
      lossSum += r[0]!;
      accSum += r[1] ?? 0;
      opts.onBatch?.({ epoch: e + 1, batch: b + 1, batches, loss: lossSum / (b + 1), ...(task === 'classification' ? { accuracy: accSum / (b + 1) } : {}), seconds: (performance.now() - t0) / 1000 });
    }
    const dt = (performance.now() - t0) / 1000;
    seconds += dt;
    const report: EpochReport = { epoch: e + 1, epochs, loss: lossSum / batches, seconds: dt };
    let score: number;
    if (task === 'classification') {
      report.accuracy = accSum / batches;
      const v = validationFigures(model, val, outputs);
      report.valAccuracy = v.accuracy;
      report.valMacroF1 = v.macroF1;
      score = opts.monitor === 'macroF1' ? v.macroF1 : v.accuracy;
    } else {
      report.valMae = meanAbsoluteError(model, val);
      score = -report.valMae;
    }
    history.push(report);
    opts.onEpoch?.(report);
    opts.log?.(formatEpoch(report));
    if (val.x.length === 0 || score > (task === 'classification' ? best : -best)) {
      best = task === 'classification' ? score : -score;
      bestEpoch = e + 1;
      bestWeights?.forEach((w) => w.dispose());
      bestWeights = model.getWeights().map((w) => w.clone());
      since = 0;
    } else if (++since >= patience) {
      opts.log?.(`early stop: no validation gain in ${patience} epochs; keeping epoch ${bestEpoch}`);
      stoppedEarly = true;
      break;
    }
  }
  if (bestWeights) {
    model.setWeights(bestWeights);
    bestWeights.forEach((w) => w.dispose());
  }
  return {
    epochs: history.length,
    bestEpoch,
    bestValAccuracy: task === 'classification' ? best : NaN,
    ...(task === 'regression' ? { bestValMae: best } : {}),
    secondsPerEpoch: seconds / Math.max(history.length, 1),
    stoppedEarly,
    history,
  };
}

/** The examples' classifier loop (integer labels, softmax output): `trainModel` for classification. */
export function trainClassifier(model: tf.LayersModel, train: TrainData, val: TrainData, opts: TrainOptions): Promise<TrainResult> {
  return trainModel(model, train, val, { ...opts, task: 'classification' });
}
