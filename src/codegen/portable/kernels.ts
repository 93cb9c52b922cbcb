/**
 * The portable backend's kernel table: for each lowered step kind, the C call into
 * templates/kernels/portable with the step's constants as flash data. Twin of src/sim/steps.ts.
 */
import { cDims } from '../../conformance/cstructs.ts';
import { struct } from '../../cgen/c.ts';
import type { ActivationRange, Tile } from '../../kernels/types.ts';
import type { ConvStep, DepthwiseStep, LutActivationStep, PoolStep, SoftmaxStep, Step } from '../lower.ts';
import { sigmoidTableU16 } from '../../kernels/activations_s16.ts';
import { logisticS8, tanhS8 } from '../../kernels/activations.ts';
import { addInputLut } from '../../kernels/add.ts';
import { depthwiseKernelSums, vectorSumS8 } from '../kernel-sums.ts';
import { lstmParamsInit } from '../lstm-fields.ts';
import { stepDef } from '../../ops/registry.ts';
import type { EmitContext, PortableEmitter } from '../../ops/contract.ts';

export type { EmitContext };

interface StepEmitter<K extends Step['kind']> {
  header: string;
  files: string[];
  /** Bytes of arena scratch the kernel needs (default none). */
  scratch?(s: Step & { kind: K }): number;
  emit(s: Extract<Step, { kind: K }>, ctx: EmitContext): { kernel: string; lines: string[] };
}

type Table = { [K in Step['kind']]?: StepEmitter<K> };

/** Arena scratch bytes a portable kernel needs for a step. */
export function portableScratch(s: Step): number {
  const e = portableEmitterFor(s);
  return e.scratch ? e.scratch(s as never) : 0;
}

/** The portable emitter of a step: its family's (src/ops), or this table's while families move. */
export function portableEmitterFor(s: Step): PortableEmitter<unknown> {
  const def = stepDef(s.kind);
  if (def) return def.portable;
  const e = STEP_EMITTERS[s.kind] as StepEmitter<Step['kind']> | undefined;
  if (!e) throw new Error(`codegen: no portable emitter for step kind '${s.kind}'`);
  return { header: e.header, files: e.files, scratch: e.scratch as never, emit: (st, ctx) => e.emit(st as never, ctx) };
}

const CONV_FILES = ['edgec_conv.h', 'edgec_conv.c', 'edgec_int4.h'];

/** A step with its layer's name (what the emitters name constants after). */
type Named = { op: { name: string } };

const tile = (t: Tile) => ({ h: t.h, w: t.w });
const range = (a: ActivationRange) => ({ min: a.min, max: a.max });

function convParams(s: ConvStep): string {
  return struct('edgec_conv_params', { input_offset: s.inputOffset, output_offset: s.outputOffset, stride: tile(s.stride), padding: tile(s.padding), dilation: tile(s.dilation), activation: range(s.activation) });
}

/** Convolutions with one group run the folded kernel. */
function foldedConv(s: ConvStep): boolean {
  return s.groups === 1 && s.filterDims.c === s.inputDims.c;
}

/**
 * Bytes of the patch buffer edgec_convolve_s8_folded gathers receptive fields into: none when every
 * pixel's field is one contiguous run of the input (a single kernel row of adjacent taps that never
 * crosses the padding, e.g. pointwise convolutions without padding), else one field.
 */
function convPatchBytes(s: ConvStep): number {
  const f = s.filterDims;
  const inPlace = f.h === 1 && (f.w === 1 || s.dilation.w === 1) && !anyTapPads(s);
  return inPlace ? 0 : f.h * f.w * f.c;
}

/** A depthwise step with one input channel seen as the convolution it is (filter [C_OUT][h][w][1]). */
function depthwiseAsConv(s: DepthwiseStep & Named): ConvStep & Named {
  return { ...s, kind: 'conv_s8', groups: 1, filterDims: { n: s.outputDims.c, h: s.filterDims.h, w: s.filterDims.w, c: 1 } };
}

