/**
 * One converter per Keras layer class: tfjs layer (config + weights) -> float IR ops. Shapes are
 * NHWC with batch 1; a 1-D layer ([N, T, C]) becomes a 2-D op with H = 1 ([1, 1, T, C]).
 * Weight layouts are converted to the IR's (see src/ir/graph.ts):
 *
 *   Conv1D/Conv2D kernel    tfjs [KH, KW, C_IN, C_OUT] (HWIO)  ->  IR [C_OUT, KH, KW, C_IN] (OHWI), transposed
 *   DepthwiseConv2D kernel  tfjs [KH, KW, C, MULT]             ->  IR [1, KH, KW, C * MULT], same bytes
 *   SeparableConv1D/2D      depthwise as above (no bias) + pointwise as a 1x1 Conv2D (with the bias)
 *   Dense kernel            tfjs [C_IN, C_OUT]                 ->  IR [C_OUT, C_IN], transposed
 *   Flatten / Reshape       NHWC element order is tfjs's channels-last order: a reshape is an alias
 *
 * Support checks (which classes and options) are in tfjs-support.ts.
 */
import type * as tf from '@tensorflow/tfjs';
import type { GraphBuilder } from '../ir/builder.ts';
import { ACTIVATIONS, addConst, appendActivation, fused, FUSABLE, hwioToOhwi, irShape, newActivation, padding2d, pair } from '../ops/shared/tfjs.ts';

export { ACTIVATIONS, irShape };

export interface LayerContext {
  b: GraphBuilder;
  layer: tf.layers.Layer;
  config: Record<string, unknown>;
  weights: Float32Array[];
  weightShapes: number[][];
  inputs: number[];
  /** IR shape of the layer's output (batch 1, 1-D lifted to H = 1). */
  outShape: number[];
  name: string;
}

/** Adds the ops of one layer; returns the id of the tensor holding its output. */
export type LayerConverter = (ctx: LayerContext) => number;

function convLike(ctx: LayerContext, depthwise: boolean): number {
  const { config, b } = ctx;
  const x = ctx.inputs[0]!;
  const inShape = b.tensor(x).shape;
  const is1d = ctx.layer.getClassName().endsWith('1D');
  const k = pair(config.kernelSize, is1d);
  const stride = pair(config.strides ?? 1, is1d);
  const dil = pair(config.dilationRate ?? 1, is1d);
  const [, outH, outW] = ctx.outShape;
  const padding = padding2d(config.padding, inShape[1]!, inShape[2]!, outH!, outW!, stride, k, dil);
  const attrs = { stride: { h: stride[0]!, w: stride[1]! }, dilation: { h: dil[0]!, w: dil[1]! }, padding };
  const useBias = config.useBias !== false;
  const activation = String(config.activation ?? 'linear');
  const kernel = ctx.weights[0]!;
  const ks = ctx.weightShapes[0]!;
  const inC = inShape[3]!;
  let out: number;
  if (depthwise) {
    const mult = ks[ks.length - 1]!;
    const w = addConst(ctx, 'depthwise_kernel', [1, k[0]!, k[1]!, inC * mult], kernel);
    const bias = useBias ? addConst(ctx, 'bias', [inC * mult], ctx.weights[1]!) : -1;
    out = newActivation(ctx, activation in FUSABLE ? '' : 'pre_activation', ctx.outShape);
    b.addOp({ kind: 'depthwise_conv2d', name: ctx.name, attrs: { ...attrs, activation: fused(activation), depthMultiplier: mult }, inputs: [x, w, bias], outputs: [out] });
  } else {
    const outC = ks[ks.length - 1]!;
    const w = addConst(ctx, 'kernel', [outC, k[0]!, k[1]!, inC], hwioToOhwi(kernel, k[0]! * k[1]!, inC, outC));
    const bias = useBias ? addConst(ctx, 'bias', [outC], ctx.weights[1]!) : -1;
    out = newActivation(ctx, activation in FUSABLE ? '' : 'pre_activation', ctx.outShape);
    b.addOp({ kind: 'conv2d', name: ctx.name, attrs: { ...attrs, activation: fused(activation), groups: 1 }, inputs: [x, w, bias], outputs: [out] });
  }
  return appendActivation(ctx, out, activation);
}

