/**
 * Runs a training spec end to end, the work of `edgec train` (and of the ECG example):
 *
 *   data -> seeded model -> float training (fast CPU kernels) -> [QAT fine-tuning with fake-quant
 *   layers and int8-grid weights] -> held-out evaluation (float, fake-quant, integer simulator)
 *   -> model.json + weights.bin + calibration.f32 + metrics.json, written atomically
 *
 * and returns the `edgec compile` command that turns the saved model into a verified C folder.
 */
import * as tf from '@tensorflow/tfjs';
import { join, relative, resolve } from 'node:path';
import { importLayersModel } from '../import/tfjs.ts';
import { saveModelToDir } from '../import/tfjs-io.ts';
import { runPasses } from '../passes/index.ts';
import { calibrateGraph, quantizeCalibrated } from '../quantize/quantize-graph.ts';
import { fail } from '../support/diagnostics.ts';
import { VERSION } from '../support/version.ts';
import { evaluateFloat, evaluateInteger, type Metrics } from './evaluate.ts';
import { withFakeQuant } from './fake-quant-model.ts';
import { registerFastKernels } from './kernels/index.ts';
import { seedWeights } from './seed.ts';
import { seededShuffle } from './shuffle.ts';
import { checkData, type SpecData, type TrainSpec } from './spec.ts';
import { inputShapeOf, outputSizeOf, trainModel, type EpochReport, type TrainData, type TrainOptions } from './train.ts';

export interface RunSpecOptions {
  out: string;
  /** Where the spec came from (for messages and metrics.json). */
  specFile: string;
  epochs?: number;
  qatEpochs?: number;
  seed?: number;
  /** Replace an --out folder edgec did not save. */
  force?: boolean;
  /** Progress: per batch and per epoch (a terminal bar or plain lines; see progress.ts). */
  onBatch?: TrainOptions['onBatch'];
  onEpoch?: TrainOptions['onEpoch'];
  log?: (line: string) => void;
  /** Use tfjs's stock CPU kernels (for comparisons; much slower). */
  stockKernels?: boolean;
}

export interface SpecRun {
  name: string;
  modelDir: string;
  /** The float model, and the fake-quant model when QAT ran (the one saved). */
  model: tf.LayersModel;
  qatModel?: tf.LayersModel;
  metrics: TrainMetrics;
  compileCommand: string;
}

export interface TrainMetrics {
  edgec: string;
  spec: string;
  name: string;
  task: 'classification' | 'regression';
  labels: string[];
  seed: number;
  windows: { train: number; val: number; test: number; calibration: number };
  float: { epochs: number; bestEpoch: number; secondsPerEpoch: number; history: EpochReport[] };
  qat?: { epochs: number; bestEpoch: number; secondsPerEpoch: number; history: EpochReport[]; bits: 8 | 16 };
  /** Held-out figures: the float model, the fake-quant model (QAT), the integer model in the simulator. */
  test?: { float: Metrics; qat?: Metrics; integer: Metrics; activations: 'int8' | 'int16' };
}

/** A seeded tenth of the training windows for validation, when the spec gives none. */
function holdOut(train: TrainData, seed: number): { fit: TrainData; val: TrainData } {
  const order = seededShuffle(train.x.length, seed * 31 + 7);
  const isVal = new Set(order.slice(0, Math.max(1, Math.floor(train.x.length / 10))));
  const pick = (keep: boolean) => {
    const idx = train.x.map((_, i) => i).filter((i) => isVal.has(i) === keep);
    return { x: idx.map((i) => train.x[i]!), y: idx.map((i) => train.y[i]!) as TrainData['y'] };
  };
  return { fit: pick(false), val: pick(true) };
}

