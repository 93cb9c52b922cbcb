/**
 * One training epoch of small WISDM sequence models (the HAR example's windows: 880 training windows
 * of 128 x 6, batch 32, Adam), with tfjs's stock CPU kernels or the toolchain's (registerFastKernels:
 * fused GRU, LSTM and causal convolution layers among them). Wall-clock seconds per epoch, training
 * only (validation excluded); they vary with the machine and its load.
 *
 * Registering the toolchain's kernels is process-wide and cannot be undone, so each measurement runs
 * in a fresh process (bench/sequence-epoch.ts): stock and fast then start equally cold.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { harData, WINDOW } from '../examples/har/train.ts';
import { ACTIVITIES, CHANNELS } from '../src/data/wisdm.ts';
import { causalConv1d } from '../src/import/tfjs-keras-layers.ts';
import { registerFastKernels } from '../src/train/kernels/index.ts';
import { trainModel } from '../src/train/train.ts';
import { PACKAGE_ROOT } from '../src/support/paths.ts';

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
const orthogonal = (seed: number) => tf.initializers.orthogonal({ gain: 1, seed });

/** The benchmarked models: average pooling to a shorter sequence, the layer under test, a softmax head. */
export const SEQUENCE_BENCH_MODELS = {
  /** averagePooling1d 4 -> GRU 24 units (tfjs defaults: hardSigmoid gates) -> dense 5 softmax. */
  gru: () =>
    tf.sequential({
      layers: [
        tf.layers.averagePooling1d({ inputShape: [WINDOW, CHANNELS], poolSize: 4 }),
        tf.layers.gru({ units: 24, kernelInitializer: glorot(1), recurrentInitializer: orthogonal(2) }),
        tf.layers.dense({ units: ACTIVITIES.length, activation: 'softmax' }),
      ],
    }),
  /** averagePooling1d 4 -> LSTM 24 units (tfjs defaults: hardSigmoid gates) -> dense 5 softmax. */
  lstm: () =>
    tf.sequential({
      layers: [
        tf.layers.averagePooling1d({ inputShape: [WINDOW, CHANNELS], poolSize: 4 }),
        tf.layers.lstm({ units: 24, kernelInitializer: glorot(1), recurrentInitializer: orthogonal(2) }),
        tf.layers.dense({ units: ACTIVITIES.length, activation: 'softmax' }),
      ],
    }),
  /** averagePooling1d 2 -> 4 causal convolutions (16 filters, kernel 3, dilations 1, 2, 4, 8, ReLU) -> GAP -> dense 5 softmax. */
  tcn: () =>
    tf.sequential({
      layers: [
        tf.layers.averagePooling1d({ inputShape: [WINDOW, CHANNELS], poolSize: 2 }),
        ...[1, 2, 4, 8].map((d) => causalConv1d({ filters: 16, kernelSize: 3, dilationRate: d, activation: 'relu', kernelInitializer: glorot(10 + d) })),
        tf.layers.globalAveragePooling1d({}),
        tf.layers.dense({ units: ACTIVITIES.length, activation: 'softmax' }),
      ],
    }),
} satisfies Record<string, () => tf.Sequential>;

export type SequenceBenchModel = keyof typeof SEQUENCE_BENCH_MODELS;
export type KernelSet = 'stock' | 'fast';

/** Seconds of one training epoch of `kind` in this process (registers the fast kernels process-wide if asked). */
export async function timeSequenceEpoch(kind: SequenceBenchModel, kernels: KernelSet): Promise<number> {
  await tf.setBackend('cpu');
  if (kernels === 'fast') registerFastKernels();
  const data = harData(1);
  const r = await trainModel(SEQUENCE_BENCH_MODELS[kind](), data.fit, data.val, { epochs: 1, seed: 1 });
  return r.secondsPerEpoch;
}

/** timeSequenceEpoch in a fresh process (see the file's overview). */
export function timeSequenceEpochInChild(kind: SequenceBenchModel, kernels: KernelSet): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'bench/sequence-epoch.ts'), kind, kernels], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  const seconds = Number(r.stdout.trim().split('\n').at(-1));
  if (r.status !== 0 || !Number.isFinite(seconds)) throw new Error(`sequence epoch ${kind} ${kernels} failed (status ${r.status}): ${r.stderr.slice(-2000)}`);
  return seconds;
}
