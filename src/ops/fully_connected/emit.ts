/**
 * The C calls of the fully connected steps: the portable kernels (edgec_fully_connected.h,
 * edgec_conv_s16.h) and CMSIS-NN's. Constants are named through the context in call order, so a
 * model's C keeps one layout. CMSIS-NN conventions: filter_dims {n = accum depth, c = output depth},
 * input_offset = -zp_in, output_offset = +zp_out.
 */
import { call, designated, struct } from '../../cgen/c.ts';
import { fullyConnectedS8BufferSize } from '../shared/cmsis-buffer-sizes.ts';
import { vectorSumS8 } from '../shared/kernel-sums.ts';
import type { CmsisEmitContext, EmitContext, Emitted, Named, StepScratch } from '../contract.ts';
import { as, CMSIS_PATHS, cmsisDims, cmsisRange, cmsisScratchLines, range } from '../shared/emit.ts';
import type { FullyConnectedS16Step, FullyConnectedS4Step, FullyConnectedStep } from './steps.ts';

type AnyFc = (FullyConnectedStep | FullyConnectedS4Step | FullyConnectedS16Step) & Named;

export const PORTABLE_FILES = ['edgec_fully_connected.h', 'edgec_fully_connected.c', 'edgec_int4.h', 'edgec_dot_s8.h', 'edgec_dot_s8.c'];
export const PORTABLE_S16_FILES = ['edgec_conv_s16.h', 'edgec_conv_s16.c', 'edgec_conv.h', 'edgec_fully_connected.h'];

const bias = (s: AnyFc, ctx: EmitContext) => (s.bias < 0 ? 'NULL' : ctx.tensor(s.bias, s.op.name));

/** The bias tensor's values when the step has one (a constant), else null. */
function constBias(s: AnyFc, ctx: EmitContext): ArrayLike<number> | null {
  return s.bias >= 0 ? ctx.graph.tensors[s.bias]!.data! : null;
}

function params(s: AnyFc, ctx: EmitContext): string {
  return ctx.constStruct(
    'params',
    'edgec_fc_params',
    struct('edgec_fc_params', { input_offset: s.inputOffset, filter_offset: s.filterOffset, output_offset: s.outputOffset, activation: range(s.activation) }),
    s.op.name,
  );
}

function quant(s: AnyFc, ctx: EmitContext): string {
  const m = ctx.constArray('multiplier', 'int32_t', s.multiplier, s.op.name);
  const sh = ctx.constArray('shift', 'int32_t', s.shift, s.op.name);
  return ctx.constStruct('quant', 'edgec_per_channel_quant', struct('edgec_per_channel_quant', { multiplier: m, shift: sh }), s.op.name);
}

/** The int8 product: the folded kernel for generated code where the compiler can fold, else the interchangeable one. */
export function emitPortableS8(s: FullyConnectedStep & Named, ctx: EmitContext, variant: 'generated' | 'reference'): Emitted {
  const n = s.op.name;
  const p = params(s, ctx);
  const weights = ctx.graph.tensors[s.weights]!.data;
  const shape = `${s.perChannel ? 1 : 0}, ${s.batches}, ${s.accumDepth}, ${s.outputDepth}`;
  if (variant === 'generated' && s.filterOffset === 0 && weights) {
    // Constant symmetric weights: the input offset's share of every row is folded into the bias
    // here, and the kernel's inner loop multiplies raw int8 values.
    const sums = ctx.constArray('kernel_sums', 'int32_t', vectorSumS8(weights, s.accumDepth, s.outputDepth, s.inputOffset, 0, constBias(s, ctx)), n);
    const folded = `status = edgec_fully_connected_s8_folded(&${p}, &${quant(s, ctx)}, ${shape}, ${ctx.tensor(s.input, n)}, ${ctx.tensor(s.weights, n)}, ${sums}, ${ctx.tensor(s.output, n)});`;
    return { kernel: 'edgec_fully_connected_s8_folded', lines: [folded] };
  }
  const line = `status = edgec_fully_connected_s8(&${p}, &${quant(s, ctx)}, ${shape}, ${ctx.tensor(s.input, n)}, ${ctx.tensor(s.weights, n)}, ${bias(s, ctx)}, ${ctx.tensor(s.output, n)});`;
  return { kernel: 'edgec_fully_connected_s8', lines: [line] };
}

/** Packed int4 weights (the weights tensor's bytes are its packed form). */
export function emitPortableS4(s: FullyConnectedS4Step & Named, ctx: EmitContext): Emitted {
  const n = s.op.name;
  const args = [
    `&${params(s, ctx)}`,
    `&${quant(s, ctx)}`,
    String(s.perChannel ? 1 : 0),
    String(s.batches),
    String(s.accumDepth),
    String(s.outputDepth),
    ctx.tensor(s.input, n),
    ctx.tensor(s.weights, n),
    bias(s, ctx),
    ctx.tensor(s.output, n),
  ];
  return { kernel: 'edgec_fully_connected_s4', lines: [`status = ${call('edgec_fully_connected_s4', args)};`] };
}

