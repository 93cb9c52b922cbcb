/**
 * The cmsis-nn backend's kernel table: lowered steps that CMSIS-NN implements become calls into it,
 * with its parameter structs as `const` data computed here and its scratch buffers placed in the
 * arena by the planner. Steps without an entry fall back to the portable kernels (see
 * emit-steps.ts), and the manifest records which library ran each layer.
 *
 * Conventions (design.md §4): cmsis_nn_tile is {w, h}; input_offset = -zp_in, output_offset = +zp_out;
 * fully connected filter_dims are {n = accum depth, c = output depth}.
 */
import type { Dims, Tile, ActivationRange } from '../../kernels/types.ts';
import type { ConvStep, DepthwiseStep, FullyConnectedStep, PoolStep, Step, SvdfStep } from '../lower.ts';
import type { EmitContext } from '../portable/kernels.ts';
import {
  avgPoolBufferSize,
  convS8BufferSize,
  convS8GenericBufferSize,
  convWrapperKernel,
  depthwiseOptS8BufferSize,
  depthwiseS8BufferSize,
  depthwiseWrapperKernel,
  fullyConnectedS8BufferSize,
  mve1xNReadsPastInput,
  svdfS8BufferSize,
  type CmsisPath,
  type ConvGeometry,
  type ConvKernel,
  type DepthwiseKernel,
} from './buffer-sizes.ts';
import { vectorSumS8 } from '../kernel-sums.ts';
import { lstmParamsInit } from '../lstm-fields.ts';
import { stepDef } from '../../ops/registry.ts';

export const CMSIS_NN_PATHS: readonly CmsisPath[] = ['plain', 'dsp', 'mve'];

/** The arena scratch of one step: where it is and how big (bytes = the most any supported path needs). */
export interface StepScratch {
  ptr: string;
  bytes: number;
}

export interface CmsisEmitContext extends EmitContext {
  /** The code path the folder is compiled for (sizes, MVE kernel sums). */
  path: CmsisPath;
}

interface CmsisStepEmitter<K extends Step['kind']> {
  /** True where the portable kernel is measured faster than CMSIS-NN's on this path: it runs instead. */
  portableIsFaster?(s: Step & { kind: K }, path: CmsisPath): boolean;
  /** Bytes of arena scratch the CMSIS-NN call needs on each path. */
  scratch(s: Step & { kind: K }, path: CmsisPath): number;
  emit(s: Step & { kind: K }, ctx: CmsisEmitContext, scratch: StepScratch): { kernel: string; lines: string[] };
}

type Table = { [K in Step['kind']]?: CmsisStepEmitter<K> };

const tile = (t: Tile) => `{ .w = ${t.w}, .h = ${t.h} }`;
const act = (a: ActivationRange) => `{ .min = ${a.min}, .max = ${a.max} }`;

function dims(ctx: CmsisEmitContext, role: string, d: Dims, layer: string): string {
  return ctx.constStruct(role, 'cmsis_nn_dims', `{ .n = ${d.n}, .h = ${d.h}, .w = ${d.w}, .c = ${d.c} }`, layer);
}

/** The scratch context, and in debug builds (EDGEC_CHECK_SCRATCH) a check that CMSIS-NN asks for
 * exactly the size computed here for the path it was compiled for, and no more than reserved. */
function scratchLines(scratch: StepScratch, sizes: number[], asked: string | null, buf = scratch.bytes > 0 ? scratch.ptr : 'NULL', size = scratch.bytes): { name: string; lines: string[] } {
  const lines: string[] = [];
  if (asked) {
    lines.push(
      '#if defined(EDGEC_CHECK_SCRATCH)',
      `    if ((${asked}) != EDGEC_CMSIS_NN_PICK(${sizes.join(', ')}) || (${asked}) > ${Math.max(size, scratch.bytes)}) {`,
      '        return EDGEC_STATUS_SCRATCH;',
      '    }',
      '#endif',
    );
  }
  lines.push(`{`, `    const cmsis_nn_context cmsis_ctx = { .buf = ${buf}, .size = ${size} };`);
  return { name: 'cmsis_ctx', lines };
}

