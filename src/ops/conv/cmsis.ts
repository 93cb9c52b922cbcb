/**
 * The convolution family's CMSIS-NN calls. For models the kernel CMSIS-NN's wrapper would choose is
 * called directly (the shapes are known at compile time and the linker keeps only the kernels used);
 * per path, layers whose portable kernel was measured faster keep it (`portableIsFaster`, each rule
 * with its reason; `npm run bench` measures each choice (its kernel-choices table)). Scratch sizes are computed here per path and checked against CMSIS-NN's own
 * size functions in builds that define EDGEC_CHECK_SCRATCH.
 *
 * Conventions (design.md §4): cmsis_nn_tile is {w, h}; input_offset = -zp_in, output_offset = +zp_out.
 */
import {
  convS16BufferSize,
  convS4BufferSize,
  convS8BufferSize,
  convS8GenericBufferSize,
  convWrapperKernel,
  depthwiseOptS8BufferSize,
  depthwiseS16BufferSize,
  depthwiseS4BufferSize,
  depthwiseS8BufferSize,
  depthwiseWrapperKernel,
  mve1xNReadsPastInput,
  mve1xNRefusesPadding,
  transposeConvS8BufferSizes,
  type ConvGeometry,
  type ConvKernel,
  type DepthwiseKernel,
} from '../shared/cmsis-buffer-sizes.ts';
import type { CmsisEmitContext, CmsisEmitter, CmsisPath, Emitted, Named, StepScratch } from '../contract.ts';
import { as, CMSIS_PATHS, cmsisDims, cmsisRange, cmsisScratchLines, cmsisTile } from '../shared/emit.ts';
import type { ConvS16Step, ConvStep, DepthwiseS16Step, DepthwiseStep, TransposeConvStep } from './steps.ts';

const sizesOf = (f: (path: CmsisPath) => number) => CMSIS_PATHS.map(f);

type Geometry = ConvStep | DepthwiseStep | ConvS16Step | DepthwiseS16Step | TransposeConvStep;

function geometry(s: Geometry): ConvGeometry {
  return { stride: s.stride, padding: s.padding, dilation: s.dilation, inputDims: s.inputDims, filterDims: s.filterDims, outputDims: s.outputDims };
}

function perChannelQuant(s: Geometry & Named, ctx: CmsisEmitContext): string {
  const m = ctx.constArray('multiplier', 'int32_t', s.multiplier, s.op.name);
  const sh = ctx.constArray('shift', 'int32_t', s.shift, s.op.name);
  return ctx.constStruct('quant', 'cmsis_nn_per_channel_quant_params', `{ .multiplier = (int32_t *)${m}, .shift = (int32_t *)${sh} }`, s.op.name);
}

const bias = (id: number, layer: string, ctx: CmsisEmitContext) => (id < 0 ? 'NULL' : ctx.tensor(id, layer));

/** The four dims structs every CMSIS-NN convolution takes (bias dims: one per output channel). */
function allDims(s: Geometry & Named, ctx: CmsisEmitContext) {
  const n = s.op.name;
  return {
    i: cmsisDims(ctx, 'input_dims', s.inputDims, n),
    f: cmsisDims(ctx, 'filter_dims', s.filterDims, n),
    b: cmsisDims(ctx, 'bias_dims', { n: 1, h: 1, w: 1, c: s.outputDims.c }, n),
    o: cmsisDims(ctx, 'output_dims', s.outputDims, n),
  };
}

const convParams = (s: Geometry) =>
  `{ .input_offset = ${s.inputOffset}, .output_offset = ${s.outputOffset}, .stride = ${cmsisTile(s.stride)}, .padding = ${cmsisTile(s.padding)}, .dilation = ${cmsisTile(s.dilation)}, .activation = ${cmsisRange(s.activation)} }`;
const dwParams = (s: DepthwiseStep | DepthwiseS16Step) =>
  `{ .input_offset = ${s.inputOffset}, .output_offset = ${s.outputOffset}, .ch_mult = ${s.chMult}, .stride = ${cmsisTile(s.stride)}, .padding = ${cmsisTile(s.padding)}, .dilation = ${cmsisTile(s.dilation)}, .activation = ${cmsisRange(s.activation)} }`;

function finish(kernel: string, c: { lines: string[] }, call: string): Emitted {
  return { kernel, lines: [...c.lines, `    status = (int32_t)${call};`, '}'] };
}

const CONV_FUNCTIONS: Record<ConvKernel, string> = {
  '1x1_fast': 'arm_convolve_1x1_s8_fast',
  '1x1': 'arm_convolve_1x1_s8',
  '1_x_n': 'arm_convolve_1_x_n_s8',
  generic: 'arm_convolve_s8',
};

