/**
 * The training API (exported from the package as well): fast CPU kernels for tfjs, a seeded training
 * loop, quantization-aware training for any model, held-out evaluation on float and integer models,
 * and the spec runner behind `edgec train`. docs/training.md shows them together.
 */
export { registerFastKernels } from './kernels/index.ts';
export {
  trainModel,
  trainClassifier,
  predictWindows,
  inputShapeOf,
  accuracy,
  formatEpoch,
  type TrainData,
  type TrainOptions,
  type TrainResult,
  type EpochReport,
  type BatchReport,
  type Task,
} from './train.ts';
export { classWeightsFor, type ClassWeights } from './class-weights.ts';
export { seedWeights } from './seed.ts';
export { seededShuffle, seededRandom } from './shuffle.ts';
export { withFakeQuant, fakeQuantRanges, type FakeQuantOptions } from './fake-quant-model.ts';
export { FakeQuant, fakeQuantActivation, fakeQuantWeights, trainStepWithFakeQuantWeights } from './qat.ts';
export { evaluateFloat, evaluateInteger, predictInteger, metricsOf, formatMetrics } from './evaluate.ts';
export { classificationMetrics, regressionMetrics, type Metrics, type ClassificationMetrics, type RegressionMetrics, type ClassMetrics } from './metrics.ts';
export { runTrainSpec, type RunSpecOptions, type SpecRun, type TrainMetrics } from './run-spec.ts';
export { checkSpec, type TrainSpec, type SpecData, type SpecContext, type SpecTraining } from './spec.ts';
export { trainingProgress, type TrainingProgress } from './progress.ts';