function perChannelQuant(s: { multiplier: Int32Array; shift: Int32Array; op: { name: string } }, ctx: CmsisEmitContext): string {
  const m = ctx.constArray('multiplier', 'int32_t', s.multiplier, s.op.name);
  const sh = ctx.constArray('shift', 'int32_t', s.shift, s.op.name);
  return ctx.constStruct('quant', 'cmsis_nn_per_channel_quant_params', `{ .multiplier = (int32_t *)${m}, .shift = (int32_t *)${sh} }`, s.op.name);
}

function geometry(s: ConvStep | DepthwiseStep): ConvGeometry {
  return { stride: s.stride, padding: s.padding, dilation: s.dilation, inputDims: s.inputDims, filterDims: s.filterDims, outputDims: s.outputDims };
}

const bias = (id: number, layer: string, ctx: EmitContext) => (id < 0 ? 'NULL' : ctx.tensor(id, layer));

const sizesOf = <T>(f: (path: CmsisPath) => number, _s?: T) => CMSIS_NN_PATHS.map(f);

const CONV_FUNCTIONS: Record<ConvKernel, string> = {
  '1x1_fast': 'arm_convolve_1x1_s8_fast',
  '1x1': 'arm_convolve_1x1_s8',
  '1_x_n': 'arm_convolve_1_x_n_s8',
  generic: 'arm_convolve_s8',
};

/** The conv kernel for a step: the wrapper's choice, except that grouped convolutions (which only
 * arm_convolve_s8 supports) and MVE 1xN convolutions whose kernel would read past its input use the
 * generic kernel. The folder's path decides, and a host build of the folder makes the same call. */
function convKernel(s: ConvStep, path: CmsisPath): ConvKernel {
  if (s.groups > 1 || (path === 'mve' && mve1xNReadsPastInput(geometry(s)))) return 'generic';
  return convWrapperKernel(geometry(s));
}

/** Scratch of one conv kernel on one path (what its own `*_get_buffer_size` returns there). */
function convKernelScratch(s: ConvStep, kernel: ConvKernel, path: CmsisPath): number {
  if (kernel === 'generic') return convS8GenericBufferSize(path, s.inputDims, s.filterDims);
  return convS8BufferSize(path, geometry(s));
}

function convScratch(s: ConvStep, path: CmsisPath): number {
  return convKernelScratch(s, convKernel(s, path), path);
}

function depthwiseKernelScratch(s: DepthwiseStep, kernel: DepthwiseKernel, path: CmsisPath): number {
  if (kernel === 'to_conv') return depthwiseS8BufferSize(path, geometry(s));
  return kernel === 'opt' ? depthwiseOptS8BufferSize(path, geometry(s)) : 0;
}