/** The conv kernel for a step: the wrapper's choice, except that grouped convolutions (which only
 * arm_convolve_s8 supports) and MVE 1xN convolutions whose kernel would read past its input or refuses
 * their padding use the generic kernel. The folder's path decides, and a host build of the folder makes the same call. */
function convKernel(s: ConvStep, path: CmsisPath): ConvKernel {
  if (s.groups > 1 || (path === 'mve' && (mve1xNReadsPastInput(geometry(s)) || mve1xNRefusesPadding(geometry(s))))) return 'generic';
  return convWrapperKernel(geometry(s));
}

/** Scratch of one conv kernel on one path (what its own `*_get_buffer_size` returns there). */
function convKernelScratch(s: ConvStep, kernel: ConvKernel, path: CmsisPath): number {
  if (kernel === 'generic') return convS8GenericBufferSize(path, s.inputDims, s.filterDims);
  return convS8BufferSize(path, geometry(s));
}

function depthwiseKernelScratch(s: DepthwiseStep, kernel: DepthwiseKernel, path: CmsisPath): number {
  if (kernel === 'to_conv') return depthwiseS8BufferSize(path, geometry(s));
  return kernel === 'opt' ? depthwiseOptS8BufferSize(path, geometry(s)) : 0;
}

/** Packed int4 weights (the suite's s8w4 cases): CMSIS-NN's s4 wrappers. */
function int4Call(s: (ConvStep | DepthwiseStep) & Named, ctx: CmsisEmitContext, scratch: StepScratch): Emitted {
  const n = s.op.name;
  const dw = s.kind === 'depthwise_s8';
  const params = ctx.constStruct('params', dw ? 'cmsis_nn_dw_conv_params' : 'cmsis_nn_conv_params', dw ? dwParams(s as DepthwiseStep) : convParams(s), n);
  const d = allDims(s, ctx);
  const fn = dw ? 'arm_depthwise_conv_wrapper_s4' : 'arm_convolve_wrapper_s4';
  const sizes = sizesOf((p) => (dw ? depthwiseS4BufferSize : convS4BufferSize)(p, geometry(s)));
  const c = cmsisScratchLines(scratch, sizes, `${fn}_get_buffer_size(&${params}, &${d.i}, &${d.f}, &${d.o})`);
  return finish(
    fn,
    c,
    `${fn}(&${c.name}, &${params}, &${perChannelQuant(s, ctx)}, &${d.i}, ${ctx.tensor(s.input, n)}, &${d.f}, ${ctx.tensor(s.weights, n)}, &${d.b}, ${bias(s.bias, n, ctx)}, &${d.o}, ${ctx.tensor(s.output, n)})`,
  );
}

export const convCmsis: CmsisEmitter<ConvStep> = {
  // On the DSP path the portable folded convolution (receptive field as one vector, four filter rows
  // per pass) beats arm_convolve_s8 and arm_convolve_1_x_n_s8; CMSIS-NN's 1x1 kernels stay ahead and
  // keep their layers. `npm run bench` measures each choice (its kernel-choices table).
  portableIsFaster: (s, path) => path === 'dsp' && s.groups === 1 && ['generic', '1_x_n'].includes(convKernel(s, path)),
  scratch: (s, path) => (s.int4 ? convS4BufferSize(path, geometry(s)) : convKernelScratch(s, convKernel(s, path), path)),
  emit(s, ctx, scratch) {
    if (s.int4) return int4Call(s, ctx, scratch);
    const n = s.op.name;
    const params = ctx.constStruct('params', 'cmsis_nn_conv_params', convParams(s), n);
    const { i, f, b, o } = allDims(s, ctx);
    // The kernel arm_convolve_wrapper_s8 would choose, called directly: the shapes are known now, and
    // the linker keeps only the kernels the model uses.
    const kernel = convKernel(s, ctx.path);
    const fn = CONV_FUNCTIONS[kernel];
    const asked = {
      '1x1_fast': `arm_convolve_1x1_s8_fast_get_buffer_size(&${i})`,
      '1x1': null,
      '1_x_n': `arm_convolve_1_x_n_s8_get_buffer_size(&${params}, &${i}, &${f}, &${o})`,
      generic: `arm_convolve_s8_get_buffer_size(&${i}, &${f})`,
    }[kernel];
    const c = cmsisScratchLines(
      scratch,
      sizesOf((p) => convKernelScratch(s, kernel, p)),
      asked,
    );
    const upscale = kernel === 'generic' ? ' NULL,' : ''; // arm_convolve_s8: not a transposed convolution
    return finish(
      fn,
      c,
      `${fn}(&${c.name}, &${params}, &${perChannelQuant(s, ctx)}, &${i}, ${ctx.tensor(s.input, n)}, &${f}, ${ctx.tensor(s.weights, n)}, &${b}, ${bias(s.bias, n, ctx)},${upscale} &${o}, ${ctx.tensor(s.output, n)})`,
    );
  },
};

