/**
 * A seeded, reproducible training loop for small classifiers on sensor windows: shuffled mini-batches
 * (seeded PRNG), Adam, per-epoch progress, early stopping on a validation split, and the weights of
 * the best validation epoch restored at the end.
 */
import * as tf from '@tensorflow/tfjs';
import { trainStepWithFakeQuantWeights } from './qat.ts';

export interface TrainData {
  x: Float32Array[];
  y: number[];
}

export interface TrainOptions {
  windowShape: [number, number];
  classes: number;
  epochs?: number;
  /** Quantization-aware training: each step runs with the kernels on the int8 grid (see qat.ts). */
  fakeQuantWeights?: boolean;
  batchSize?: number;
  learningRate?: number;
  patience?: number;
  seed?: number;
  log?: (line: string) => void;
}

export function seededShuffle(n: number, seed: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const j = s % (i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx;
}

function windowsTensor(d: TrainData, idx: number[], shape: [number, number]): tf.Tensor {
  const size = shape[0] * shape[1];
  const flat = new Float32Array(idx.length * size);
  idx.forEach((i, k) => flat.set(d.x[i]!, k * size));
  return tf.tensor3d(flat, [idx.length, shape[0], shape[1]]);
}

function toTensors(d: TrainData, idx: number[], shape: [number, number], classes: number): { xs: tf.Tensor; ys: tf.Tensor } {
  return {
    xs: windowsTensor(d, idx, shape),
    ys: tf.tidy(() =>
      tf.oneHot(
        tf.tensor1d(
          idx.map((i) => d.y[i]!),
          'int32',
        ),
        classes,
      ),
    ),
  };
}

export function accuracy(model: tf.LayersModel, d: TrainData, shape: [number, number]): number {
  if (d.x.length === 0) return 0;
  return tf.tidy(() => {
    const xs = windowsTensor(
      d,
      d.x.map((_, i) => i),
      shape,
    );
    const pred = (model.predict(xs) as tf.Tensor).argMax(-1).dataSync();
    let ok = 0;
    pred.forEach((p, i) => (ok += p === d.y[i] ? 1 : 0));
    return ok / d.x.length;
  });
}

export async function trainClassifier(model: tf.LayersModel, train: TrainData, val: TrainData, opts: TrainOptions): Promise<{ epochs: number; bestValAccuracy: number; secondsPerEpoch: number }> {
  const log = opts.log ?? (() => undefined);
  const epochs = opts.epochs ?? 30;
  const batch = opts.batchSize ?? 32;
  const patience = opts.patience ?? 6;
  model.compile({ optimizer: tf.train.adam(opts.learningRate ?? 0.003), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  let best = -1;
  let bestWeights: tf.Tensor[] | null = null;
  let since = 0;
  let ran = 0;
  let seconds = 0;
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    const order = seededShuffle(train.x.length, (opts.seed ?? 1) * 7919 + e);
    let lossSum = 0;
    let batches = 0;
    for (let i = 0; i < order.length; i += batch) {
      const { xs, ys } = toTensors(train, order.slice(i, i + batch), opts.windowShape, opts.classes);
      const r = opts.fakeQuantWeights ? await trainStepWithFakeQuantWeights(model, xs, ys) : ((await model.trainOnBatch(xs, ys)) as number[]);
      lossSum += r[0]!;
      batches++;
      xs.dispose();
      ys.dispose();
    }
    const dt = (performance.now() - t0) / 1000;
    seconds += dt;
    ran++;
    const va = accuracy(model, val, opts.windowShape);
    log(`epoch ${String(e + 1).padStart(2)}/${epochs}  loss ${(lossSum / batches).toFixed(4)}  val acc ${(100 * va).toFixed(1)}%  ${dt.toFixed(1)} s`);
    if (va > best) {
      best = va;
      bestWeights?.forEach((w) => w.dispose());
      bestWeights = model.getWeights().map((w) => w.clone());
      since = 0;
    } else if (++since >= patience) {
      log(`early stop: no validation gain in ${patience} epochs`);
      break;
    }
  }
  if (bestWeights) {
    model.setWeights(bestWeights);
    bestWeights.forEach((w) => w.dispose());
  }
  return { epochs: ran, bestValAccuracy: best, secondsPerEpoch: seconds / Math.max(ran, 1) };
}