export const CMSIS_EMITTERS: Table = {
  conv_s8: {
    // On the DSP path the portable folded convolution (receptive field as one vector, four filter rows
    // per pass) beats arm_convolve_s8 and arm_convolve_1_x_n_s8 (Cortex-M4: kws's first layer 1,025,561
    // vs 1,074,380 instructions, HAR's conv1 104,959 vs 127,060); CMSIS-NN's 1x1 kernels stay ahead
    // (HAR's sep1/pointwise 132,410 vs 152,553) and keep their layers.
    portableIsFaster: (s, path) => path === 'dsp' && s.groups === 1 && ['generic', '1_x_n'].includes(convKernel(s, path)),
    scratch: convScratch,
    emit(s, ctx, scratch) {
      const n = s.op.name;
      const params = ctx.constStruct('params', 'cmsis_nn_conv_params', `{ .input_offset = ${s.inputOffset}, .output_offset = ${s.outputOffset}, .stride = ${tile(s.stride)}, .padding = ${tile(s.padding)}, .dilation = ${tile(s.dilation)}, .activation = ${act(s.activation)} }`, n);
      const i = dims(ctx, 'input_dims', s.inputDims, n);
      const f = dims(ctx, 'filter_dims', s.filterDims, n);
      const b = dims(ctx, 'bias_dims', { n: 1, h: 1, w: 1, c: s.outputDims.c }, n);
      const o = dims(ctx, 'output_dims', s.outputDims, n);
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
      const c = scratchLines(scratch, sizesOf((p) => convKernelScratch(s, kernel, p)), asked);
      const upscale = kernel === 'generic' ? ' NULL,' : ''; // arm_convolve_s8: not a transposed convolution
      const call = `${fn}(&${c.name}, &${params}, &${perChannelQuant(s, ctx)}, &${i}, ${ctx.tensor(s.input, n)}, &${f}, ${ctx.tensor(s.weights, n)}, &${b}, ${bias(s.bias, n, ctx)},${upscale} &${o}, ${ctx.tensor(s.output, n)})`;
      return { kernel: fn, lines: [...c.lines, `    status = (int32_t)${call};`, '}'] };
    },
  },
  depthwise_s8: {
    // On the DSP path the portable folded kernel runs one-input-channel layers as a convolution with a
    // compile-time transposed filter (micro_speech: 1,195,389 vs about 1.46M instructions on Cortex-M4)
    // and multiplier-1 layers four channels at a time ahead of arm_depthwise_conv_s8_opt (HAR's
    // sep1/depthwise 74,372 vs 98,140); CMSIS-NN's 3x3 kernel stays ahead (kws: 560,940 vs 633,670).
    portableIsFaster: (s, path) =>
      path === 'dsp' && (s.inputDims.c === 1 || (s.chMult === 1 && depthwiseWrapperKernel(path, geometry(s), s.chMult) !== '3x3')),
    scratch: (s, path) => depthwiseKernelScratch(s, depthwiseWrapperKernel(path, geometry(s), s.chMult), path),
    emit(s, ctx, scratch) {
      const n = s.op.name;
      const params = ctx.constStruct(
        'params',
        'cmsis_nn_dw_conv_params',
        `{ .input_offset = ${s.inputOffset}, .output_offset = ${s.outputOffset}, .ch_mult = ${s.chMult}, .stride = ${tile(s.stride)}, .padding = ${tile(s.padding)}, .dilation = ${tile(s.dilation)}, .activation = ${act(s.activation)} }`,
        n,
      );
      const i = dims(ctx, 'input_dims', s.inputDims, n);
      const f = dims(ctx, 'filter_dims', s.filterDims, n);
      const b = dims(ctx, 'bias_dims', { n: 1, h: 1, w: 1, c: s.outputDims.c }, n);
      const o = dims(ctx, 'output_dims', s.outputDims, n);
      // As for conv: the kernel the wrapper would choose on this path, called directly (MVE's
      // one-input-channel conversion to a conv is internal to the wrapper, so that case keeps it).
      const kernel = depthwiseWrapperKernel(ctx.path, geometry(s), s.chMult);
      const fn = { to_conv: 'arm_depthwise_conv_wrapper_s8', '3x3': 'arm_depthwise_conv_3x3_s8', opt: 'arm_depthwise_conv_s8_opt', generic: 'arm_depthwise_conv_s8' }[kernel];
      const asked = { to_conv: `arm_depthwise_conv_wrapper_s8_get_buffer_size(&${params}, &${i}, &${f}, &${o})`, '3x3': null, opt: `arm_depthwise_conv_s8_opt_get_buffer_size(&${i}, &${f})`, generic: null }[kernel];
      const c = scratchLines(scratch, sizesOf((p) => depthwiseKernelScratch(s, kernel, p)), asked);
      const call = `${fn}(&${c.name}, &${params}, &${perChannelQuant(s, ctx)}, &${i}, ${ctx.tensor(s.input, n)}, &${f}, ${ctx.tensor(s.weights, n)}, &${b}, ${bias(s.bias, n, ctx)}, &${o}, ${ctx.tensor(s.output, n)})`;
      return { kernel: fn, lines: [...c.lines, `    status = (int32_t)${call};`, '}'] };
    },
  },
  fully_connected_s8: {
    // On the DSP path the portable folded kernel (kernel sums in flash, four rows per pass with SMLAD)
    // runs in fewer instructions: dtln's 128 -> 257 layer takes 66,013 on Cortex-M4 against 74,756 for
    // arm_fully_connected_s8. It needs symmetric weights (filter offset 0), as TFLite's int8 spec has.
    portableIsFaster: (s, path) => path === 'dsp' && s.filterOffset === 0,
    // MVE's kernel sums are constants: they go to flash, not to the arena.
    scratch: () => 0,
    emit(s, ctx, scratch) {
      const n = s.op.name;
      const params = ctx.constStruct('params', 'cmsis_nn_fc_params', `{ .input_offset = ${s.inputOffset}, .filter_offset = ${s.filterOffset}, .output_offset = ${s.outputOffset}, .activation = ${act(s.activation)} }`, n);
      const quant = s.perChannel ? perChannelQuant(s, ctx) : ctx.constStruct('quant', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${s.multiplier[0]}, .shift = ${s.shift[0]} }`, n);
      const i = dims(ctx, 'input_dims', { n: s.batches, h: 1, w: 1, c: s.accumDepth }, n);
      const f = dims(ctx, 'filter_dims', { n: s.accumDepth, h: 1, w: 1, c: s.outputDepth }, n);
      const b = dims(ctx, 'bias_dims', { n: 1, h: 1, w: 1, c: s.outputDepth }, n);
      const o = dims(ctx, 'output_dims', { n: s.batches, h: 1, w: 1, c: s.outputDepth }, n);
      const sums = kernelSums(s, ctx);
      const c = scratchLines(scratch, sizesOf((p) => fullyConnectedS8BufferSize(p, s.outputDepth)), `arm_fully_connected_s8_get_buffer_size(&${f})`, sums ? `(void *)${sums}` : 'NULL', sums ? s.outputDepth * 4 : 0);
      const fn = s.perChannel ? 'arm_fully_connected_per_channel_s8' : 'arm_fully_connected_s8';
      const call = `${fn}(&${c.name}, &${params}, &${quant}, &${i}, ${ctx.tensor(s.input, n)}, &${f}, ${ctx.tensor(s.weights, n)}, &${b}, ${bias(s.bias, n, ctx)}, &${o}, ${ctx.tensor(s.output, n)})`;
      return { kernel: fn, lines: [...c.lines, `    status = (int32_t)${call};`, '}'] };
    },
  },
  max_pool_s8: {
    // On the DSP path the portable kernel (four channels per SSUB8/SEL) runs HAR's pool1 in 14,948
    // instructions against arm_max_pool_s8's 25,055 on Cortex-M4.
    portableIsFaster: (_s, path) => path === 'dsp',
    scratch: () => 0,
    emit(s, ctx, scratch) {
      return poolCall(s, ctx, scratch, 'arm_max_pool_s8', null);
    },
  },
  avg_pool_s8: {
    scratch: (s, path) => avgPoolBufferSize(path, s.outputDims.c),
    emit(s, ctx, scratch) {
      return poolCall(s, ctx, scratch, 'arm_avgpool_s8', sizesOf((p) => avgPoolBufferSize(p, s.outputDims.c)));
    },
  },
  // add_s8 is left to the portable edgec_add_s8_lut on purpose: with the inputs' rescaling tabulated
  // at compile time it executes about half the instructions of arm_elementwise_add_s8 on Cortex-M4
  // (resnet8's first ADD: 655,484 vs 1,331,559), with the same bytes.
  lstm_s8: {
    // On the DSP path the portable edgec_lstm_s8 (four weight rows by eight columns per pass, SMLAD)
    // executes fewer instructions than arm_lstm_unidirectional_s8 with the same bytes; elsewhere
    // (MVE, plain C) CMSIS-NN's runs. Both take the compiler's effective biases.
    portableIsFaster: (_s, path) => path === 'dsp',
    // temp1 and temp2: one int16 per hidden unit and batch each, as the portable kernel.
    scratch: (s) => 2 * 2 * s.batchSize * s.hiddenSize,
    emit(s, ctx, scratch) {
      const n = s.op.name;
      const init = lstmParamsInit(s, ctx, (a) => (a === 'tanh' ? 'ARM_TANH' : 'ARM_SIGMOID'), '.bias = NULL, ', '');
      const params = ctx.constStruct('params', 'cmsis_nn_lstm_params', init, n);
      const half = s.batchSize * s.hiddenSize * 2;
      return {
        kernel: 'arm_lstm_unidirectional_s8',
        lines: [
          '{',
          `    cmsis_nn_lstm_context buffers = { .temp1 = ${scratch.ptr}, .temp2 = ${scratch.ptr} + ${half}, .cell_state = ${ctx.tensor(s.cellState, n)}, .hidden_state = ${ctx.tensor(s.hiddenState, n)} };`,
          `    status = (int32_t)arm_lstm_unidirectional_s8(${ctx.tensor(s.input, n)}, ${ctx.tensor(s.output, n)}, &${params}, &buffers);`,
          '}',
        ],
      };
    },
  },
  svdf_s8: {
    // On the DSP path the portable folded SVDF (feature rows four at a time with SMLAD) runs
    // keyword_scrambled in 106,751 instructions on Cortex-M4 against 114,676 with arm_svdf_s8.
    portableIsFaster: (_s, path) => path === 'dsp',
    // Arena scratch: the input context (one int32 per feature and batch) and the output context (one
    // int32 per unit and batch). MVE's kernel sums of the feature weights are constants in flash.
    scratch: (s) => 4 * s.shape.batches * (s.shape.features + s.shape.features / s.params.rank),
    emit(s, ctx, scratch) {
      const n = s.op.name;
      const p = s.params;
      const sh = s.shape;
      const units = sh.features / p.rank;
      const params = ctx.constStruct('params', 'cmsis_nn_svdf_params', `{ .rank = ${p.rank}, .input_offset = ${p.inputOffset}, .output_offset = ${p.outputOffset}, .input_activation = ${act(p.inputActivation)}, .output_activation = ${act(p.outputActivation)} }`, n);
      const qIn = ctx.constStruct('input_quant', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${p.inputQuant.multiplier}, .shift = ${p.inputQuant.shift} }`, n);
      const qOut = ctx.constStruct('output_quant', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${p.outputQuant.multiplier}, .shift = ${p.outputQuant.shift} }`, n);
      const i = dims(ctx, 'input_dims', { n: sh.batches, h: sh.inputSize, w: 1, c: 1 }, n);
      const st = dims(ctx, 'state_dims', { n: sh.batches, h: sh.features * sh.timeSteps, w: 1, c: 1 }, n);
      const wf = dims(ctx, 'weights_feature_dims', { n: sh.features, h: sh.inputSize, w: 1, c: 1 }, n);
      const wt = dims(ctx, 'weights_time_dims', { n: sh.features, h: sh.timeSteps, w: 1, c: 1 }, n);
      const b = dims(ctx, 'bias_dims', { n: units, h: 1, w: 1, c: 1 }, n);
      const o = dims(ctx, 'output_dims', { n: sh.batches, h: units, w: 1, c: 1 }, n);
      const sums = svdfKernelSums(s, ctx);
      const c = scratchLines(scratch, sizesOf((path) => svdfS8BufferSize(path, sh.features)), `arm_svdf_s8_get_buffer_size(&${wf})`, sums ? `(void *)${sums}` : 'NULL', sums ? sh.features * 4 : 0);
      const inBytes = 4 * sh.batches * sh.features;
      const call = `arm_svdf_s8(&${c.name}, &input_ctx, &output_ctx, &${params}, &${qIn}, &${qOut}, &${i}, ${ctx.tensor(s.input, n)}, &${st}, ${ctx.tensor(s.state, n)}, &${wf}, ${ctx.tensor(s.weightsFeature, n)}, &${wt}, ${ctx.tensor(s.weightsTime, n)}, &${b}, ${bias(s.bias, n, ctx)}, &${o}, ${ctx.tensor(s.output, n)})`;
      return {
        kernel: 'arm_svdf_s8',
        lines: [
          ...c.lines,
          `    const cmsis_nn_context input_ctx = { .buf = ${scratch.ptr}, .size = ${inBytes} };`,
          `    const cmsis_nn_context output_ctx = { .buf = ${scratch.ptr} + ${inBytes}, .size = ${4 * sh.batches * units} };`,
          `    status = (int32_t)${call};`,
          '}',
        ],
      };
    },
  },
  softmax_s8: {
    scratch: () => 0,
    emit(s, ctx) {
      const n = s.op.name;
      const p = s.params;
      return { kernel: 'arm_softmax_s8', lines: [`arm_softmax_s8(${ctx.tensor(s.input, n)}, ${s.rows}, ${s.rowSize}, ${p.multiplier}, ${p.leftShift}, ${p.diffMin}, ${ctx.tensor(s.output, n)});`] };
    },
  },
};

/** On MVE, the per-row kernel sums arm_fully_connected_s8 reads from its context, in flash. */
function kernelSums(s: FullyConnectedStep & { op: { name: string } }, ctx: CmsisEmitContext): string | null {
  if (ctx.path !== 'mve') return null;
  const w = ctx.graph.tensors[s.weights]!.data!;
  const b = s.bias >= 0 ? ctx.graph.tensors[s.bias]!.data! : null;
  return ctx.constArray('kernel_sums', 'int32_t', vectorSumS8(w, s.accumDepth, s.outputDepth, s.inputOffset, s.filterOffset, b), s.op.name);
}

/** On MVE, arm_svdf_s8 reads the feature weights' row sums times the input zero point from its context. */
function svdfKernelSums(s: SvdfStep & { op: { name: string } }, ctx: CmsisEmitContext): string | null {
  if (ctx.path !== 'mve') return null;
  const w = ctx.graph.tensors[s.weightsFeature]!.data!;
  return ctx.constArray('kernel_sums', 'int32_t', vectorSumS8(w, s.shape.inputSize, s.shape.features, -s.params.inputOffset, 0, null), s.op.name);
}

function poolCall(s: PoolStep & { op: { name: string } }, ctx: CmsisEmitContext, scratch: StepScratch, fn: string, sizes: number[] | null) {
  const n = s.op.name;
  const params = ctx.constStruct('params', 'cmsis_nn_pool_params', `{ .stride = ${tile(s.stride)}, .padding = ${tile(s.padding)}, .activation = ${act(s.activation)} }`, n);
  const i = dims(ctx, 'input_dims', s.inputDims, n);
  const f = dims(ctx, 'filter_dims', { n: 1, h: s.filter.h, w: s.filter.w, c: 1 }, n);
  const o = dims(ctx, 'output_dims', s.outputDims, n);
  const c = scratchLines(scratch, sizes ?? [], sizes ? `arm_avgpool_s8_get_buffer_size(${s.outputDims.w}, ${s.inputDims.c})` : null);
  const call = `${fn}(&${c.name}, &${params}, &${i}, ${ctx.tensor(s.input, n)}, &${f}, &${o}, ${ctx.tensor(s.output, n)})`;
  return { kernel: fn, lines: [...c.lines, `    status = (int32_t)${call};`, '}'] };
}

/** The CMSIS-NN emitter of a step, or undefined when the portable kernel runs it. */
/** The CMSIS-NN emitter for a step on a path, or undefined when the portable kernel runs it. */
export function cmsisEmitterFor(s: Step, path: CmsisPath): CmsisStepEmitter<Step['kind']> | undefined {
  const def = stepDef(s.kind);
  const e = (def ? def.cmsisNn : CMSIS_EMITTERS[s.kind]) as CmsisStepEmitter<Step['kind']> | undefined;
  return e && !(e as { conformanceOnly?: string }).conformanceOnly && !e.portableIsFaster?.(s, path) ? e : undefined;
}

