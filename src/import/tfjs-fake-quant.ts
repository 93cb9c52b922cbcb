/**
 * The EdgecFakeQuant layer of quantization-aware training (src/train/qat.ts), registered with tfjs so
 * that a model.json holding it loads: it rounds its input to the int8 grid the compiler will use
 * (asymmetric, its range learned as an exponential moving average of the batch min/max while
 * training), with a straight-through gradient inside the range and zero outside. The range is part
 * of the layer's config; the importer reads it as the activation range of the tensor (instead of
 * calibration) and drops the layer.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseActivationQuant, chooseActivationQuant16 } from '../arith/tensor-quant.ts';

/**
 * Rounds x to the grid of [lo, hi] the compiler will use: int8 as chooseActivationQuant picks it, or
 * int16 (symmetric, zero point 0) as chooseActivationQuant16 does; STE gradient inside the range.
 */
export function fakeQuantActivation(x: tf.Tensor, lo: number, hi: number, bits: 8 | 16 = 8): tf.Tensor {
  const q = bits === 16 ? chooseActivationQuant16(lo, hi) : chooseActivationQuant(lo, hi);
  const [qmin, qmax] = bits === 16 ? [-32768, 32767] : [-128, 127];
  const scale = q.scale[0]!;
  const zp = q.zeroPoint[0]!;
  const min = (qmin - zp) * scale;
  const max = (qmax - zp) * scale;
  const f = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    const value = tf.tidy(() => tf.mul(tf.sub(tf.clipByValue(tf.add(tf.round(tf.div(input, scale)), zp), qmin, qmax), zp), scale));
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
  /** The activation type the range will quantize to: 8 (default) or 16 (`--activations int16`). */
  bits?: 8 | 16;
  name?: string;
}

export class FakeQuant extends tf.layers.Layer {
  static className = 'EdgecFakeQuant';
  min: number;
  max: number;
  readonly momentum: number;
  readonly bits: 8 | 16;

  constructor(config: FakeQuantConfig = {}) {
    super({ name: config.name });
    this.min = config.min ?? Infinity;
    this.max = config.max ?? -Infinity;
    this.momentum = config.momentum ?? 0.95;
    this.bits = config.bits === 16 ? 16 : 8;
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
    return fakeQuantActivation(x, this.min, this.max, this.bits);
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), min: this.min, max: this.max, momentum: this.momentum, bits: this.bits };
  }
}
tf.serialization.registerClass(FakeQuant);
