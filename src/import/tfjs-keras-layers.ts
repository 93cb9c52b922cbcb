/**
 * Keras layers that tfjs lacks (SeparableConv1D, ZeroPadding1D, causal Conv1D as CausalConv1D, GRU with
 * reset_after as GRUResetAfter), as tfjs layer classes registered
 * under their Keras names. Importing this module lets `tf.loadLayersModel` read a model.json exported
 * from Python Keras that uses them, and lets tests and training code build such models in tfjs. Their
 * weights use Keras's shapes and names, so a Keras export loads unchanged:
 *
 *   SeparableConv1D   depthwise_kernel [K, C_IN, MULT]   pointwise_kernel [1, C_IN*MULT, FILTERS]   bias [FILTERS]
 *   GRUResetAfter     kernel [C_IN, 3*UNITS]   recurrent_kernel [UNITS, 3*UNITS]   bias [2, 3*UNITS] (input, recurrent)
 *
 * Both compute through tfjs's own 2-D ops with H = 1 (the same lifting the importer does).
 */
import * as tf from '@tensorflow/tfjs';

type Initializer = ReturnType<typeof tf.initializers.zeros>;
type Shape = (number | null)[];
type ConfigDict = tf.serialization.ConfigDict;

interface ClassEntry {
  0: new (...args: never[]) => unknown;
  1: (cls: unknown, config: ConfigDict) => unknown;
}

function registered(className: string): ClassEntry | undefined {
  return (tf.serialization.SerializationMap.getMap().classNameMap as Record<string, ClassEntry>)[className];
}

/** An initializer given as an object, a serialized {className, config}, or nothing (the default). */
function toInitializer(v: unknown, fallback: () => Initializer): Initializer {
  if (v instanceof tf.serialization.Serializable) return v as Initializer;
  const spec = v as { className?: string; config?: ConfigDict } | undefined;
  const entry = spec?.className ? registered(spec.className) : undefined;
  return entry ? (entry[1](entry[0], spec!.config ?? {}) as Initializer) : fallback();
}

function serializeInitializer(i: Initializer): ConfigDict {
  return { className: i.getClassName(), config: i.getConfig() };
}

/** Applies a Keras activation by name through tfjs's own registry (relu, sigmoid, softmax, ...). */
function applyActivation(name: string, x: tf.Tensor): tf.Tensor {
  if (name === 'linear') return x;
  const entry = registered(name);
  if (!entry) throw new Error(`unknown activation '${name}'`);
  return (new entry[0]() as { apply(x: tf.Tensor): tf.Tensor }).apply(x);
}

/** (k - 1) * dilation zeros before the first time step: output t then sees inputs up to t only. */
function causalPad(x: tf.Tensor3D, kernelSize: number, dilation: number): tf.Tensor3D {
  return tf.pad(x, [
    [0, 0],
    [(kernelSize - 1) * dilation, 0],
    [0, 0],
  ]);
}

const first = (v: unknown, d: number): number => (Array.isArray(v) ? Number(v[0] ?? d) : v === undefined || v === null ? d : Number(v));

/** Output length of a 1-D window op (Keras conv_output_length). */
function convLength(len: number | null, k: number, padding: string, stride: number, dilation: number): number | null {
  if (len === null) return null;
  const span = (k - 1) * dilation + 1;
  const out = padding === 'valid' ? len - span + 1 : len;
  return Math.floor((out + stride - 1) / stride);
}

export interface SeparableConv1DArgs {
  filters: number;
  kernelSize: number | number[];
  strides?: number | number[];
  padding?: 'valid' | 'same' | 'causal';
  dilationRate?: number | number[];
  depthMultiplier?: number;
  activation?: string;
  useBias?: boolean;
  depthwiseInitializer?: unknown;
  pointwiseInitializer?: unknown;
  biasInitializer?: unknown;
  dataFormat?: string;
  name?: string;
  inputShape?: Shape;
  batchInputShape?: Shape;
  trainable?: boolean;
}

