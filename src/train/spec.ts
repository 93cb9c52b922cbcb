/**
 * A training spec: what `edgec train SPEC.ts` runs. A TypeScript module that exports
 *
 *   export const name = 'ecg_beats';                    // optional: model and folder name
 *   export const labels = ['N', 'S', 'V', 'F', 'Q'];     // class names (classification)
 *   export function model(ctx) { return tf.sequential(...) }          // ctx: { seed, classes }
 *   export async function data(ctx) { return { train, val?, test?, calibration? } }  // ctx: { seed, log }
 *   export const training = { batchSize: 64, classWeights: 'balanced', ... };   // optional
 *
 * `train`, `val` and `test` are { x: Float32Array[] (windows flattened in the model's input layout),
 * y: number[] (class index) or Float32Array[] / number[] (regression targets) }. Without `val`, a
 * seeded tenth of `train` is held out for early stopping; `test` is evaluated on the float model, the
 * fake-quant model and the integer simulator. Everything here is checked before training starts.
 */
import type * as tf from '@tensorflow/tfjs';
import { fail } from '../support/diagnostics.ts';
import type { TrainData, Task, TrainOptions } from './train.ts';

export interface SpecContext {
  seed: number;
  classes: number;
  log: (line: string) => void;
}

export interface SpecData {
  train: TrainData;
  val?: TrainData;
  test?: TrainData;
  /** Windows for post-training calibration (default: 200 seeded training windows). */
  calibration?: Float32Array[];
}

export interface SpecTraining extends Pick<TrainOptions, 'batchSize' | 'learningRate' | 'patience' | 'classWeights' | 'monitor'> {
  epochs?: number;
  qatEpochs?: number;
  qatLearningRate?: number;
  /** Activation type the fake-quant layers train for (and the compile command is given): int8 (default) or int16. */
  activations?: 'int8' | 'int16';
}

export interface TrainSpec {
  name?: string;
  task?: Task;
  labels?: readonly string[];
  model: (ctx: SpecContext) => tf.LayersModel | Promise<tf.LayersModel>;
  data: (ctx: Omit<SpecContext, 'classes'>) => SpecData | Promise<SpecData>;
  training?: SpecTraining;
  /** Saved in model.json (`edgecPreprocessing`) and shown in the generated folder's README. */
  preprocessing?: Record<string, unknown>;
}

const specError = (file: string, field: string, message: string): never => fail('E-TRAIN-SPEC', 'train', message, { file, field });

/** The module's exports as a TrainSpec (or its default export), each field checked. */
export function checkSpec(mod: Record<string, unknown>, file: string): TrainSpec {
  const s = (typeof mod.default === 'object' && mod.default !== null ? mod.default : mod) as Record<string, unknown>;
  if (typeof s.model !== 'function') specError(file, 'model', 'the spec must export a function `model(ctx)` that returns a tfjs LayersModel');
  if (typeof s.data !== 'function') specError(file, 'data', 'the spec must export a function `data(ctx)` that returns { train, val?, test?, calibration? }');
  if (s.name !== undefined && (typeof s.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(s.name))) specError(file, 'name', 'name must be a C identifier of at most 64 characters');
  if (s.task !== undefined && s.task !== 'classification' && s.task !== 'regression') specError(file, 'task', "task must be 'classification' or 'regression'");
  if (s.labels !== undefined && (!Array.isArray(s.labels) || s.labels.length === 0 || !s.labels.every((l) => typeof l === 'string')))
    specError(file, 'labels', 'labels must be a non-empty array of strings');
  if (s.training !== undefined && (typeof s.training !== 'object' || s.training === null)) specError(file, 'training', 'training must be an object');
  return s as unknown as TrainSpec;
}

/** Checks a data split against the model's input size and the task: every window, every label. */
export function checkData(d: unknown, split: string, inputSize: number, task: Task, classes: number, file: string): TrainData {
  const field = `data().${split}`;
  if (typeof d !== 'object' || d === null) return specError(file, field, `${field} must be { x: Float32Array[], y: [...] }`);
  const { x, y } = d as { x?: unknown; y?: unknown };
  if (!Array.isArray(x) || !Array.isArray(y)) return specError(file, field, `${field}.x and ${field}.y must be arrays`);
  if (x.length !== y.length) specError(file, field, `${field}.x has ${x.length} windows but ${field}.y has ${y.length} labels`);
  x.forEach((w, i) => {
    if (!(w instanceof Float32Array)) specError(file, `${field}.x[${i}]`, 'each window must be a Float32Array');
    if (w.length !== inputSize) specError(file, `${field}.x[${i}]`, `window has ${w.length} values; the model's input has ${inputSize}`);
    for (let k = 0; k < w.length; k++) if (!Number.isFinite(w[k]!)) specError(file, `${field}.x[${i}]`, `value ${k} is ${w[k]} (not finite)`);
  });
  y.forEach((v, i) => {
    if (task === 'classification') {
      if (!Number.isInteger(v) || v < 0 || v >= classes) specError(file, `${field}.y[${i}]`, `label ${String(v)} is not a class index in 0..${classes - 1}`);
    } else if (!(typeof v === 'number' && Number.isFinite(v)) && !(v instanceof Float32Array)) {
      specError(file, `${field}.y[${i}]`, 'a regression target must be a finite number or a Float32Array');
    }
  });
  return { x: x as Float32Array[], y: y as TrainData['y'] };
}