export async function runTrainSpec(spec: TrainSpec, opts: RunSpecOptions): Promise<SpecRun> {
  const log = opts.log ?? (() => undefined);
  const seed = opts.seed ?? 1;
  const task = spec.task ?? 'classification';
  const t = spec.training ?? {};
  await tf.setBackend('cpu');
  if (!opts.stockKernels) registerFastKernels();

  const raw: SpecData = await spec.data({ seed, log });
  const probe = await spec.model({ seed, classes: spec.labels?.length ?? 0, log });
  const inputSize = inputShapeOf(probe).reduce((a, b) => a * b, 1);
  const classes = outputSizeOf(probe);
  const labels = spec.labels ? [...spec.labels] : Array.from({ length: classes }, (_, i) => String(i));
  if (task === 'classification' && labels.length !== classes) {
    fail('E-TRAIN-SPEC', 'train', `the spec names ${labels.length} labels but the model has ${classes} outputs`, { file: opts.specFile, field: 'labels' });
  }
  const train = checkData(raw.train, 'train', inputSize, task, classes, opts.specFile);
  const { fit, val } = raw.val ? { fit: train, val: checkData(raw.val, 'val', inputSize, task, classes, opts.specFile) } : holdOut(train, seed);
  const test = raw.test ? checkData(raw.test, 'test', inputSize, task, classes, opts.specFile) : undefined;
  const calibration =
    raw.calibration ??
    seededShuffle(fit.x.length, seed * 13 + 99)
      .slice(0, Math.min(200, fit.x.length))
      .map((i) => fit.x[i]!);
  log(`data: ${fit.x.length} training, ${val.x.length} validation, ${test?.x.length ?? 0} test windows of ${inputSize} values; ${calibration.length} calibration windows`);

  const model = probe;
  seedWeights(model, seed);
  const name = spec.name ?? (model.name || 'model');
  const common = {
    task,
    batchSize: t.batchSize,
    patience: t.patience,
    classWeights: t.classWeights,
    monitor: t.monitor,
    onBatch: opts.onBatch,
    onEpoch: opts.onEpoch,
    log: opts.onEpoch ? undefined : log,
  } satisfies TrainOptions;
  log(`== training ${name} (float, ${opts.stockKernels ? 'stock' : 'edgec'} CPU kernels, seed ${seed}) ==`);
  const floatRun = await trainModel(model, fit, val, { ...common, epochs: opts.epochs ?? t.epochs ?? 20, learningRate: t.learningRate, seed });
  log(`float: ${floatRun.epochs} epochs (best ${floatRun.bestEpoch}), ${floatRun.secondsPerEpoch.toFixed(2)} s/epoch`);

  const qatEpochs = opts.qatEpochs ?? t.qatEpochs ?? 0;
  const bits = t.activations === 'int16' ? 16 : 8;
  let qatModel: tf.LayersModel | undefined;
  let qatRun: Awaited<ReturnType<typeof trainModel>> | undefined;
  if (qatEpochs > 0) {
    log(`== quantization-aware fine-tuning (${qatEpochs} epochs, int${bits} activations, int8 per-channel weights) ==`);
    qatModel = await withFakeQuant(model, { bits });
    qatRun = await trainModel(qatModel, fit, val, {
      ...common,
      epochs: qatEpochs,
      patience: qatEpochs,
      learningRate: t.qatLearningRate ?? (t.learningRate ?? 0.003) / 6,
      seed: seed + 1,
      fakeQuantWeights: true,
    });
  }
  const saved = qatModel ?? model;

  // The integer model exactly as `edgec compile` will build it from the saved model and calibration.
  const activations = bits === 16 ? 'int16' : 'int8';
  const floatGraph = runPasses({ ...importLayersModel(saved, `${name}/model.json`, labels), name });
  const integerGraph = quantizeCalibrated(floatGraph, calibrateGraph(floatGraph, calibration, { activations }), { activations });
  let testMetrics: TrainMetrics['test'];
  if (test) {
    log(`== held-out evaluation (${test.x.length} windows) ==`);
    testMetrics = {
      float: evaluateFloat(model, test, task, labels),
      ...(qatModel ? { qat: evaluateFloat(qatModel, test, task, labels) } : {}),
      integer: evaluateInteger(integerGraph, test, task, labels),
      activations,
    };
  }
  const metrics: TrainMetrics = {
    edgec: VERSION,
    spec: opts.specFile,
    name,
    task,
    labels,
    seed,
    windows: { train: fit.x.length, val: val.x.length, test: test?.x.length ?? 0, calibration: calibration.length },
    float: { epochs: floatRun.epochs, bestEpoch: floatRun.bestEpoch, secondsPerEpoch: floatRun.secondsPerEpoch, history: floatRun.history },
    ...(qatRun ? { qat: { epochs: qatRun.epochs, bestEpoch: qatRun.bestEpoch, secondsPerEpoch: qatRun.secondsPerEpoch, history: qatRun.history, bits } } : {}),
    ...(testMetrics ? { test: testMetrics } : {}),
  };
  const flat = new Float32Array(calibration.length * inputSize);
  calibration.forEach((w, i) => flat.set(w, i * inputSize));
  const files = { 'calibration.f32': new Uint8Array(flat.buffer), 'metrics.json': new TextEncoder().encode(`${JSON.stringify(metrics, null, 1)}\n`) };
  await saveModelToDir(saved, opts.out, { edgecName: name, edgecLabels: labels, ...(spec.preprocessing ? { edgecPreprocessing: spec.preprocessing } : {}) }, { files, force: opts.force });
  const fromCwd = relative(process.cwd(), opts.out) || '.';
  const rel = fromCwd.startsWith('..') ? resolve(opts.out) : fromCwd;
  const compileCommand = `npx edgec compile ${join(rel, 'model.json')} --calib ${join(rel, 'calibration.f32')} --out generated/${name}${bits === 16 ? ' --activations int16' : ''}`;
  return { name, modelDir: opts.out, model, ...(qatModel ? { qatModel } : {}), metrics, compileCommand };
}