export const depthwiseCmsis: CmsisEmitter<DepthwiseStep> = {
  // On the DSP path the portable folded kernel runs one-input-channel layers as a convolution with a
  // compile-time transposed filter, and multiplier-1 layers four channels at a time, ahead of
  // arm_depthwise_conv_s8_opt; CMSIS-NN's 3x3 kernel stays ahead. `npm run bench` measures each choice (its kernel-choices table).
  portableIsFaster: (s, path) => path === 'dsp' && (s.inputDims.c === 1 || (s.chMult === 1 && depthwiseWrapperKernel(path, geometry(s), s.chMult) !== '3x3')),
  scratch: (s, path) => (s.int4 ? depthwiseS4BufferSize(path, geometry(s)) : depthwiseKernelScratch(s, depthwiseWrapperKernel(path, geometry(s), s.chMult), path)),
  emit(s, ctx, scratch) {
    if (s.int4) return int4Call(s, ctx, scratch);
    const n = s.op.name;
    const params = ctx.constStruct('params', 'cmsis_nn_dw_conv_params', dwParams(s), n);
    const { i, f, b, o } = allDims(s, ctx);
    // As for conv: the kernel the wrapper would choose on this path, called directly (MVE's
    // one-input-channel conversion to a conv is internal to the wrapper, so that case keeps it).
    const kernel = depthwiseWrapperKernel(ctx.path, geometry(s), s.chMult);
    const fn = { to_conv: 'arm_depthwise_conv_wrapper_s8', '3x3': 'arm_depthwise_conv_3x3_s8', opt: 'arm_depthwise_conv_s8_opt', generic: 'arm_depthwise_conv_s8' }[kernel];
    const asked = {
      to_conv: `arm_depthwise_conv_wrapper_s8_get_buffer_size(&${params}, &${i}, &${f}, &${o})`,
      '3x3': null,
      opt: `arm_depthwise_conv_s8_opt_get_buffer_size(&${i}, &${f})`,
      generic: null,
    }[kernel];
    const c = cmsisScratchLines(
      scratch,
      sizesOf((p) => depthwiseKernelScratch(s, kernel, p)),
      asked,
    );
    return finish(
      fn,
      c,
      `${fn}(&${c.name}, &${params}, &${perChannelQuant(s, ctx)}, &${i}, ${ctx.tensor(s.input, n)}, &${f}, ${ctx.tensor(s.weights, n)}, &${b}, ${bias(s.bias, n, ctx)}, &${o}, ${ctx.tensor(s.output, n)})`,
    );
  },
};

/**
 * 16x8 models carry int32 biases; with them arm_convolve_wrapper_s16 was measured to differ from the
 * TFLite reference (an HAR model's first layer, one input in 30, Cortex-M4 DSP path), so those run on
 * the portable kernel; int64-bias convolutions (.tflite files, the suite) call CMSIS-NN.
 */
const int64Bias = (s: { biasIs32: boolean }) => !s.biasIs32;

export const convS16Cmsis: CmsisEmitter<ConvS16Step> = {
  supports: int64Bias,
  scratch: (s, path) => convS16BufferSize(path, geometry(s)),
  emit(s, ctx, scratch) {
    const n = s.op.name;
    const params = ctx.constStruct('params', 'cmsis_nn_conv_params', convParams(s), n);
    const { i, f, b, o } = allDims(s, ctx);
    const biasData = ctx.constStruct('bias_data', 'cmsis_nn_bias_data', `{ .data = ${bias(s.bias, n, ctx)}, .is_int32_bias = ${s.biasIs32 ? 'true' : 'false'} }`, n);
    const c = cmsisScratchLines(
      scratch,
      sizesOf((p) => convS16BufferSize(p, geometry(s))),
      `arm_convolve_wrapper_s16_get_buffer_size(&${params}, &${i}, &${f}, &${o})`,
    );
    return finish(
      'arm_convolve_wrapper_s16',
      c,
      `arm_convolve_wrapper_s16(&${c.name}, &${params}, &${perChannelQuant(s, ctx)}, &${i}, ${as('int16_t', ctx.tensor(s.input, n))}, &${f}, ${ctx.tensor(s.weights, n)}, &${b}, &${biasData}, &${o}, ${as('int16_t', ctx.tensor(s.output, n))})`,
    );
  },
};