function separable(ctx: LayerContext): number {
  const { config, b } = ctx;
  const x = ctx.inputs[0]!;
  const inShape = b.tensor(x).shape;
  const is1d = ctx.layer.getClassName().endsWith('1D');
  const k = pair(config.kernelSize, is1d);
  const stride = pair(config.strides ?? 1, is1d);
  const dil = pair(config.dilationRate ?? 1, is1d);
  const [, outH, outW, outC] = ctx.outShape;
  const inC = inShape[3]!;
  const mult = ctx.weightShapes[0]![ctx.weightShapes[0]!.length - 1]!;
  const padding = padding2d(config.padding, inShape[1]!, inShape[2]!, outH!, outW!, stride, k, dil);
  const dw = addConst(ctx, 'depthwise_kernel', [1, k[0]!, k[1]!, inC * mult], ctx.weights[0]!);
  const mid = b.addTensor({ name: `${ctx.name}/depthwise`, shape: [1, outH!, outW!, inC * mult], dtype: 'float32' });
  b.addOp({
    kind: 'depthwise_conv2d',
    name: `${ctx.name}/depthwise`,
    attrs: { stride: { h: stride[0]!, w: stride[1]! }, dilation: { h: dil[0]!, w: dil[1]! }, padding, activation: 'none', depthMultiplier: mult },
    inputs: [x, dw, -1],
    outputs: [mid],
  });
  const pw = addConst(ctx, 'pointwise_kernel', [outC!, 1, 1, inC * mult], hwioToOhwi(ctx.weights[1]!, 1, inC * mult, outC!));
  const useBias = config.useBias !== false;
  const bias = useBias ? addConst(ctx, 'bias', [outC!], ctx.weights[2]!) : -1;
  const activation = String(config.activation ?? 'linear');
  const out = newActivation(ctx, activation in FUSABLE ? '' : 'pre_activation', ctx.outShape);
  b.addOp({
    kind: 'conv2d',
    name: `${ctx.name}/pointwise`,
    attrs: { stride: { h: 1, w: 1 }, dilation: { h: 1, w: 1 }, padding: { top: 0, bottom: 0, left: 0, right: 0 }, activation: fused(activation), groups: 1 },
    inputs: [mid, pw, bias],
    outputs: [out],
  });
  return appendActivation(ctx, out, activation);
}

function dense(ctx: LayerContext): number {
  const { config, b } = ctx;
  const [inC, outC] = ctx.weightShapes[0]!;
  const w = new Float32Array(inC! * outC!);
  const k = ctx.weights[0]!;
  for (let i = 0; i < inC!; i++) for (let o = 0; o < outC!; o++) w[o * inC! + i] = k[i * outC! + o]!;
  const wt = addConst(ctx, 'kernel', [outC!, inC!], w);
  const bias = config.useBias !== false ? addConst(ctx, 'bias', [outC!], ctx.weights[1]!) : -1;
  const activation = String(config.activation ?? 'linear');
  const out = newActivation(ctx, activation in FUSABLE ? '' : 'pre_activation', ctx.outShape);
  b.addOp({ kind: 'fully_connected', name: ctx.name, attrs: { activation: fused(activation) }, inputs: [ctx.inputs[0]!, wt, bias], outputs: [out] });
  return appendActivation(ctx, out, activation);
}

function pooling(ctx: LayerContext, kind: 'max_pool2d' | 'avg_pool2d'): number {
  const { config, b } = ctx;
  const x = ctx.inputs[0]!;
  const inShape = b.tensor(x).shape;
  const is1d = ctx.layer.getClassName().endsWith('1D');
  const k = pair(config.poolSize, is1d);
  const stride = pair(config.strides ?? config.poolSize, is1d);
  const [, outH, outW] = ctx.outShape;
  const padding = padding2d(config.padding, inShape[1]!, inShape[2]!, outH!, outW!, stride, k, [1, 1]);
  const out = newActivation(ctx, '', ctx.outShape);
  b.addOp({ kind, name: ctx.name, attrs: { filter: { h: k[0]!, w: k[1]! }, stride: { h: stride[0]!, w: stride[1]! }, padding, activation: 'none' }, inputs: [x], outputs: [out] });
  return out;
}

function globalPool(ctx: LayerContext, max: boolean): number {
  const x = ctx.inputs[0]!;
  const [, h, w] = ctx.b.tensor(x).shape;
  const out = newActivation(ctx, '', ctx.outShape);
  if (max) {
    const none = { top: 0, bottom: 0, left: 0, right: 0 };
    ctx.b.addOp({ kind: 'max_pool2d', name: ctx.name, attrs: { filter: { h: h!, w: w! }, stride: { h: 1, w: 1 }, padding: none, activation: 'none' }, inputs: [x], outputs: [out] });
  } else {
    ctx.b.addOp({ kind: 'mean_hw', name: ctx.name, attrs: {}, inputs: [x], outputs: [out] });
  }
  return out;
}

function reshape(ctx: LayerContext): number {
  const out = newActivation(ctx, '', ctx.outShape);
  ctx.b.addOp({ kind: 'reshape', name: ctx.name, attrs: { shape: ctx.outShape }, inputs: [ctx.inputs[0]!], outputs: [out] });
  return out;
}