/** True when some tap of some output pixel falls in the padding. */
function anyTapPads(s: ConvStep | DepthwiseStep): boolean {
  const f = s.filterDims;
  for (let oy = 0; oy < s.outputDims.h; oy++) {
    const iy = oy * s.stride.h - s.padding.h;
    if (iy < 0 || iy + (f.h - 1) * s.dilation.h >= s.inputDims.h) return true;
  }
  for (let ox = 0; ox < s.outputDims.w; ox++) {
    const ix = ox * s.stride.w - s.padding.w;
    if (ix < 0 || ix + (f.w - 1) * s.dilation.w >= s.inputDims.w) return true;
  }
  return false;
}

/** The bias tensor's values when the step has one (a constant of the graph), else null. */
function constBias(s: { bias: number }, ctx: EmitContext): ArrayLike<number> | null {
  return s.bias >= 0 ? ctx.graph.tensors[s.bias]!.data! : null;
}

/**
 * The call of edgec_convolve_s8_folded for a convolution (or a depthwise layer seen as one). The
 * constants are named through thunks, called in a fixed order, so the emitted C keeps one layout.
 */
function foldedConvCall(s: ConvStep & Named, ctx: EmitContext, sums: () => string, weights: () => string): string {
  const n = s.op.name;
  const params = ctx.constStruct('params', 'edgec_conv_params', convParams(s), n);
  const sumsName = sums();
  const patch = convPatchBytes(s) > 0 ? `(int8_t *)(void *)${ctx.scratch().ptr}` : 'NULL';
  return `status = edgec_convolve_s8_folded(&${params}, &${quantStruct(s, ctx)}, &${dims('input_dims', s.inputDims, n, ctx)}, ${ctx.tensor(s.input, n)}, &${dims('filter_dims', s.filterDims, n, ctx)}, ${weights()}, ${sumsName}, &${dims('output_dims', s.outputDims, n, ctx)}, ${ctx.tensor(s.output, n)}, ${patch});`;
}

function quantStruct(s: { multiplier: Int32Array; shift: Int32Array; op: { name: string } }, ctx: EmitContext): string {
  const m = ctx.constArray('multiplier', 'int32_t', s.multiplier, s.op.name);
  const sh = ctx.constArray('shift', 'int32_t', s.shift, s.op.name);
  return ctx.constStruct('quant', 'edgec_per_channel_quant', struct('edgec_per_channel_quant', { multiplier: m, shift: sh }), s.op.name);
}

function dims(role: string, d: { n: number; h: number; w: number; c: number }, layer: string, ctx: EmitContext): string {
  return ctx.constStruct(role, 'edgec_dims', cDims(d), layer);
}

const bias = (id: number, layer: string, ctx: EmitContext) => (id < 0 ? 'NULL' : ctx.tensor(id, layer));

