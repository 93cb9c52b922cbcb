/**
 * The IR: plain, typed, immutable data. One graph type serves both stages of the pipeline:
 *
 *   float graph  (import, passes)   tensors dtype float32, no quant params
 *   int8 graph   (quantize onward)  activations int8/int16 with quant params, weights int8, bias int32
 *
 * Layout conventions (NHWC everywhere; a 1-D layer is 2-D with H = 1):
 *   conv2d weights            [C_OUT, KH, KW, C_IN / groups]   (OHWI)
 *   depthwise_conv2d weights  [1, KH, KW, C_IN * multiplier]   (out channel = in * multiplier + m)
 *   fully_connected weights   [C_OUT, C_IN]
 * A pass never mutates a graph: it returns a new one (see src/passes).
 */
import type { Preprocessing } from '../formats/preprocessing.ts';

export type { Preprocessing };

export type DType = 'float32' | 'int8' | 'int16' | 'int32' | 'int64';

/** int64 constants (16x8 biases) are held as Float64Array: exact integers, |v| <= 2^53 (the importer refuses others). */
export type TensorData = Float32Array | Int8Array | Int16Array | Int32Array | Float64Array;

/** Affine quantization: real = scale[i] * (q - zeroPoint[i]); one entry, or one per `axis` index. */
export interface QuantParams {
  scale: readonly number[];
  zeroPoint: readonly number[];
  axis?: number;
}

export interface Tensor {
  readonly id: number;
  readonly name: string;
  /** Activations: [N, H, W, C] or [N, C]; constants: their layout above. */
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly quant?: QuantParams;
  /** Present for constants (weights, biases); activations have none. */
  readonly data?: TensorData;
  /**
   * State kept across invokes (TFLite variable tensors: LSTM hidden and cell state). Not planned in
   * the arena; reset to its zero point by `<model>_reset()`.
   */
  readonly variable?: boolean;
}

export type Activation = 'none' | 'relu' | 'relu6';

export interface Padding2d {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface Conv2dAttrs {
  stride: { h: number; w: number };
  dilation: { h: number; w: number };
  padding: Padding2d;
  activation: Activation;
  groups: number;
}

export interface DepthwiseAttrs extends Omit<Conv2dAttrs, 'groups'> {
  depthMultiplier: number;
}

export interface PoolAttrs {
  filter: { h: number; w: number };
  stride: { h: number; w: number };
  padding: Padding2d;
  activation: Activation;
}

/**
 * Op kinds and their attributes. Each operator family declares its own (src/ops/<family>, its
 * `...Ops` interface) and the ops registry merges them into this interface (declaration merging), so
 * a new op is local to its family and the IR imports nothing above it.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the ops registry's module augmentation
export interface OpKinds {}

/** Every op kind with its attributes. Inputs/outputs are tensor ids. */
export type OpAttrs = { [K in keyof OpKinds]: { kind: K; attrs: OpKinds[K] } }[keyof OpKinds];

export type OpKind = OpAttrs['kind'];

export type Op = OpAttrs & {
  readonly id: number;
  /** The layer this op came from (for diagnostics, reports and first-divergence search). */
  readonly name: string;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
};

export interface GraphMeta {
  /** Where the model came from (file path or description). */
  source: string;
  /** Class labels of the output, when known. */
  labels?: readonly string[];
  preprocessing?: Preprocessing;
  /**
   * The original model takes float input and/or gives float output through QUANTIZE/DEQUANTIZE at its
   * edges; the compiled model is int8 end to end and the application converts with these parameters.
   */
  floatBoundary?: { input?: { scale: number; zeroPoint: number }; output?: { scale: number; zeroPoint: number } };
  /**
   * Activation ranges learned by quantization-aware training, by tensor name; the quantizer uses them
   * instead of calibration for those tensors.
   */
  activationRanges?: Readonly<Record<string, readonly [number, number]>>;
}

export interface Graph {
  readonly name: string;
  readonly tensors: readonly Tensor[];
  /** Topologically ordered. */
  readonly ops: readonly Op[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly meta: GraphMeta;
}

export function tensorSize(t: Pick<Tensor, 'shape'>): number {
  return t.shape.reduce((a, b) => a * b, 1);
}

export function dtypeBytes(d: DType): number {
  switch (d) {
    case 'int8':
      return 1;
    case 'int16':
      return 2;
    case 'float32':
    case 'int32':
      return 4;
    case 'int64':
      return 8;
  }
}

export function tensorBytes(t: Pick<Tensor, 'shape' | 'dtype'>): number {
  return tensorSize(t) * dtypeBytes(t.dtype);
}