function activationLayer(ctx: LayerContext, activation: string, max?: number): number {
  const x = ctx.inputs[0]!;
  if (activation === 'linear') return x;
  if (activation === 'relu' || activation === 'relu6') {
    const out = newActivation(ctx, '', ctx.outShape);
    const cap = activation === 'relu6' ? 6 : max;
    ctx.b.addOp({ kind: 'relu', name: ctx.name, attrs: cap === undefined ? {} : { max: cap }, inputs: [x], outputs: [out] });
    return out;
  }
  return appendActivation({ ...ctx, name: ctx.name }, x, activation);
}

function batchNorm(ctx: LayerContext): number {
  const { config } = ctx;
  const C = ctx.b.tensor(ctx.inputs[0]!).shape.at(-1)!;
  let i = 0;
  const gamma = config.scale !== false ? ctx.weights[i++]! : new Float32Array(C).fill(1);
  const beta = config.center !== false ? ctx.weights[i++]! : new Float32Array(C);
  const mean = ctx.weights[i++]!;
  const variance = ctx.weights[i++]!;
  const ids = [gamma, beta, mean, variance].map((d, k) => addConst(ctx, ['gamma', 'beta', 'moving_mean', 'moving_variance'][k]!, [C], d));
  const out = newActivation(ctx, '', ctx.outShape);
  ctx.b.addOp({ kind: 'batch_norm', name: ctx.name, attrs: { epsilon: Number(config.epsilon ?? 1e-3) }, inputs: [ctx.inputs[0]!, ...ids], outputs: [out] });
  return out;
}

function add(ctx: LayerContext): number {
  let acc = ctx.inputs[0]!;
  for (let i = 1; i < ctx.inputs.length; i++) {
    const out = newActivation(ctx, i === ctx.inputs.length - 1 ? '' : `partial${i}`, ctx.outShape);
    ctx.b.addOp({ kind: 'add', name: ctx.inputs.length > 2 ? `${ctx.name}/${i}` : ctx.name, attrs: { activation: 'none' }, inputs: [acc, ctx.inputs[i]!], outputs: [out] });
    acc = out;
  }
  return acc;
}

function concatenate(ctx: LayerContext): number {
  const rank = ctx.layer.outputShape.length as number;
  const axis = Number(ctx.config.axis ?? -1);
  // A negative axis counts from the channel end and survives lifting 1-D shapes to 2-D.
  const negative = axis < 0 ? axis : axis - rank;
  const out = newActivation(ctx, '', ctx.outShape);
  ctx.b.addOp({ kind: 'concat', name: ctx.name, attrs: { axis: negative, activation: 'none' }, inputs: ctx.inputs, outputs: [out] });
  return out;
}


export const LAYER_CONVERTERS: Record<string, LayerConverter> = {
  Conv1D: (c) => convLike(c, false),
  Conv2D: (c) => convLike(c, false),
  DepthwiseConv2D: (c) => convLike(c, true),
  SeparableConv1D: separable,
  SeparableConv2D: separable,
  Dense: dense,
  BatchNormalization: batchNorm,
  Activation: (c) => activationLayer(c, String(c.config.activation)),
  ReLU: (c) => activationLayer(c, 'relu', c.config.maxValue === null || c.config.maxValue === undefined ? undefined : Number(c.config.maxValue)),
  Softmax: (c) => activationLayer(c, 'softmax'),
  MaxPooling1D: (c) => pooling(c, 'max_pool2d'),
  MaxPooling2D: (c) => pooling(c, 'max_pool2d'),
  AveragePooling1D: (c) => pooling(c, 'avg_pool2d'),
  AveragePooling2D: (c) => pooling(c, 'avg_pool2d'),
  GlobalAveragePooling1D: (c) => globalPool(c, false),
  GlobalAveragePooling2D: (c) => globalPool(c, false),
  GlobalMaxPooling1D: (c) => globalPool(c, true),
  GlobalMaxPooling2D: (c) => globalPool(c, true),
  Flatten: reshape,
  Reshape: reshape,
  // Identity at inference: the layer's readers read its input.
  Dropout: (c) => c.inputs[0]!,
  SpatialDropout1D: (c) => c.inputs[0]!,
  GaussianNoise: (c) => c.inputs[0]!,
  GaussianDropout: (c) => c.inputs[0]!,
  AlphaDropout: (c) => c.inputs[0]!,
  // Quantization-aware training's fake quantization: identity here; its learned range goes to the
  // quantizer (collected by the importer from the layer configs).
  EdgecFakeQuant: (c) => c.inputs[0]!,
  Add: add,
  Concatenate: concatenate,
};
