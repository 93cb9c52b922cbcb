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
import { chooseActivationQuant } from '../quantize/quantize-graph.ts';

/** Rounds x to the int8 grid of [lo, hi] (as chooseActivationQuant picks it); STE gradient inside the range. */
export function fakeQuantActivation(x: tf.Tensor, lo: number, hi: number): tf.Tensor {
  const q = chooseActivationQuant(lo, hi);
  const scale = q.scale[0]!;
  const zp = q.zeroPoint[0]!;
  const min = (-128 - zp) * scale;
  const max = (127 - zp) * scale;
  const f = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    const value = tf.tidy(() => tf.mul(tf.sub(tf.clipByValue(tf.add(tf.round(tf.div(input, scale)), zp), -128, 127), zp), scale));
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const inside = tf.logicalAnd(tf.greaterEqual(saved[0]!, min), tf.lessEqual(saved[0]!, max));
        return tf.mul(dy, tf.cast(inside, 'float32'));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as tf.Tensor;
}

export interface FakeQuantConfig {
  /** The learned range (min > max: not observed yet; the layer then passes values through). */
  min?: number;
  max?: number;
  momentum?: number;
  name?: string;
}

export class FakeQuant extends tf.layers.Layer {
  static className = 'EdgecFakeQuant';
  min: number;
  max: number;
  readonly momentum: number;

  constructor(config: FakeQuantConfig = {}) {
    super({ name: config.name });
    this.min = config.min ?? Infinity;
    this.max = config.max ?? -Infinity;
    this.momentum = config.momentum ?? 0.95;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs.training) {
      const [lo, hi] = tf.tidy(() => [tf.min(x).dataSync()[0]!, tf.max(x).dataSync()[0]!]);
      if (this.min > this.max) {
        this.min = lo;
        this.max = hi;
      } else {
        this.min = this.momentum * this.min + (1 - this.momentum) * lo;
        this.max = this.momentum * this.max + (1 - this.momentum) * hi;
      }
    }
    if (this.min > this.max) return x;
    return fakeQuantActivation(x, this.min, this.max);
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), min: this.min, max: this.max, momentum: this.momentum };
  }
}
tf.serialization.registerClass(FakeQuant);

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

/** The model's kernels (conv, depthwise, pointwise, dense), the weights the compiler quantizes per channel. */
function kernels(model: tf.LayersModel): tf.LayerVariable[] {
  return model.layers.flatMap((l) => l.trainableWeights.filter((v) => /kernel/.test(v.originalName)));
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
  vars.forEach((v, k) => tf.tidy(() => {
    v.write(tf.tensor(quantized[k]!, v.shape as number[]));
  }));
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

/** The learned activation ranges of a model's fake-quant layers, by the name of the layer they follow. */
export function fakeQuantRanges(model: tf.LayersModel): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  model.layers.forEach((l, i) => {
    if (l instanceof FakeQuant && l.min <= l.max && i > 0) out.set(model.layers[i - 1]!.name, [l.min, l.max]);
  });
  return out;
}
