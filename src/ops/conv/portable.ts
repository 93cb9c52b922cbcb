/**
 * The convolution family's portable C calls (templates/kernels/portable/edgec_conv*.c). Generated code
 * calls the folded kernels where the weights are constants: the input offset's share of every filter
 * row is a compile-time sum (`kernel_sums`), so inner loops multiply raw int8 values; the 'reference'
 * variant is the interchangeable kernel whose arguments mean what CMSIS-NN's do.
 *
 * Constants are named and emitted in a fixed order (through thunks where a call needs one before
 * another), so the generated C keeps one layout.
 */
import { struct } from '../../cgen/c.ts';
import { depthwiseKernelSums, vectorSumS8 } from '../shared/kernel-sums.ts';
import type { EmitContext, Emitted, Named, PortableEmitter } from '../contract.ts';
import { as, dims, range, tile } from '../shared/emit.ts';
import { anyTapPads, convPatchBytes, depthwiseAsConv, foldedConv, type ConvS16Step, type ConvStep, type DepthwiseS16Step, type DepthwiseStep, type TransposeConvStep } from './steps.ts';

const CONV_FILES = ['edgec_conv.h', 'edgec_conv.c', 'edgec_int4.h'];

type Geometry = ConvStep | DepthwiseStep | ConvS16Step | DepthwiseS16Step | TransposeConvStep;

function convParams(s: Geometry): string {
  return struct('edgec_conv_params', {
    input_offset: s.inputOffset,
    output_offset: s.outputOffset,
    stride: tile(s.stride),
    padding: tile(s.padding),
    dilation: tile(s.dilation),
    activation: range(s.activation),
  });
}

function dwParams(s: (DepthwiseStep | DepthwiseS16Step) & Named, ctx: EmitContext): string {
  return ctx.constStruct(
    'params',
    'edgec_dw_conv_params',
    struct('edgec_dw_conv_params', {
      ch_mult: s.chMult,
      input_offset: s.inputOffset,
      output_offset: s.outputOffset,
      stride: tile(s.stride),
      padding: tile(s.padding),
      dilation: tile(s.dilation),
      activation: range(s.activation),
    }),
    s.op.name,
  );
}

function quantStruct(s: Geometry & Named, ctx: EmitContext): string {
  const m = ctx.constArray('multiplier', 'int32_t', s.multiplier, s.op.name);
  const sh = ctx.constArray('shift', 'int32_t', s.shift, s.op.name);
  return ctx.constStruct('quant', 'edgec_per_channel_quant', struct('edgec_per_channel_quant', { multiplier: m, shift: sh }), s.op.name);
}

const bias = (id: number, layer: string, ctx: EmitContext) => (id < 0 ? 'NULL' : ctx.tensor(id, layer));

/** The bias tensor's values when the step has one (a constant of the graph), else null. */
function constBias(s: { bias: number }, ctx: EmitContext): ArrayLike<number> | null {
  return s.bias >= 0 ? ctx.graph.tensors[s.bias]!.data! : null;
}

/** The call of edgec_convolve_s8_folded for a convolution (or a depthwise layer seen as one). */
function foldedConvCall(s: ConvStep & Named, ctx: EmitContext, sums: () => string, weights: () => string): string {
  const n = s.op.name;
  const params = ctx.constStruct('params', 'edgec_conv_params', convParams(s), n);
  const sumsName = sums();
  const patch = convPatchBytes(s) > 0 ? as('int8_t', ctx.scratch().ptr) : 'NULL';
  return `status = edgec_convolve_s8_folded(&${params}, &${quantStruct(s, ctx)}, &${dims(ctx, 'input_dims', s.inputDims, n)}, ${ctx.tensor(s.input, n)}, &${dims(ctx, 'filter_dims', s.filterDims, n)}, ${weights()}, ${sumsName}, &${dims(ctx, 'output_dims', s.outputDims, n)}, ${ctx.tensor(s.output, n)}, ${patch});`;
}

