/**
 * The convolution family's front ends.
 *   tflite CONV_2D, DEPTHWISE_CONV_2D (padding from TFLite's own output size; groups from the filter)
 *   tfjs Conv1D, CausalConv1D (left padding (k - 1) * dilation), Conv2D, DepthwiseConv2D,
 *        SeparableConv1D/2D (depthwise + a 1x1 conv carrying the bias)
 * Weight layouts are converted to the IR's (src/ir/graph.ts): tfjs conv kernels are HWIO, the IR OHWI;
 * a depthwise kernel [KH, KW, C, MULT] is [1, KH, KW, C * MULT] with the same bytes.
 */
import type { TfjsImporter, TfjsLayerContext, TfliteImporter } from '../contract.ts';
import { addConst, appendActivation, FUSABLE, fused, hwioToOhwi, newActivation, padding2d, pair } from '../shared/tfjs.ts';

function convTflite(depthwise: boolean): TfliteImporter {
  return {
    inputs: [2, 3],
    optional: [2],
    import(c) {
      const o = c.options;
      const stride: [number, number] = [o?.int(2, 1) ?? 1, o?.int(1, 1) ?? 1];
      const dilation: [number, number] = depthwise ? [o?.int(6, 1) ?? 1, o?.int(5, 1) ?? 1] : [o?.int(5, 1) ?? 1, o?.int(4, 1) ?? 1];
      const w = c.shape(c.op.inputs[1]!);
      const inShape = c.shape(c.op.inputs[0]!);
      const padding = c.padding2d(c.isSame(0), inShape, stride, [w[1]!, w[2]!], dilation);
      const base = { stride: { h: stride[0], w: stride[1] }, dilation: { h: dilation[0], w: dilation[1] }, padding, activation: c.activation(depthwise ? 4 : 3) };
      const inputs = [c.inputs[0]!, c.inputs[1]!, c.inputs[2] ?? -1];
      if (depthwise) c.addOp({ kind: 'depthwise_conv2d', name: c.name, attrs: { ...base, depthMultiplier: o?.int(3, 1) || w[3]! / inShape[3]! }, inputs, outputs: c.outputs });
      else c.addOp({ kind: 'conv2d', name: c.name, attrs: { ...base, groups: inShape[3]! / w[3]! }, inputs, outputs: c.outputs });
    },
  };
}

function convLike(ctx: TfjsLayerContext, depthwise: boolean): number {
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

function separable(ctx: TfjsLayerContext): number {
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

const conv: TfjsImporter = {
  unsupported: (config) => (Number(config.groups ?? 1) !== 1 ? ['grouped convolution'] : []),
  convert: (ctx) => convLike(ctx, false),
};

export const convTfliteImporters: Record<string, TfliteImporter> = { CONV_2D: convTflite(false), DEPTHWISE_CONV_2D: convTflite(true) };

export const convTfjsImporters: Record<string, TfjsImporter> = {
  Conv1D: conv,
  CausalConv1D: conv,
  Conv2D: conv,
  DepthwiseConv2D: { convert: (ctx) => convLike(ctx, true) },
  SeparableConv1D: { convert: separable },
  SeparableConv2D: { convert: separable },
};