export class SeparableConv1D extends tf.layers.Layer {
  static className = 'SeparableConv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: string;
  readonly dilationRate: number;
  readonly depthMultiplier: number;
  readonly activation: string;
  readonly useBias: boolean;
  readonly dataFormat: string;
  private readonly inits: { depthwise: Initializer; pointwise: Initializer; bias: Initializer };
  private depthwiseKernel: tf.LayerVariable | null = null;
  private pointwiseKernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: SeparableConv1DArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.filters = args.filters;
    this.kernelSize = first(args.kernelSize, 1);
    this.strides = first(args.strides, 1);
    this.padding = args.padding ?? 'valid';
    this.dilationRate = first(args.dilationRate, 1);
    this.depthMultiplier = args.depthMultiplier ?? 1;
    this.activation = typeof args.activation === 'string' ? args.activation : 'linear';
    this.useBias = args.useBias !== false;
    this.dataFormat = args.dataFormat ?? 'channelsLast';
    this.inits = {
      depthwise: toInitializer(args.depthwiseInitializer, () => tf.initializers.glorotUniform({})),
      pointwise: toInitializer(args.pointwiseInitializer, () => tf.initializers.glorotUniform({})),
      bias: toInitializer(args.biasInitializer, () => tf.initializers.zeros()),
    };
  }

  override build(inputShape: Shape | Shape[]): void {
    const c = (inputShape as Shape)[2]!;
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [this.kernelSize, c, this.depthMultiplier], 'float32', this.inits.depthwise);
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, c * this.depthMultiplier, this.filters], 'float32', this.inits.pointwise);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.inits.bias);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [s[0]!, convLength(s[1]!, this.kernelSize, this.padding, this.strides, this.dilationRate), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
      let padding = this.padding as 'valid' | 'same';
      if (this.padding === 'causal') {
        x = causalPad(x, this.kernelSize, this.dilationRate);
        padding = 'valid';
      }
      const dw = this.depthwiseKernel!.read().expandDims(0) as tf.Tensor4D;
      const pw = this.pointwiseKernel!.read().expandDims(0) as tf.Tensor4D;
      let y: tf.Tensor = tf.separableConv2d(x.expandDims(1) as tf.Tensor4D, dw, pw, [1, this.strides], padding, [1, this.dilationRate]).squeeze([1]);
      if (this.bias) y = tf.add(y, this.bias.read());
      return applyActivation(this.activation, y);
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [this.kernelSize],
      strides: [this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: [this.dilationRate],
      depthMultiplier: this.depthMultiplier,
      activation: this.activation,
      useBias: this.useBias,
      depthwiseInitializer: serializeInitializer(this.inits.depthwise),
      pointwiseInitializer: serializeInitializer(this.inits.pointwise),
      biasInitializer: serializeInitializer(this.inits.bias),
    };
  }
}

export interface ZeroPadding1DArgs {
  padding?: number | [number, number];
  name?: string;
  inputShape?: Shape;
  batchInputShape?: Shape;
}

export class ZeroPadding1D extends tf.layers.Layer {
  static className = 'ZeroPadding1D';
  readonly padding: [number, number];

  constructor(args: ZeroPadding1DArgs = {}) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    const p = args.padding ?? 1;
    this.padding = Array.isArray(p) ? [Number(p[0]), Number(p[1])] : [p, p];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [s[0]!, s[1] === null ? null : s[1]! + this.padding[0] + this.padding[1], s[2]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
    return tf.pad(x, [[0, 0], this.padding, [0, 0]]);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), padding: [...this.padding] };
  }
}

export interface CausalConv1DArgs {
  filters: number;
  kernelSize: number | number[];
  dilationRate?: number | number[];
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: unknown;
  biasInitializer?: unknown;
  name?: string;
  inputShape?: Shape;
  batchInputShape?: Shape;
  trainable?: boolean;
}

/**
 * Keras's `Conv1D(padding='causal')`, which tfjs cannot run: output t sees inputs t - (k-1)d .. t
 * (left padding of (k - 1) * dilation, stride 1), so a TCN trains in tfjs. Its weights are Conv1D's
 * (kernel [K, C_IN, FILTERS], bias [FILTERS]); a Keras model.json's causal Conv1D loads as this class
 * (the importer renames it), and this class imports as a convolution with that left padding.
 */
export class CausalConv1D extends tf.layers.Layer {
  static className = 'CausalConv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly dilationRate: number;
  readonly activation: string;
  readonly useBias: boolean;
  private readonly inits: { kernel: Initializer; bias: Initializer };
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: CausalConv1DArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.filters = args.filters;
    this.kernelSize = first(args.kernelSize, 1);
    this.dilationRate = first(args.dilationRate, 1);
    this.activation = typeof args.activation === 'string' ? args.activation : 'linear';
    this.useBias = args.useBias !== false;
    this.inits = {
      kernel: toInitializer(args.kernelInitializer, () => tf.initializers.glorotUniform({})),
      bias: toInitializer(args.biasInitializer, () => tf.initializers.zeros()),
    };
  }

  override build(inputShape: Shape | Shape[]): void {
    const c = (inputShape as Shape)[2]!;
    this.kernel = this.addWeight('kernel', [this.kernelSize, c, this.filters], 'float32', this.inits.kernel);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.inits.bias);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return [s[0]!, s[1]!, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
      const padded = causalPad(x, this.kernelSize, this.dilationRate);
      const kernel = this.kernel!.read() as tf.Tensor3D;
      let y: tf.Tensor;
      if (this.dilationRate === 1) y = tf.conv1d(padded, kernel, 1, 'valid');
      else {
        // tfjs has no gradient for dilated convolutions: one 1x1 convolution per tap, on the input
        // shifted by that tap's dilation, summed (the same sum, differentiable).
        const steps = x.shape[1];
        const taps = tf.split(kernel, this.kernelSize, 0) as tf.Tensor3D[];
        y = tf.addN(taps.map((w, j) => tf.conv1d(padded.slice([0, j * this.dilationRate, 0], [-1, steps, -1]) as tf.Tensor3D, w, 1, 'valid')));
      }
      if (this.bias) y = tf.add(y, this.bias.read());
      return applyActivation(this.activation, y);
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [this.kernelSize],
      strides: [1],
      padding: 'causal',
      dilationRate: [this.dilationRate],
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.inits.kernel),
      biasInitializer: serializeInitializer(this.inits.bias),
    };
  }
}