/** The interchangeable conv or depthwise call (int8 or packed int4 weights). */
function referenceCall(s: (ConvStep | DepthwiseStep) & Named, ctx: EmitContext, params: string): Emitted {
  const n = s.op.name;
  const fn = `edgec_${s.kind === 'conv_s8' ? 'convolve' : 'depthwise_conv'}_${s.int4 ? 's4' : 's8'}`;
  const call = `status = ${fn}(&${params}, &${quantStruct(s, ctx)}, &${dims(ctx, 'input_dims', s.inputDims, n)}, ${ctx.tensor(s.input, n)}, &${dims(ctx, 'filter_dims', s.filterDims, n)}, ${ctx.tensor(s.weights, n)}, ${bias(s.bias, n, ctx)}, &${dims(ctx, 'output_dims', s.outputDims, n)}, ${ctx.tensor(s.output, n)});`;
  return { kernel: fn, lines: [call] };
}

export const convPortable: PortableEmitter<ConvStep> = {
  header: 'edgec_conv.h',
  files: [...CONV_FILES, 'edgec_conv_folded.c', 'edgec_dot_s8.h', 'edgec_dot_s8.c'],
  scratch: (s) => (foldedConv(s) && !s.int4 ? convPatchBytes(s) : 0),
  emit(s, ctx, variant) {
    const n = s.op.name;
    const weights = ctx.graph.tensors[s.weights]!.data;
    if (variant === 'generated' && weights && foldedConv(s) && !s.int4) {
      // One group, constant weights: the input offset's share of every filter row is folded into the
      // bias here; the kernel takes each pixel's receptive field as one vector (see edgec_conv_folded.c).
      const k = s.filterDims.h * s.filterDims.w * s.filterDims.c;
      const sums = () => ctx.constArray('kernel_sums', 'int32_t', vectorSumS8(weights, k, s.outputDims.c, s.inputOffset, 0, constBias(s, ctx)), n);
      return { kernel: 'edgec_convolve_s8_folded', lines: [foldedConvCall(s, ctx, sums, () => ctx.tensor(s.weights, n))] };
    }
    return referenceCall(s, ctx, ctx.constStruct('params', 'edgec_conv_params', convParams(s), n));
  },
};

export const depthwisePortable: PortableEmitter<DepthwiseStep> = {
  header: 'edgec_conv.h',
  files: [...CONV_FILES, 'edgec_depthwise_folded.c', 'edgec_conv_folded.c', 'edgec_dot_s8.h', 'edgec_dot_s8.c'],
  scratch: (s) => (s.int4 ? 0 : s.inputDims.c === 1 ? convPatchBytes(depthwiseAsConv(s)) : s.chMult === 1 && anyTapPads(s) ? s.inputDims.c : 0),
  emit(s, ctx, variant) {
    const n = s.op.name;
    const weights = ctx.graph.tensors[s.weights]!.data;
    const generated = variant === 'generated' && weights && !s.int4;
    if (generated && s.inputDims.c === 1) {
      // One input channel: every output channel reads the same pixels, so this is a convolution with
      // the filter transposed here to [C_OUT][h][w][1] (as CMSIS-NN's wrapper also does).
      const taps = s.filterDims.h * s.filterDims.w;
      const co = s.outputDims.c;
      const transposed = new Int8Array(co * taps);
      for (let o = 0; o < co; o++) for (let t = 0; t < taps; t++) transposed[o * taps + t] = weights[t * co + o]!;
      let w = '';
      const sums = () => {
        w = ctx.constArray('weights', 'int8_t', transposed, n);
        return ctx.constArray('kernel_sums', 'int32_t', vectorSumS8(transposed, taps, co, s.inputOffset, 0, constBias(s, ctx)), n);
      };
      return { kernel: 'edgec_convolve_s8_folded', lines: [foldedConvCall(depthwiseAsConv(s), ctx, sums, () => w)] };
    }
    const params = dwParams(s, ctx);
    if (generated && s.chMult === 1) {
      // Multiplier 1, constant weights: the input offset's share of each channel is folded into the
      // bias here; the kernel runs four channels side by side (see edgec_depthwise_folded.c).
      const sums = ctx.constArray('kernel_sums', 'int32_t', depthwiseKernelSums(weights, s.filterDims.h * s.filterDims.w, s.outputDims.c, s.inputOffset, constBias(s, ctx)), n);
      const pad = anyTapPads(s) ? as('int8_t', ctx.scratch().ptr) : 'NULL';
      const folded = `status = edgec_depthwise_conv_s8_folded(&${params}, &${quantStruct(s, ctx)}, &${dims(ctx, 'input_dims', s.inputDims, n)}, ${ctx.tensor(s.input, n)}, &${dims(ctx, 'filter_dims', s.filterDims, n)}, ${ctx.tensor(s.weights, n)}, ${sums}, &${dims(ctx, 'output_dims', s.outputDims, n)}, ${ctx.tensor(s.output, n)}, ${pad});`;
      return { kernel: 'edgec_depthwise_conv_s8_folded', lines: [folded] };
    }
    return referenceCall(s, ctx, params);
  },
};

