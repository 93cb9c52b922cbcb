/**
 * Quantization-aware training for tfjs models.
 *
 * Activations: an `EdgecFakeQuant` layer placed after a layer rounds its output to the int8 grid the
 * compiler will use (asymmetric, range learned as an exponential moving average of the batch min/max
 * while training), with a straight-through gradient inside the range and zero outside. Its range is
 * part of the layer config, so it travels with model.json; the importer reads it as the activation
 * range of the tensor (instead of calibration) and drops the layer.
 *
 * Weights: `trainStepWithFakeQuantWeights` rounds every kernel to the compiler's per-channel
 * symmetric int8 grid before a step and applies the step's update to the float weights (the
 * straight-through estimator for weights).
 */
import * as tf from '@tensorflow/tfjs';

export { FakeQuant, fakeQuantActivation, type FakeQuantConfig } from '../import/tfjs-fake-quant.ts';

/**
 * A kernel rounded to the compiler's weight grid: symmetric int8 per output channel, where the
 * channel is the last axis of tfjs's layouts (conv/dense output channel; depthwise channel x
 * multiplier flattened, as the compiler's per-channel axis).
 */
export function fakeQuantWeights(w: Float32Array, channelsLast: number): Float32Array {
  const maxAbs = new Float64Array(channelsLast);
  for (let i = 0; i < w.length; i++) maxAbs[i % channelsLast] = Math.max(maxAbs[i % channelsLast]!, Math.abs(w[i]!));
  const scale = Array.from(maxAbs, (m) => Math.fround(m > 0 ? m / 127 : 1 / 127));
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const s = scale[i % channelsLast]!;
    const q = Math.max(-127, Math.min(127, Math.sign(w[i]!) * Math.round(Math.abs(w[i]!) / s)));
    out[i] = q * s;
  }
  return out;
}

/**
 * The model's kernels (conv, depthwise, pointwise, dense), the weights the compiler quantizes per
 * channel. Recurrent layers' weights are left in float: the integer LSTM/GRU quantize their gate
 * matrices with scales of their own (src/ops/recurrent), not this grid.
 */
const RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN', 'Bidirectional']);
function kernels(model: tf.LayersModel): tf.LayerVariable[] {
  return model.layers.filter((l) => !RECURRENT.has(l.getClassName())).flatMap((l) => l.trainableWeights.filter((v) => /kernel/.test(v.originalName)));
}

/**
 * One training step with weights on the int8 grid: kernels are replaced by their fake-quantized
 * values, the step runs (gradients at the quantized weights), and the step's change is applied to
 * the float weights kept aside.
 */
export async function trainStepWithFakeQuantWeights(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): Promise<number[]> {
  const vars = kernels(model);
  const floats = vars.map((v) => v.read().dataSync().slice() as Float32Array);
  // Output channels: the last axis; a depthwise kernel's [C, multiplier] flattened (out channel c * m).
  const channels = (v: tf.LayerVariable) => v.shape[v.shape.length - 1]! * (/depthwise/.test(v.originalName) ? v.shape[v.shape.length - 2]! : 1);
  const quantized = vars.map((v, k) => fakeQuantWeights(floats[k]!, channels(v)));
  vars.forEach((v, k) =>
    tf.tidy(() => {
      v.write(tf.tensor(quantized[k]!, v.shape as number[]));
    }),
  );
  const r = (await model.trainOnBatch(xs, ys)) as number[];
  vars.forEach((v, k) => {
    const after = v.read().dataSync();
    const next = new Float32Array(after.length);
    for (let i = 0; i < next.length; i++) next[i] = floats[k]![i]! + (after[i]! - quantized[k]![i]!);
    tf.tidy(() => {
      v.write(tf.tensor(next, v.shape as number[]));
    });
  });
  return r;
}