export interface GRUResetAfterArgs {
  units: number;
  activation?: string;
  recurrentActivation?: string;
  useBias?: boolean;
  returnSequences?: boolean;
  name?: string;
  inputShape?: Shape;
  batchInputShape?: Shape;
  trainable?: boolean;
}

const ACTIVATION_ALIASES: Record<string, string> = { hard_sigmoid: 'hardSigmoid' };

/**
 * Keras's GRU with reset_after=True (the Keras 2 default; tfjs's GRUCell refuses it): the reset gate
 * multiplies the candidate's recurrent product, which has its own bias (bias row 1):
 *   z = rec(x W_z + b_z + h U_z + b'_z)   r = rec(x W_r + b_r + h U_r + b'_r)
 *   hh = act(x W_h + b_h + r . (h U_h + b'_h))   h' = z h + (1 - z) hh
 * A Keras model.json's GRU with reset_after loads as this class (the importer renames it), from zero
 * state each call; it imports as the IR's gru with resetAfter.
 */
export class GRUResetAfter extends tf.layers.Layer {
  static className = 'GRUResetAfter';
  readonly units: number;
  readonly activation: string;
  readonly recurrentActivation: string;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  private kernel: tf.LayerVariable | null = null;
  private recurrentKernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: GRUResetAfterArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.units = args.units;
    this.activation = args.activation ?? 'tanh';
    this.recurrentActivation = ACTIVATION_ALIASES[args.recurrentActivation ?? ''] ?? args.recurrentActivation ?? 'sigmoid';
    this.useBias = args.useBias !== false;
    this.returnSequences = args.returnSequences === true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const c = (inputShape as Shape)[2]!;
    const u = this.units;
    this.kernel = this.addWeight('kernel', [c, 3 * u], 'float32', tf.initializers.glorotUniform({}));
    this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', tf.initializers.orthogonal({}));
    if (this.useBias) this.bias = this.addWeight('bias', [2, 3 * u], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = inputShape as Shape;
    return this.returnSequences ? [s[0]!, s[1]!, this.units] : [s[0]!, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
      const [batch, steps, c] = x.shape;
      const u = this.units;
      const bias = this.bias ? (this.bias.read() as tf.Tensor2D) : tf.zeros([2, 3 * u]);
      const [inputBias, recurrentBias] = tf.split(bias, 2, 0).map((b) => b.reshape([3 * u]));
      const fromInput = tf.add(tf.matMul(x.reshape([batch * steps, c]), this.kernel!.read() as tf.Tensor2D), inputBias!).reshape([batch, steps, 3 * u]);
      let h: tf.Tensor = tf.zeros([batch, u]);
      const out: tf.Tensor[] = [];
      for (let t = 0; t < steps; t++) {
        const [xz, xr, xh] = tf.split(fromInput.slice([0, t, 0], [batch, 1, 3 * u]).reshape([batch, 3 * u]), 3, 1);
        const [hz, hr, hh] = tf.split(tf.add(tf.matMul(h, this.recurrentKernel!.read() as tf.Tensor2D), recurrentBias!), 3, 1);
        const z = applyActivation(this.recurrentActivation, tf.add(xz!, hz!));
        const r = applyActivation(this.recurrentActivation, tf.add(xr!, hr!));
        const candidate = applyActivation(this.activation, tf.add(xh!, tf.mul(r, hh!)));
        h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
        out.push(h);
      }
      return this.returnSequences ? tf.stack(out, 1) : h;
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      useBias: this.useBias,
      returnSequences: this.returnSequences,
      resetAfter: true,
    };
  }
}

tf.serialization.registerClass(SeparableConv1D);
tf.serialization.registerClass(ZeroPadding1D);
tf.serialization.registerClass(CausalConv1D);
tf.serialization.registerClass(GRUResetAfter);

export const causalConv1d = (args: CausalConv1DArgs): CausalConv1D => new CausalConv1D(args);

export const separableConv1d = (args: SeparableConv1DArgs): SeparableConv1D => new SeparableConv1D(args);
export const zeroPadding1d = (args: ZeroPadding1DArgs = {}): ZeroPadding1D => new ZeroPadding1D(args);
