/**
 * The convolution family's ONNX mappings.
 *
 *   Conv [N, C, T] | [N, C, H, W], weights [O, C / group, (KH,) KW]
 *     group 1 or C / k     -> conv2d { groups }     weights OIHW -> OHWI (1-D: H = 1)
 *     group C, one input channel per group -> depthwise_conv2d { multiplier O / C }
 *                                           weights [O, 1, KH, KW] -> [1, KH, KW, O] (out channel c * M + m)
 *   QLinearConv (quantized models): the same, with the node's scales and zero points
 *   ConvTranspose [N, C, T] | [N, C, H, W], weights [C, O, (KH,) KW], group 1, dilation 1
 *                        -> transpose_conv2d   weights [C_IN, C_OUT, KH, KW] -> [C_OUT, KH, KW, C_IN]
 *                        explicit pads (or VALID), strides, output_padding; output_shape and SAME
 *                        auto_pad refused (PyTorch exports explicit pads)
 *
 * Padding: explicit pads or auto_pad (SAME_UPPER puts the odd pixel after, SAME_LOWER before). The
 * activation a Relu or Clip after the Conv gave (src/import/onnx-fold.ts) is fused.
 */
import type { QuantParams } from '../../ir/graph.ts';
import type { OnnxActivation, OnnxConst, OnnxImportContext, OnnxImporter } from '../onnx-contract.ts';
import { addPermuted, attrInt, attrInts, attrString, fusedActivation, layoutOutput, qlinearConst, qlinearParams, sameQuantOf, toTensorData, window2d } from '../shared/onnx.ts';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** A 1-D kernel [O, I, KW] as [O, I, 1, KW] (same values): the IR's 1-D layers are 2-D with H = 1. */
const lift = (w: OnnxConst): OnnxConst => (w.dims.length === 3 ? { ...w, dims: [w.dims[0]!, w.dims[1]!, 1, w.dims[2]!] } : w);

/** Conv of activation `x` with constant weights and bias; `outQuant` for QLinearConv's explicit output parameters. */
export function importConv(c: OnnxImportContext, x: OnnxActivation, w: OnnxConst, bias: OnnxConst | null, outQuant?: QuantParams): void {
  const rank = x.dims.length;
  if (rank !== 3 && rank !== 4) {
    c.problem(`Conv over a rank-${rank} input: 1-D [N, C, T] and 2-D [N, C, H, W] convolutions are supported`, 'E-ONNX-SHAPE');
    return;
  }
  const [n, inC] = [x.dims[0]!, x.dims[1]!];
  if (w.dims.length !== rank) {
    c.problem(`weights [${w.dims.join(', ')}] do not match the rank-${rank} input`, 'E-ONNX-SHAPE');
    return;
  }
  const [outC, groupC] = [w.dims[0]!, w.dims[1]!];
  const kernel = w.dims.slice(2);
  const declared = attrInts(c.node, 'kernel_shape');
  if (declared && (declared.length !== kernel.length || declared.some((k, i) => k !== kernel[i]))) {
    c.problem(`kernel_shape [${declared.join(', ')}] differs from the weights' [${kernel.join(', ')}]`, 'E-ONNX-ATTR');
    return;
  }
  const group = attrInt(c.node, 'group', 1);
  if (!Number.isInteger(group) || group < 1 || inC % group !== 0 || outC % group !== 0 || groupC * group !== inC || outC < 1) {
    c.problem(`group ${group} with weights [${w.dims.join(', ')}] does not fit ${inC} input channels`, 'E-ONNX-SHAPE');
    return;
  }
  if (bias && prod(bias.dims) !== outC) {
    c.problem(`the bias holds ${prod(bias.dims)} values for ${outC} output channels`, 'E-ONNX-SHAPE');
    return;
  }
  const win = window2d(c, x.dims.slice(2), kernel);
  if (!win) return;
  const { out: spatial, ...geometry } = win;
  const attrs = { stride: geometry.stride, dilation: geometry.dilation, padding: geometry.padding, activation: fusedActivation(c.node) };
  const depthwise = group === inC && groupC === 1 && inC > 1;
  const lifted = lift(w);
  const [, , kh, kw] = lifted.dims as [number, number, number, number];
  const weights = depthwise ? addPermuted(c, 'depthwise_kernel', lifted, [1, 2, 3, 0], [1, kh, kw, outC]) : addPermuted(c, 'kernel', lifted, [0, 2, 3, 1], [outC, kh, kw, groupC]);
  const b = bias ? c.addConst('bias', [outC], toTensorData(bias.data, bias), bias.quant ? { ...bias.quant, ...(bias.quant.scale.length > 1 ? { axis: 0 } : {}) } : undefined) : -1;
  const kind = depthwise ? 'depthwise_conv2d' : 'conv2d';
  const y = c.output(0, layoutOutput([n, outC, ...spatial], 'channels-last'), kind, outQuant);
  if (depthwise) c.addOp({ kind: 'depthwise_conv2d', name: c.name, attrs: { ...attrs, depthMultiplier: outC / inC }, inputs: [x.id, weights, b], outputs: [y] });
  else c.addOp({ kind: 'conv2d', name: c.name, attrs: { ...attrs, groups: group }, inputs: [x.id, weights, b], outputs: [y] });
}