/** int16 activations: the bias is int64 (reduced multiplier) or int32 (ordinary requantization). */
export function emitPortableS16(s: FullyConnectedS16Step & Named, ctx: EmitContext): Emitted {
  const n = s.op.name;
  const b = ctx.constStruct('bias_data', 'edgec_bias_data', designated({ data: bias(s, ctx), is_int32: s.biasIs32 ? 1 : 0 }), n);
  const args = [
    `&${params(s, ctx)}`,
    `&${quant(s, ctx)}`,
    String(s.perChannel ? 1 : 0),
    String(s.batches),
    String(s.accumDepth),
    String(s.outputDepth),
    as('int16_t', ctx.tensor(s.input, n)),
    ctx.tensor(s.weights, n),
    `&${b}`,
    as('int16_t', ctx.tensor(s.output, n)),
  ];
  return { kernel: 'edgec_fully_connected_s16', lines: [`status = ${call('edgec_fully_connected_s16', args)};`] };
}

// ---------------------------------------------------------------------------------------------
// CMSIS-NN

function cmsisPerChannelQuant(s: AnyFc, ctx: EmitContext): string {
  const m = ctx.constArray('multiplier', 'int32_t', s.multiplier, s.op.name);
  const sh = ctx.constArray('shift', 'int32_t', s.shift, s.op.name);
  return ctx.constStruct('quant', 'cmsis_nn_per_channel_quant_params', `{ .multiplier = (int32_t *)${m}, .shift = (int32_t *)${sh} }`, s.op.name);
}

/** The params, quant and dims structs every CMSIS-NN fully connected call takes, in this order. */
function cmsisStructs(s: AnyFc, ctx: EmitContext) {
  const n = s.op.name;
  const params = ctx.constStruct(
    'params',
    'cmsis_nn_fc_params',
    `{ .input_offset = ${s.inputOffset}, .filter_offset = ${s.filterOffset}, .output_offset = ${s.outputOffset}, .activation = ${cmsisRange(s.activation)} }`,
    n,
  );
  const quant = s.perChannel ? cmsisPerChannelQuant(s, ctx) : ctx.constStruct('quant', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${s.multiplier[0]}, .shift = ${s.shift[0]} }`, n);
  return {
    params,
    quant,
    i: cmsisDims(ctx, 'input_dims', { n: s.batches, h: 1, w: 1, c: s.accumDepth }, n),
    f: cmsisDims(ctx, 'filter_dims', { n: s.accumDepth, h: 1, w: 1, c: s.outputDepth }, n),
    b: cmsisDims(ctx, 'bias_dims', { n: 1, h: 1, w: 1, c: s.outputDepth }, n),
    o: cmsisDims(ctx, 'output_dims', { n: s.batches, h: 1, w: 1, c: s.outputDepth }, n),
  };
}

function cmsisCall(fn: string, s: AnyFc, ctx: EmitContext, st: ReturnType<typeof cmsisStructs>, c: { name: string; lines: string[] }): Emitted {
  const n = s.op.name;
  const io = (p: string) => (s.kind === 'fully_connected_s16' ? as('int16_t', p) : p);
  const line = `${fn}(&${c.name}, &${st.params}, &${st.quant}, &${st.i}, ${io(ctx.tensor(s.input, n))}, &${st.f}, ${ctx.tensor(s.weights, n)}, &${st.b}, ${bias(s, ctx)}, &${st.o}, ${io(ctx.tensor(s.output, n))})`;
  return { kernel: fn, lines: [...c.lines, `    status = (int32_t)${line};`, '}'] };
}

/** On MVE, the per-row kernel sums arm_fully_connected_s8 reads from its context, in flash. */
function kernelSums(s: FullyConnectedStep & Named, ctx: CmsisEmitContext): string | null {
  if (ctx.path !== 'mve') return null;
  const w = ctx.graph.tensors[s.weights]!.data!;
  return ctx.constArray('kernel_sums', 'int32_t', vectorSumS8(w, s.accumDepth, s.outputDepth, s.inputOffset, s.filterOffset, constBias(s, ctx)), s.op.name);
}

export function emitCmsisS8(s: FullyConnectedStep & Named, ctx: CmsisEmitContext, scratch: StepScratch): Emitted {
  const st = cmsisStructs(s, ctx);
  const sums = kernelSums(s, ctx);
  const sizes = CMSIS_PATHS.map((p) => fullyConnectedS8BufferSize(p, s.outputDepth));
  const c = cmsisScratchLines(scratch, sizes, `arm_fully_connected_s8_get_buffer_size(&${st.f})`, sums ? `(void *)${sums}` : 'NULL', sums ? s.outputDepth * 4 : 0);
  return cmsisCall(s.perChannel ? 'arm_fully_connected_per_channel_s8' : 'arm_fully_connected_s8', s, ctx, st, c);
}

export function emitCmsisS4(s: FullyConnectedS4Step & Named, ctx: CmsisEmitContext, scratch: StepScratch): Emitted {
  if (s.perChannel) throw new Error('arm_fully_connected_s4 is per-tensor only');
  const st = cmsisStructs(s, ctx);
  return cmsisCall('arm_fully_connected_s4', s, ctx, st, cmsisScratchLines(scratch, [], null));
}

export function emitCmsisS16(s: FullyConnectedS16Step & Named, ctx: CmsisEmitContext, scratch: StepScratch): Emitted {
  if (s.perChannel) throw new Error('arm_fully_connected_s16 is per-tensor only');
  if (s.biasIs32) throw new Error('arm_fully_connected_s16 takes int64 bias');
  const st = cmsisStructs(s, ctx);
  return cmsisCall('arm_fully_connected_s16', s, ctx, st, cmsisScratchLines(scratch, [0, 0, 0], `arm_fully_connected_s16_get_buffer_size(&${st.f})`));
}
