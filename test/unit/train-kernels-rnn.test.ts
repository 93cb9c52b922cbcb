/**
 * The fused GRU, LSTM, SimpleRNN and CausalConv1D paths (src/train/fast-layers.ts) against tfjs's own
 * layers on random data: the output and the gradients of a weighted sum of it with respect to the
 * input and every weight agree within 1e-4 (relative above 1, absolute below: float32 sums in another
 * order), and a few training steps end on the same weights within 1e-3.
 *
 * Registering the fast kernels is process-wide and cannot be undone, so every stock result is
 * computed first (beforeAll), then registerFastKernels() runs and each test computes the fused one;
 * each also checks the fused path ran (a handful of kernels, not tf.rnn's dozens per step), or, for
 * configurations the fused paths do not cover, that tfjs's own call still runs. Adam's fused step
 * leaves the same variables and moments as the stock one.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { causalConv1d } from '../../src/import/tfjs-keras-layers.ts';
import { registerFastKernels } from '../../src/train/kernels/index.ts';
import { trainModel } from '../../src/train/train.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const r = rng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * scale),
    shape,
  );
}

/** Deterministic weights, so the stock and the fused layer start from the same ones. */
function seedWeights(layers: tf.layers.Layer[], seed: number): void {
  layers.forEach((layer, k) => layer.setWeights(layer.getWeights().map((w, i) => randomTensor(w.shape, seed + 97 * k + i, 0.6))));
}

function expectClose(got: Float32Array, want: Float32Array, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
  expect(worst, what).toBeLessThan(tol);
}

const B = 3;
const T = 7;
const C = 5;

interface LayerCase {
  name: string;
  make: () => tf.layers.Layer;
  /** false: a configuration the fused paths leave to tfjs's own call (it must still run, unchanged). */
  fused?: false;
}

const rnnCases: LayerCase[] = [];
for (const recurrentActivation of ['hardSigmoid', 'sigmoid'] as const)
  for (const returnSequences of [true, false]) {
    const tag = `${recurrentActivation}, returnSequences ${returnSequences}`;
    rnnCases.push({ name: `GRU ${tag}`, make: () => tf.layers.gru({ units: 6, recurrentActivation, returnSequences }) });
    rnnCases.push({ name: `LSTM ${tag}`, make: () => tf.layers.lstm({ units: 5, recurrentActivation, returnSequences }) });
  }
rnnCases.push(
  { name: 'SimpleRNN returnSequences true', make: () => tf.layers.simpleRNN({ units: 6, returnSequences: true }) },
  { name: 'SimpleRNN returnSequences false', make: () => tf.layers.simpleRNN({ units: 5 }) },
  { name: 'GRU goBackwards, no bias', make: () => tf.layers.gru({ units: 4, goBackwards: true, useBias: false, returnSequences: true }) },
  { name: 'Bidirectional LSTM (sigmoid)', make: () => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', returnSequences: true }) as tf.RNN }) },
);

const convCases: LayerCase[] = [];
for (const kernelSize of [2, 3])
  for (const dilationRate of [1, 2, 4])
    convCases.push({ name: `causalConv1d k${kernelSize} d${dilationRate} relu`, make: () => causalConv1d({ filters: 6, kernelSize, dilationRate, activation: 'relu' }) });
convCases.push({ name: 'causalConv1d k3 d2 linear, no bias', make: () => causalConv1d({ filters: 4, kernelSize: 3, dilationRate: 2, useBias: false }) });

const fallbackCases: LayerCase[] = [
  { name: 'GRU with relu activation (stock call)', make: () => tf.layers.gru({ units: 4, activation: 'relu', returnSequences: true }), fused: false },
  { name: 'LSTM with tanh gates (stock call)', make: () => tf.layers.lstm({ units: 4, recurrentActivation: 'tanh' }), fused: false },
  { name: 'SimpleRNN with dropout (stock call)', make: () => tf.layers.simpleRNN({ units: 4, dropout: 0.3 }), fused: false },
  { name: 'causalConv1d with tanh (stock call)', make: () => causalConv1d({ filters: 4, kernelSize: 3, dilationRate: 2, activation: 'tanh' }), fused: false },
];

const layerCases = [...rnnCases, ...convCases, ...fallbackCases];

interface Result {
  y: Float32Array;
  grads: Float32Array[];
  kernels: number;
}

/** The layer's output on a fixed input, and the gradients of sum(output * R) w.r.t. the input and every weight. */
async function evaluate(c: LayerCase, seed: number): Promise<Result> {
  const layer = c.make();
  const x = tf.variable(randomTensor([B, T, C], seed), true);
  layer.apply(x);
  seedWeights([layer], seed + 1);
  const kernels = (await tf.profile(() => layer.apply(x) as tf.Tensor)).kernels.length;
  const y = layer.apply(x) as tf.Tensor;
  const r = randomTensor(y.shape, seed + 2);
  const vars = [x, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)), vars);
  return { y: y.dataSync() as Float32Array, grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array), kernels };
}