const conv: OnnxImporter = {
  inputs: [2, 3],
  import(c) {
    const x = c.activation(0, 'channels-last');
    const w = c.constant(1, 'the weights');
    const b = c.input(2) ? c.constant(2, 'the bias') : null;
    if (x && w && (b || !c.input(2))) importConv(c, x, w, b);
  },
};

/** QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B?): the file's parameters throughout. */
const qlinearConv: OnnxImporter = {
  inputs: [8, 9],
  import(c) {
    const x = c.activation(0, 'channels-last');
    const inQuant = qlinearParams(c, 1, 0, 0);
    const w = qlinearConst(c, 3, 0);
    const outQuant = qlinearParams(c, 6, 0, 0);
    const b = c.input(8) ? c.constant(8, 'the bias') : null;
    if (!x || !inQuant || !w || !outQuant || (c.input(8) && !b)) return;
    if (!sameQuantOf(c.tensor(x.id).quant, inQuant)) return c.problem("x_scale and x_zero_point differ from the input's quantization", 'E-ONNX-QUANT');
    if (b && b.dtype !== 'int32') return c.problem(`the bias is ${b.dtype}; QLinearConv takes int32`, 'E-ONNX-QUANT');
    // The bias is at x_scale * w_scale (per channel), zero point 0.
    const biasQuant = b ? { scale: w.quant!.scale.map((s) => Math.fround(inQuant.scale[0]! * s)), zeroPoint: w.quant!.scale.map(() => 0), axis: 0 } : undefined;
    importConv(c, x, w, b ? { ...b, ...(biasQuant ? { quant: biasQuant } : {}) } : null, outQuant);
  },
};

/** The IR's 2-D form of a 1-D or 2-D attribute list (H = 1 for 1-D): [h, w]. */
const hw = (v: readonly number[]) => (v.length === 1 ? { h: 1, w: v[0]! } : { h: v[0]!, w: v[1]! });