export const depthwiseS16Cmsis: CmsisEmitter<DepthwiseS16Step> = {
  supports: int64Bias,
  scratch: (s, path) => depthwiseS16BufferSize(path, geometry(s), s.chMult),
  emit(s, ctx, scratch) {
    if (s.bias >= 0 && s.biasIs32) throw new Error('arm_depthwise_conv_wrapper_s16 takes int64 bias only');
    const n = s.op.name;
    const params = ctx.constStruct('params', 'cmsis_nn_dw_conv_params', dwParams(s), n);
    const { i, f, b, o } = allDims(s, ctx);
    const c = cmsisScratchLines(
      scratch,
      sizesOf((p) => depthwiseS16BufferSize(p, geometry(s), s.chMult)),
      `arm_depthwise_conv_wrapper_s16_get_buffer_size(&${params}, &${i}, &${f}, &${o})`,
    );
    return finish(
      'arm_depthwise_conv_wrapper_s16',
      c,
      `arm_depthwise_conv_wrapper_s16(&${c.name}, &${params}, &${perChannelQuant(s, ctx)}, &${i}, ${as('int16_t', ctx.tensor(s.input, n))}, &${f}, ${ctx.tensor(s.weights, n)}, &${b}, ${bias(s.bias, n, ctx)}, &${o}, ${as('int16_t', ctx.tensor(s.output, n))})`,
    );
  },
};

/** Scratch for arm_transpose_conv_wrapper_s8: its buffer, then its reverse-conv buffer (8-aligned). */
const align8 = (n: number) => Math.ceil(n / 8) * 8;

export const transposeConvCmsis: CmsisEmitter<TransposeConvStep> = {
  // ONNX pads may be any (CMSIS-NN's wrapper takes TFLite's form: bottom = top + padding offset 0 or 1),
  // and no model has run it yet against the portable kernel: models keep the portable kernel.
  conformanceOnly: 'models keep the portable kernel: CMSIS-NN takes only TFLite-form padding, unverified on a model',
  scratch(s, path) {
    const z = transposeConvS8BufferSizes(path, s.stride, s.inputDims, s.filterDims, s.outputDims);
    return align8(z.buffer) + z.reverseConv;
  },
  emit(s, ctx, scratch) {
    const n = s.op.name;
    const params = ctx.constStruct(
      'params',
      'cmsis_nn_transpose_conv_params',
      `{ .input_offset = ${s.inputOffset}, .output_offset = ${s.outputOffset}, .stride = ${cmsisTile(s.stride)}, .padding = ${cmsisTile(s.padding)}, .padding_offsets = ${cmsisTile(s.paddingOffsets)}, .dilation = ${cmsisTile(s.dilation)}, .activation = ${cmsisRange(s.activation)} }`,
      n,
    );
    const { i, f, b, o } = allDims(s, ctx);
    const z = transposeConvS8BufferSizes(ctx.path, s.stride, s.inputDims, s.filterDims, s.outputDims);
    const sizes = CMSIS_PATHS.map((p) => transposeConvS8BufferSizes(p, s.stride, s.inputDims, s.filterDims, s.outputDims));
    const lines = [
      '#if defined(EDGEC_CHECK_SCRATCH)',
      `    if (arm_transpose_conv_s8_get_buffer_size(&${params}, &${i}, &${f}, &${o}) != EDGEC_CMSIS_NN_PICK(${sizes.map((x) => x.buffer).join(', ')})`,
      `        || arm_transpose_conv_s8_get_reverse_conv_buffer_size(&${params}, &${i}, &${f}) != EDGEC_CMSIS_NN_PICK(${sizes.map((x) => x.reverseConv).join(', ')})) {`,
      '        return EDGEC_STATUS_SCRATCH;',
      '    }',
      '#endif',
      '{',
      `    const cmsis_nn_context cmsis_ctx = { .buf = ${z.buffer > 0 ? scratch.ptr : 'NULL'}, .size = ${z.buffer} };`,
      `    const cmsis_nn_context reverse_ctx = { .buf = ${z.reverseConv > 0 ? `${scratch.ptr} + ${align8(z.buffer)}` : 'NULL'}, .size = ${z.reverseConv} };`,
    ];
    return finish(
      'arm_transpose_conv_wrapper_s8',
      { lines },
      `arm_transpose_conv_wrapper_s8(&cmsis_ctx, &reverse_ctx, &${params}, &${perChannelQuant(s, ctx)}, &${i}, ${ctx.tensor(s.input, n)}, &${f}, ${ctx.tensor(s.weights, n)}, &${b}, ${bias(s.bias, n, ctx)}, &${o}, ${ctx.tensor(s.output, n)})`,
    );
  },
};