/** Weights after one epoch of trainModel (Adam, 4 batches of 8) from seeded weights. */
async function trainFew(build: () => tf.Sequential, steps: number, seed: number): Promise<Float32Array[]> {
  const model = build();
  seedWeights(model.layers, seed);
  const r = rng(seed + 5);
  const x = Array.from({ length: 32 }, () => Float32Array.from({ length: steps * 3 }, r));
  const y = x.map((_, i) => i % 3);
  await trainModel(model, { x, y }, { x: x.slice(0, 4), y: y.slice(0, 4) }, { epochs: 1, batchSize: 8, learningRate: 0.01, seed });
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

const trainModels: { name: string; steps: number; build: () => tf.Sequential }[] = [
  {
    name: 'GRU (hard sigmoid) > LSTM (sigmoid) > SimpleRNN > dense',
    steps: 12,
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.gru({ inputShape: [12, 3], units: 6, returnSequences: true }),
          tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid', returnSequences: true }),
          tf.layers.simpleRNN({ units: 4 }),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
  },
  {
    name: 'TCN: causal convolutions (dilations 1, 2, 4) > GAP > dense',
    steps: 16,
    build: () =>
      tf.sequential({
        layers: [
          causalConv1d({ inputShape: [16, 3], filters: 6, kernelSize: 3, dilationRate: 1, activation: 'relu' }),
          causalConv1d({ filters: 6, kernelSize: 2, dilationRate: 2, activation: 'relu' }),
          causalConv1d({ filters: 6, kernelSize: 3, dilationRate: 4, activation: 'relu' }),
          tf.layers.globalAveragePooling1d({}),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
  },
];

/** Six Adam steps on two variables with fixed gradients (as a map, then as a list): final values and moments, and the kernels of one step. */
async function adamSteps(tag: string): Promise<{ values: Float32Array[]; kernels: number }> {
  const vars = [tf.variable(randomTensor([3, 5], 1), true, `adam_${tag}_a`), tf.variable(randomTensor([7], 2), true, `adam_${tag}_b`)];
  const opt = tf.train.adam(0.02);
  let kernels = 0;
  for (let step = 0; step < 6; step++) {
    const grads = vars.map((v, i) => randomTensor(v.shape, 10 * step + i, 0.1 * (i + 1)));
    // tfjs types the map form as variables; minimize() passes gradient tensors in it.
    const map = Object.fromEntries(vars.map((v, i) => [v.name, grads[i]!])) as unknown as Parameters<typeof opt.applyGradients>[0];
    const list = vars.map((v, i) => ({ name: v.name, tensor: grads[i]! }));
    const info = await tf.profile(() => opt.applyGradients(step % 2 === 0 ? map : list));
    kernels = info.kernels.length;
  }
  const moments = (await opt.getWeights()).slice(1).map((w) => w.tensor);
  return { values: [...vars, ...moments].map((t) => t.dataSync() as Float32Array), kernels };
}

describe('fused recurrent and causal convolution layers equal tfjs stock layers', () => {
  const stock = new Map<string, Result>();
  const stockTrained = new Map<string, Float32Array[]>();
  let stockAdam: { values: Float32Array[]; kernels: number };
  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const [i, c] of layerCases.entries()) stock.set(c.name, await evaluate(c, 100 + 10 * i));
    for (const [i, m] of trainModels.entries()) stockTrained.set(m.name, await trainFew(m.build, m.steps, 7 + i));
    stockAdam = await adamSteps('stock');
    registerFastKernels();
  }, 60_000);

  layerCases.forEach((c, i) => {
    it(`${c.name}: output and gradients`, async () => {
      const want = stock.get(c.name)!;
      const got = await evaluate(c, 100 + 10 * i);
      if (c.fused === false) expect(got.kernels).toBe(want.kernels);
      else {
        expect(got.kernels).toBeLessThan(8);
        expect(want.kernels).toBeGreaterThan(got.kernels);
      }
      expectClose(got.y, want.y, 1e-4, 'output');
      expect(got.grads.length).toBe(want.grads.length);
      got.grads.forEach((g, k) => expectClose(g, want.grads[k]!, 1e-4, k === 0 ? 'd input' : `d weight ${k - 1}`));
    });
  });

  it('Adam: the fused step leaves the same variables and moments', async () => {
    const got = await adamSteps('fused');
    expect(got.kernels).toBeLessThan(4);
    expect(stockAdam.kernels).toBeGreaterThan(20);
    got.values.forEach((v, k) => expectClose(v, stockAdam.values[k]!, 1e-5, `tensor ${k}`));
  });

  trainModels.forEach((m, i) => {
    it(`${m.name}: same weights after 4 Adam steps`, async () => {
      const want = stockTrained.get(m.name)!;
      const got = await trainFew(m.build, m.steps, 7 + i);
      got.forEach((w, k) => expectClose(w, want[k]!, 1e-3, `weight ${k}`));
    });
  });
});