/** ConvTranspose of activation `x` with constant weights [C_IN, C_OUT, (KH,) KW] and bias. */
export function importConvTranspose(c: OnnxImportContext, x: OnnxActivation, w: OnnxConst, bias: OnnxConst | null) {
  const rank = x.dims.length;
  const r = rank - 2;
  if ((rank !== 3 && rank !== 4) || w.dims.length !== rank) {
    c.problem(`ConvTranspose over a rank-${rank} input with weights [${w.dims.join(', ')}]: 1-D [N, C, T] and 2-D [N, C, H, W] are supported`, 'E-ONNX-SHAPE');
    return;
  }
  const [n, inC] = [x.dims[0]!, x.dims[1]!];
  const [wIn, outC] = [w.dims[0]!, w.dims[1]!];
  const kernel = w.dims.slice(2);
  const n1 = (name: string) => attrInts(c.node, name);
  const group = attrInt(c.node, 'group', 1);
  if (group !== 1) return c.problem(`group ${group}: ConvTranspose is imported with group 1`, 'E-ONNX-ATTR');
  if (wIn !== inC) return c.problem(`weights [${w.dims.join(', ')}] do not match ${inC} input channels ([C_IN, C_OUT, ...])`, 'E-ONNX-SHAPE');
  const declared = n1('kernel_shape');
  if (declared && (declared.length !== r || declared.some((k, i) => k !== kernel[i])))
    return c.problem(`kernel_shape [${declared.join(', ')}] differs from the weights' [${kernel.join(', ')}]`, 'E-ONNX-ATTR');
  if (n1('output_shape')) return c.problem('output_shape is not supported: export with explicit pads and output_padding', 'E-ONNX-ATTR');
  const autoPad = attrString(c.node, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') return c.problem(`auto_pad '${autoPad}' is not supported for ConvTranspose (explicit pads or VALID)`, 'E-ONNX-ATTR');
  const strides = n1('strides') ?? new Array<number>(r).fill(1);
  const dilations = n1('dilations') ?? new Array<number>(r).fill(1);
  const pads = autoPad === 'VALID' ? new Array<number>(2 * r).fill(0) : (n1('pads') ?? new Array<number>(2 * r).fill(0));
  const outPad = n1('output_padding') ?? new Array<number>(r).fill(0);
  if (strides.length !== r || dilations.length !== r || pads.length !== 2 * r || outPad.length !== r)
    return c.problem(`strides, dilations, pads or output_padding do not match the input's ${r} spatial axes`, 'E-ONNX-ATTR');
  if (dilations.some((d) => d !== 1)) return c.problem(`dilations [${dilations.join(', ')}]: ConvTranspose is imported with dilation 1`, 'E-ONNX-ATTR');
  const ok = (v: number, lo: number) => Number.isInteger(v) && v >= lo && v <= 65535;
  if (!strides.every((v) => ok(v, 1)) || !pads.every((v) => ok(v, 0)) || !outPad.every((v, a) => ok(v, 0) && v < strides[a]!) || !kernel.every((v) => ok(v, 1)))
    return c.problem(
      `strides [${strides.join(', ')}], pads [${pads.join(', ')}] and output_padding [${outPad.join(', ')}] must be integers (strides positive, output_padding below the stride)`,
      'E-ONNX-ATTR',
    );
  const spatial = x.dims.slice(2).map((s, a) => strides[a]! * (s - 1) + outPad[a]! + kernel[a]! - pads[a]! - pads[a + r]!);
  if (spatial.some((o) => o < 1)) return c.problem(`pads [${pads.join(', ')}] leave no output`, 'E-ONNX-SHAPE');
  if (bias && prod(bias.dims) !== outC) return c.problem(`the bias holds ${prod(bias.dims)} values for ${outC} output channels`, 'E-ONNX-SHAPE');
  const padding = r === 1 ? { top: 0, bottom: 0, left: pads[0]!, right: pads[1]! } : { top: pads[0]!, left: pads[1]!, bottom: pads[2]!, right: pads[3]! };
  const lifted = lift(w);
  const [, , kh, kw] = lifted.dims as [number, number, number, number];
  const weights = addPermuted(c, 'kernel', lifted, [1, 2, 3, 0], [outC, kh, kw, inC]);
  const b = bias ? c.addConst('bias', [outC], toTensorData(bias.data, bias), bias.quant ? { ...bias.quant, ...(bias.quant.scale.length > 1 ? { axis: 0 } : {}) } : undefined) : -1;
  const y = c.output(0, layoutOutput([n, outC, ...spatial], 'channels-last'), 'transpose_conv2d');
  const attrs = { stride: hw(strides), padding, outputPadding: r === 1 ? { h: 0, w: outPad[0]! } : { h: outPad[0]!, w: outPad[1]! }, activation: fusedActivation(c.node) };
  c.addOp({ kind: 'transpose_conv2d', name: c.name, attrs, inputs: [x.id, weights, b], outputs: [y] });
}

const convTranspose: OnnxImporter = {
  inputs: [2, 3],
  import(c) {
    const x = c.activation(0, 'channels-last');
    const w = c.constant(1, 'the weights');
    const b = c.input(2) ? c.constant(2, 'the bias') : null;
    if (x && w && (b || !c.input(2))) importConvTranspose(c, x, w, b);
  },
};

export const convOnnxImporters: Record<string, OnnxImporter> = {
  Conv: conv,
  QLinearConv: qlinearConv,
  ConvTranspose: convTranspose,
};