export const STEP_EMITTERS: Table = {
  conv_s8: {
    header: 'edgec_conv.h',
    files: [...CONV_FILES, 'edgec_conv_folded.c', 'edgec_dot_s8.h', 'edgec_dot_s8.c'],
    scratch: (s) => (foldedConv(s) ? convPatchBytes(s) : 0),
    emit(s, ctx) {
      const n = s.op.name;
      const weights = ctx.graph.tensors[s.weights]!.data;
      if (weights && foldedConv(s)) {
        // One group, constant weights: the input offset's share of every filter row is folded into the
        // bias here; the kernel takes each pixel's receptive field as one vector (see edgec_conv_folded.c).
        const k = s.filterDims.h * s.filterDims.w * s.filterDims.c;
        const sums = () => ctx.constArray('kernel_sums', 'int32_t', vectorSumS8(weights, k, s.outputDims.c, s.inputOffset, 0, constBias(s, ctx)), n);
        return { kernel: 'edgec_convolve_s8_folded', lines: [foldedConvCall(s, ctx, sums, () => ctx.tensor(s.weights, n))] };
      }
      const params = ctx.constStruct('params', 'edgec_conv_params', convParams(s), n);
      const call = `status = edgec_convolve_s8(&${params}, &${quantStruct(s, ctx)}, &${dims('input_dims', s.inputDims, n, ctx)}, ${ctx.tensor(s.input, n)}, &${dims('filter_dims', s.filterDims, n, ctx)}, ${ctx.tensor(s.weights, n)}, ${bias(s.bias, n, ctx)}, &${dims('output_dims', s.outputDims, n, ctx)}, ${ctx.tensor(s.output, n)});`;
      return { kernel: 'edgec_convolve_s8', lines: [call] };
    },
  },
  depthwise_s8: {
    header: 'edgec_conv.h',
    files: [...CONV_FILES, 'edgec_depthwise_folded.c', 'edgec_conv_folded.c', 'edgec_dot_s8.h', 'edgec_dot_s8.c'],
    scratch: (s) => (s.inputDims.c === 1 ? convPatchBytes(depthwiseAsConv(s)) : s.chMult === 1 && anyTapPads(s) ? s.inputDims.c : 0),
    emit(s, ctx) {
      const n = s.op.name;
      const weights = ctx.graph.tensors[s.weights]!.data;
      if (weights && s.inputDims.c === 1) {
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
      const params = ctx.constStruct('params', 'edgec_dw_conv_params', struct('edgec_dw_conv_params', { ch_mult: s.chMult, input_offset: s.inputOffset, output_offset: s.outputOffset, stride: tile(s.stride), padding: tile(s.padding), dilation: tile(s.dilation), activation: range(s.activation) }), n);
      if (weights && s.chMult === 1) {
        // Multiplier 1, constant weights: the input offset's share of each channel is folded into the
        // bias here; the kernel runs four channels side by side (see edgec_depthwise_folded.c).
        const sums = ctx.constArray('kernel_sums', 'int32_t', depthwiseKernelSums(weights, s.filterDims.h * s.filterDims.w, s.outputDims.c, s.inputOffset, constBias(s, ctx)), n);
        const pad = anyTapPads(s) ? `(int8_t *)(void *)${ctx.scratch().ptr}` : 'NULL';
        const folded = `status = edgec_depthwise_conv_s8_folded(&${params}, &${quantStruct(s, ctx)}, &${dims('input_dims', s.inputDims, n, ctx)}, ${ctx.tensor(s.input, n)}, &${dims('filter_dims', s.filterDims, n, ctx)}, ${ctx.tensor(s.weights, n)}, ${sums}, &${dims('output_dims', s.outputDims, n, ctx)}, ${ctx.tensor(s.output, n)}, ${pad});`;
        return { kernel: 'edgec_depthwise_conv_s8_folded', lines: [folded] };
      }
      const call = `status = edgec_depthwise_conv_s8(&${params}, &${quantStruct(s, ctx)}, &${dims('input_dims', s.inputDims, n, ctx)}, ${ctx.tensor(s.input, n)}, &${dims('filter_dims', s.filterDims, n, ctx)}, ${ctx.tensor(s.weights, n)}, ${bias(s.bias, n, ctx)}, &${dims('output_dims', s.outputDims, n, ctx)}, ${ctx.tensor(s.output, n)});`;
      return { kernel: 'edgec_depthwise_conv_s8', lines: [call] };
    },
  },
  fully_connected_s8: {
    header: 'edgec_fully_connected.h',
    files: ['edgec_fully_connected.h', 'edgec_fully_connected.c', 'edgec_int4.h', 'edgec_dot_s8.h', 'edgec_dot_s8.c'],
    emit(s, ctx) {
      const n = s.op.name;
      const params = ctx.constStruct('params', 'edgec_fc_params', struct('edgec_fc_params', { input_offset: s.inputOffset, filter_offset: s.filterOffset, output_offset: s.outputOffset, activation: range(s.activation) }), n);
      const weights = ctx.graph.tensors[s.weights]!.data;
      if (s.filterOffset === 0 && weights) {
        // Constant symmetric weights: the input offset's share of every row is folded into the bias
        // here, and the kernel's inner loop multiplies raw int8 values.
        const sums = ctx.constArray('kernel_sums', 'int32_t', vectorSumS8(weights, s.accumDepth, s.outputDepth, s.inputOffset, 0, constBias(s, ctx)), n);
        const folded = `status = edgec_fully_connected_s8_folded(&${params}, &${quantStruct(s, ctx)}, ${s.perChannel ? 1 : 0}, ${s.batches}, ${s.accumDepth}, ${s.outputDepth}, ${ctx.tensor(s.input, n)}, ${ctx.tensor(s.weights, n)}, ${sums}, ${ctx.tensor(s.output, n)});`;
        return { kernel: 'edgec_fully_connected_s8_folded', lines: [folded] };
      }
      const call = `status = edgec_fully_connected_s8(&${params}, &${quantStruct(s, ctx)}, ${s.perChannel ? 1 : 0}, ${s.batches}, ${s.accumDepth}, ${s.outputDepth}, ${ctx.tensor(s.input, n)}, ${ctx.tensor(s.weights, n)}, ${bias(s.bias, n, ctx)}, ${ctx.tensor(s.output, n)});`;
      return { kernel: 'edgec_fully_connected_s8', lines: [call] };
    },
  },
  max_pool_s8: poolEmitter('edgec_max_pool_s8'),
  avg_pool_s8: poolEmitter('edgec_avgpool_s8'),
  add_s8: {
    header: 'edgec_add.h',
    files: ['edgec_add.h', 'edgec_add.c'],
    emit(s, ctx) {
      // Each input's rescaling is a 256-entry table computed here (2 KB of flash per ADD): on
      // Cortex-M4 this runs in well under half the instructions of two requantizations per element.
      const n = s.op.name;
      const p = s.params;
      const lut1 = ctx.constArray('input_1_lut', 'int32_t', addInputLut(p.input1Offset, p.leftShift, p.input1), n);
      const lut2 = ctx.constArray('input_2_lut', 'int32_t', addInputLut(p.input2Offset, p.leftShift, p.input2), n);
      const call = `status = edgec_add_s8_lut(${ctx.tensor(s.inputs[0], n)}, ${ctx.tensor(s.inputs[1], n)}, ${lut1}, ${lut2}, ${ctx.tensor(s.output, n)}, ${p.outputOffset}, ${p.output.multiplier}, ${p.output.shift}, ${s.activation.min}, ${s.activation.max}, ${s.size});`;
      return { kernel: 'edgec_add_s8_lut', lines: [call] };
    },
  },
  softmax_s8: softmaxEmitter('edgec_softmax_s8'),
  softmax_s8_s16: softmaxEmitter('edgec_softmax_s8_s16'),
  svdf_s8: {
    header: 'edgec_svdf.h',
    files: ['edgec_svdf.h', 'edgec_svdf.c', 'edgec_dot_s8.h', 'edgec_dot_s8.c'],
    emit(s, ctx) {
      const n = s.op.name;
      const p = s.params;
      const sh = s.shape;
      const params = ctx.constStruct(
        'params',
        'edgec_svdf_params',
        struct('edgec_svdf_params', {
          rank: p.rank,
          input_offset: p.inputOffset,
          output_offset: p.outputOffset,
          input_activation: range(p.inputActivation),
          output_activation: range(p.outputActivation),
          input_quant: { multiplier: p.inputQuant.multiplier, shift: p.inputQuant.shift },
          output_quant: { multiplier: p.outputQuant.multiplier, shift: p.outputQuant.shift },
          batches: sh.batches,
          input_size: sh.inputSize,
          features: sh.features,
          time_steps: sh.timeSteps,
        }),
        n,
      );
      const wf = ctx.graph.tensors[s.weightsFeature]!.data;
      if (wf) {
        // Constant feature weights: the input offset's share of each feature row is a compile-time sum.
        const sums = ctx.constArray('feature_sums', 'int32_t', vectorSumS8(wf, sh.inputSize, sh.features, -p.inputOffset, 0, null), n);
        return {
          kernel: 'edgec_svdf_s8_folded',
          lines: [`status = edgec_svdf_s8_folded(&${params}, ${ctx.tensor(s.input, n)}, ${ctx.tensor(s.state, n)}, ${ctx.tensor(s.weightsFeature, n)}, ${ctx.tensor(s.weightsTime, n)}, ${bias(s.bias, n, ctx)}, ${sums}, ${ctx.tensor(s.output, n)});`],
        };
      }
      return {
        kernel: 'edgec_svdf_s8',
        lines: [`status = edgec_svdf_s8(&${params}, ${ctx.tensor(s.input, n)}, ${ctx.tensor(s.state, n)}, ${ctx.tensor(s.weightsFeature, n)}, ${ctx.tensor(s.weightsTime, n)}, ${bias(s.bias, n, ctx)}, ${ctx.tensor(s.output, n)});`],
      };
    },
  },
  transpose_s8: {
    header: 'edgec_transpose.h',
    files: ['edgec_transpose.h', 'edgec_transpose.c', 'edgec_strided_slice.h', 'edgec_strided_slice.c'],
    emit(s, ctx) {
      const n = s.op.name;
      const shape = ctx.constArray('shape', 'int32_t', s.shape, n);
      const perm = ctx.constArray('perm', 'int32_t', s.perm, n);
      return { kernel: 'edgec_transpose_s8', lines: [`status = edgec_transpose_s8(${ctx.tensor(s.input, n)}, ${ctx.tensor(s.output, n)}, ${shape}, ${perm}, ${s.shape.length});`] };
    },
  },
  strided_slice_s8: {
    header: 'edgec_strided_slice.h',
    files: ['edgec_strided_slice.h', 'edgec_strided_slice.c'],
    emit(s, ctx) {
      const n = s.op.name;
      const arr = (role: string, v: number[]) => ctx.constArray(role, 'int32_t', v, n);
      return {
        kernel: 'edgec_strided_slice_s8',
        lines: [`status = edgec_strided_slice_s8(${ctx.tensor(s.input, n)}, ${ctx.tensor(s.output, n)}, ${arr('shape', s.shape)}, ${arr('begin', s.begin)}, ${arr('stride', s.stride)}, ${arr('size', s.size)}, ${s.shape.length});`],
      };
    },
  },
  requantize: {
    header: 'edgec_quantize.h',
    files: ['edgec_quantize.h', 'edgec_quantize.c'],
    emit(s, ctx) {
      const n = s.op.name;
      const bytes = { int8: 1, int16: 2, int32: 4 };
      return {
        kernel: 'edgec_quantize_int',
        lines: [`status = edgec_quantize_int(${ctx.tensor(s.input, n)}, ${bytes[s.inType]}, ${ctx.tensor(s.output, n)}, ${bytes[s.outType]}, ${s.size}, ${s.multiplier}, ${s.shift}, ${s.inputZeroPoint}, ${s.outputZeroPoint});`],
      };
    },
  },
  logistic_s8: lutActivationEmitter('logistic_s8'),
  tanh_s8: lutActivationEmitter('tanh_s8'),
  mean_s8: {
    header: 'edgec_mean.h',
    files: ['edgec_mean.h', 'edgec_mean.c'],
    emit(s, ctx) {
      const n = s.op.name;
      return {
        kernel: 'edgec_mean_hw_s8',
        lines: [`status = edgec_mean_hw_s8(${ctx.tensor(s.input, n)}, &${dims('input_dims', s.inputDims, n, ctx)}, ${s.inputZeroPoint}, ${s.outputZeroPoint}, ${s.multiplier}, ${s.shift}, ${ctx.tensor(s.output, n)});`],
      };
    },
  },
  lstm_s8: {
    header: 'edgec_lstm.h',
    files: ['edgec_lstm.h', 'edgec_lstm.c', 'edgec_dot_s8.h', 'edgec_dot_s8.c', 'edgec_activations_s16.h', 'edgec_activations_s16.c'],
    // temp1 and temp2: one int16 per hidden unit and batch each (gate values between the kernel's phases).
    scratch: (s) => 2 * 2 * s.batchSize * s.hiddenSize,
    emit(s, ctx) {
      const n = s.op.name;
      const table = ctx.sharedConstArray('sigmoid_table', 'uint16_t', sigmoidTableU16());
      const init = lstmParamsInit(s, ctx, (a) => (a === 'tanh' ? 'EDGEC_LSTM_TANH' : 'EDGEC_LSTM_SIGMOID'), '', `, .sigmoid_table = ${table}`);
      const params = ctx.constStruct('params', 'edgec_lstm_params', init, n);
      const scratch = ctx.scratch();
      const half = s.batchSize * s.hiddenSize * 2;
      return {
        kernel: 'edgec_lstm_s8',
        lines: [
          '{',
          `    edgec_lstm_buffers buffers = { .temp1 = (int16_t *)(void *)${scratch.ptr}, .temp2 = (int16_t *)(void *)(${scratch.ptr} + ${half}), .cell_state = (int16_t *)(void *)${ctx.tensor(s.cellState, n)}, .hidden_state = ${ctx.tensor(s.hiddenState, n)} };`,
          `    status = edgec_lstm_s8(${ctx.tensor(s.input, n)}, ${ctx.tensor(s.output, n)}, &${params}, &buffers);`,
          '}',
        ],
      };
    },
  },
  concat_s8: {
    header: 'edgec_concat.h',
    files: ['edgec_concat.h', 'edgec_concat.c'],
    emit(s, ctx) {
      const n = s.op.name;
      const sizes = ctx.constArray('axis_sizes', 'int32_t', s.axisSizes, n);
      const ptrs = `{ ${s.inputs.map((id) => ctx.tensor(id, n)).join(', ')} }`;
      return {
        kernel: 'edgec_concat_s8',
        lines: [`{`, `    const int8_t *const inputs[${s.inputs.length}] = ${ptrs};`, `    status = edgec_concat_s8(inputs, ${sizes}, ${s.inputs.length}, ${s.outer}, ${s.inner}, ${ctx.tensor(s.output, n)});`, `}`],
      };
    },
  },
};

function softmaxEmitter<K extends 'softmax_s8' | 'softmax_s8_s16'>(kernel: string): StepEmitter<K> {
  const e = {
    header: 'edgec_softmax.h',
    files: ['edgec_softmax.h', 'edgec_softmax.c', 'edgec_fixedpoint.h'],
    emit(s: SoftmaxStep & { op: { name: string } }, ctx: EmitContext) {
      const n = s.op.name;
      const p = s.params;
      const out = kernel === 'edgec_softmax_s8' ? ctx.tensor(s.output, n) : `(int16_t *)(void *)${ctx.tensor(s.output, n)}`;
      return { kernel, lines: [`status = ${kernel}(${ctx.tensor(s.input, n)}, ${s.rows}, ${s.rowSize}, ${p.multiplier}, ${p.leftShift}, ${p.diffMin}, ${out});`] };
    },
  };
  return e as StepEmitter<K>;
}

/** LOGISTIC / TANH (int8): the function of each of the 256 input values, tabulated here (256 bytes of
 * flash) from the reference kernel; the C only looks up. */
function lutActivationEmitter<K extends 'logistic_s8' | 'tanh_s8'>(kind: K): StepEmitter<K> {
  const e = {
    header: 'edgec_activations.h',
    files: ['edgec_activations.h', 'edgec_activations.c', 'edgec_fixedpoint.h'],
    emit(s: LutActivationStep & { op: { name: string } }, ctx: EmitContext) {
      const n = s.op.name;
      const all = Int8Array.from({ length: 256 }, (_, i) => (i < 128 ? i : i - 256)); // byte order: table[(uint8_t)x]
      const table = ctx.constArray('table', 'int8_t', (kind === 'logistic_s8' ? logisticS8 : tanhS8)(s.params, all), n);
      return { kernel: 'edgec_table_s8', lines: [`status = edgec_table_s8(${table}, ${ctx.tensor(s.input, n)}, ${ctx.tensor(s.output, n)}, ${s.size});`] };
    },
  };
  return e as StepEmitter<K>;
}

function poolEmitter<K extends 'max_pool_s8' | 'avg_pool_s8'>(kernel: string): StepEmitter<K> {
  const e = {
    header: 'edgec_pooling.h',
    files: ['edgec_pooling.h', 'edgec_pooling.c', 'edgec_dot_s8.h'],
    emit(s: PoolStep & { op: { name: string } }, ctx: EmitContext) {
      const n = s.op.name;
      const params = ctx.constStruct('params', 'edgec_pool_params', struct('edgec_pool_params', { stride: tile(s.stride), padding: tile(s.padding), activation: range(s.activation) }), n);
      const fdims = dims('filter_dims', { n: 1, h: s.filter.h, w: s.filter.w, c: 1 }, n, ctx);
      return { kernel, lines: [`status = ${kernel}(&${params}, &${dims('input_dims', s.inputDims, n, ctx)}, ${ctx.tensor(s.input, n)}, &${fdims}, &${dims('output_dims', s.outputDims, n, ctx)}, ${ctx.tensor(s.output, n)});`] };
    },
  };
  return e as StepEmitter<K>;
}