/** int16 activations: the bias is {data, is_int32} (int32 or int64 values, or NULL). */
function s16Call(s: (ConvS16Step | DepthwiseS16Step) & Named, ctx: EmitContext, fn: string, params: string): Emitted {
  const n = s.op.name;
  const biasData = ctx.constStruct('bias_data', 'edgec_bias_data', `{ .data = ${bias(s.bias, n, ctx)}, .is_int32 = ${s.biasIs32 ? 1 : 0} }`, n);
  const call = `status = ${fn}(&${params}, &${quantStruct(s, ctx)}, &${dims(ctx, 'input_dims', s.inputDims, n)}, ${as('int16_t', ctx.tensor(s.input, n))}, &${dims(ctx, 'filter_dims', s.filterDims, n)}, ${ctx.tensor(s.weights, n)}, &${biasData}, &${dims(ctx, 'output_dims', s.outputDims, n)}, ${as('int16_t', ctx.tensor(s.output, n))});`;
  return { kernel: fn, lines: [call] };
}

export const convS16Portable: PortableEmitter<ConvS16Step> = {
  header: 'edgec_conv_s16.h',
  files: ['edgec_conv_s16.h', 'edgec_conv_s16.c'],
  emit: (s, ctx) => s16Call(s, ctx, 'edgec_convolve_s16', ctx.constStruct('params', 'edgec_conv_params', convParams(s), s.op.name)),
};

export const depthwiseS16Portable: PortableEmitter<DepthwiseS16Step> = {
  header: 'edgec_conv_s16.h',
  files: ['edgec_conv_s16.h', 'edgec_conv_s16.c'],
  emit: (s, ctx) => s16Call(s, ctx, 'edgec_depthwise_conv_s16', dwParams(s, ctx)),
};

export const transposeConvPortable: PortableEmitter<TransposeConvStep> = {
  header: 'edgec_transpose_conv.h',
  files: ['edgec_transpose_conv.h', 'edgec_transpose_conv.c', 'edgec_conv.h'],
  emit(s, ctx) {
    const n = s.op.name;
    const params = ctx.constStruct('params', 'edgec_conv_params', convParams(s), n);
    const call = `status = edgec_transpose_conv_s8(&${params}, &${quantStruct(s, ctx)}, &${dims(ctx, 'input_dims', s.inputDims, n)}, ${ctx.tensor(s.input, n)}, &${dims(ctx, 'filter_dims', s.filterDims, n)}, ${ctx.tensor(s.weights, n)}, ${bias(s.bias, n, ctx)}, &${dims(ctx, 'output_dims', s.outputDims, n)}, ${ctx.tensor(s.output, n)});`;
    return { kernel: 'edgec_transpose_conv_s8', lines: [call] };
  },
};
