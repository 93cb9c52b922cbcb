/** Conformance rows for CONV_2D and DEPTHWISE_CONV_2D (int8). */
import { convolveS8, type ConvParams } from '../../kernels/conv.ts';
import { convolveS16, depthwiseConvS16 } from '../../kernels/conv_s16.ts';
import { depthwiseConvS8 } from '../../kernels/depthwise.ts';
import { transposeConvS8 } from '../../kernels/transpose_conv.ts';
import { unpackInt4 } from '../../kernels/int4.ts';
import { dimsSize } from '../../kernels/types.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import type { CCaseBuilder } from '../cemit.ts';
import { checkFolded } from '../folded.ts';
import { depthwiseKernelSums, vectorSumS8 } from '../../codegen/kernel-sums.ts';
import { cActivation, cDims, cTile } from '../cstructs.ts';
import { cmsisAct, cmsisCall, cmsisDims, cmsisScratch, cmsisTile, mut } from '../cmsis.ts';
import { convS8GenericBufferSize, convS16BufferSize, convS4BufferSize, convS8BufferSize, depthwiseS16BufferSize, depthwiseS4BufferSize, depthwiseS8BufferSize, transposeConvS8BufferSizes, type CmsisPath } from '../../codegen/cmsis-nn/buffer-sizes.ts';

/** int8 weights, or packed int4 weights unpacked (the TS kernels run on unpacked values). */
export function weightsOf(r: CaseReader): Int8Array {
  const w = r.tensor('weights');
  if (w.dtype !== 'int4x2_packed') return Int8Array.from(r.data('weights'));
  return unpackInt4(r.data('weights'), w.shape.reduce((a, b) => a * b, 1));
}

/** The fields every convolution case shares (any activation dtype). */
function readConvCommon(r: CaseReader) {
  const params: ConvParams = {
    inputOffset: r.int('input_offset'),
    outputOffset: r.int('output_offset'),
    stride: r.tile('stride'),
    padding: r.tile('padding'),
    dilation: r.tile('dilation'),
    activation: { min: r.int('activation.min'), max: r.int('activation.max') },
  };
  return {
    params,
    quant: { multiplier: Int32Array.from(r.data('output_mult')), shift: Int32Array.from(r.data('output_shift')) },
    inputDims: r.dims('input_dims'),
    filterDims: r.dims('filter_dims'),
    outputDims: r.dims('output_dims'),
  };
}

function readConv(r: CaseReader) {
  return {
    ...readConvCommon(r),
    input: Int8Array.from(r.data('input')),
    filter: weightsOf(r),
    packed: r.tensor('weights').dtype === 'int4x2_packed' ? Int8Array.from(r.data('weights'), (v) => (v > 127 ? v - 256 : v)) : null,
    bias: r.optData('bias'),
  };
}

/** The data arrays of a conv-like case (any kernel library); returns their names. */
function convDataArrays(b: CCaseBuilder, c: ReturnType<typeof readConv>) {
  const input = b.constArray('input', 'int8_t', c.input);
  const filter = b.constArray('filter', 'int8_t', c.packed ?? c.filter);
  const bias = c.bias ? b.constArray('bias', 'int32_t', c.bias) : 'NULL';
  const outLen = dimsSize(c.outputDims);
  const output = b.mutableArray('output', 'int8_t', outLen);
  return { input, filter, bias, output, outLen };
}

/** Shared C arrays and portable-kernel structs of a conv-like case; returns their names. */
function emitConvArrays(r: CaseReader, b: CCaseBuilder, c: ReturnType<typeof readConv>) {
  const d = convDataArrays(b, c);
  const mult = b.constArray('mult', 'int32_t', c.quant.multiplier);
  const shift = b.constArray('shift', 'int32_t', c.quant.shift);
  const quant = b.declare('quant', 'edgec_per_channel_quant', `{ ${mult}, ${shift} }`);
  const dims = (role: string, dd: typeof c.inputDims) => b.declare(role, 'edgec_dims', cDims(dd));
  void r;
  return { ...d, quant, inDims: dims('input_dims', c.inputDims), fDims: dims('filter_dims', c.filterDims), oDims: dims('output_dims', c.outputDims) };
}

/** Arrays and structs every CMSIS-NN conv call shares. */
function cmsisConvArrays(b: CCaseBuilder, c: ReturnType<typeof readConvCommon>, input: string, filter: string) {
  const mult = b.constArray('mult', 'int32_t', c.quant.multiplier);
  const shift = b.constArray('shift', 'int32_t', c.quant.shift);
  const quant = b.declare('quant', 'cmsis_nn_per_channel_quant_params', `{ .multiplier = ${mut(mult, 'int32_t')}, .shift = ${mut(shift, 'int32_t')} }`);
  const p = c.params;
  const head = `.input_offset = ${p.inputOffset}, .output_offset = ${p.outputOffset}`;
  const tail = `.stride = ${cmsisTile(p.stride)}, .padding = ${cmsisTile(p.padding)}, .dilation = ${cmsisTile(p.dilation)}, .activation = ${cmsisAct(p.activation)}`;
  return {
    quant,
    head,
    tail,
    inDims: cmsisDims(b, 'input_dims', c.inputDims),
    fDims: cmsisDims(b, 'filter_dims', c.filterDims),
    bDims: cmsisDims(b, 'bias_dims', { n: 1, h: 1, w: 1, c: c.outputDims.c }),
    oDims: cmsisDims(b, 'output_dims', c.outputDims),
    input,
    filter,
  };
}

function emitCmsisConvS8(r: CaseReader, b: CCaseBuilder, path: CmsisPath, depthwise: boolean): void {
  const c = readConv(r);
  const a0 = convDataArrays(b, c);
  const a = cmsisConvArrays(b, c, a0.input, a0.filter);
  const s4 = c.packed !== null;
  const geometry = { ...c.params, inputDims: c.inputDims, filterDims: c.filterDims, outputDims: c.outputDims };
  const args = (params: string, ctx: string) => `&${ctx}, &${params}, &${a.quant}, &${a.inDims}, ${a.input}, &${a.fDims}, ${a.filter}, &${a.bDims}, ${a0.bias}`;
  if (depthwise) {
    const params = b.declare('cmsis_params', 'cmsis_nn_dw_conv_params', `{ ${a.head}, .ch_mult = ${r.int('ch_mult')}, ${a.tail} }`);
    const fn = `arm_depthwise_conv_wrapper_${s4 ? 's4' : 's8'}`;
    const bytes = (s4 ? depthwiseS4BufferSize : depthwiseS8BufferSize)(path, geometry);
    const ctx = cmsisScratch(b, 'ctx', bytes, `${fn}_get_buffer_size(&${params}, &${a.inDims}, &${a.fDims}, &${a.oDims})`);
    cmsisCall(b, `${fn}(${args(params, ctx)}, &${a.oDims}, ${a0.output})`);
  } else {
    const params = b.declare('cmsis_params', 'cmsis_nn_conv_params', `{ ${a.head}, ${a.tail} }`);
    const grouped = c.filterDims.c !== c.inputDims.c;
    if (grouped) {
      // Only arm_convolve_s8 handles groups (the wrappers do not); its buffer is the im2col one.
      const ctx = cmsisScratch(b, 'ctx', convS8GenericBufferSize(path, c.inputDims, c.filterDims), `arm_convolve_s8_get_buffer_size(&${a.inDims}, &${a.fDims})`);
      cmsisCall(b, `arm_convolve_s8(${args(params, ctx)}, NULL, &${a.oDims}, ${a0.output})`);
    } else {
      const fn = `arm_convolve_wrapper_${s4 ? 's4' : 's8'}`;
      const bytes = (s4 ? convS4BufferSize : convS8BufferSize)(path, geometry);
      const ctx = cmsisScratch(b, 'ctx', bytes, `${fn}_get_buffer_size(&${params}, &${a.inDims}, &${a.fDims}, &${a.oDims})`);
      cmsisCall(b, `${fn}(${args(params, ctx)}, &${a.oDims}, ${a0.output})`);
    }
  }
  b.setOutput(a0.output, 'int8_t', a0.outLen);
}

function emitCmsisTransposeConv(r: CaseReader, b: CCaseBuilder, path: CmsisPath): void {
  const c = readConv(r);
  const a0 = convDataArrays(b, c);
  const a = cmsisConvArrays(b, c, a0.input, a0.filter);
  const p = c.params;
  const params = b.declare(
    'cmsis_params',
    'cmsis_nn_transpose_conv_params',
    `{ ${a.head}, .stride = ${cmsisTile(p.stride)}, .padding = ${cmsisTile(p.padding)}, .padding_offsets = ${cmsisTile(r.tile('padding_offsets'))}, .dilation = ${cmsisTile(p.dilation)}, .activation = ${cmsisAct(p.activation)} }`,
  );
  const sizes = transposeConvS8BufferSizes(path, p.stride, c.inputDims, c.filterDims, c.outputDims);
  const ctx = cmsisScratch(b, 'ctx', sizes.buffer, `arm_transpose_conv_s8_get_buffer_size(&${params}, &${a.inDims}, &${a.fDims}, &${a.oDims})`);
  const rev = cmsisScratch(b, 'reverse_ctx', sizes.reverseConv, `arm_transpose_conv_s8_get_reverse_conv_buffer_size(&${params}, &${a.inDims}, &${a.fDims})`);
  cmsisCall(b, `arm_transpose_conv_wrapper_s8(&${ctx}, &${rev}, &${params}, &${a.quant}, &${a.inDims}, ${a.input}, &${a.fDims}, ${a.filter}, &${a.bDims}, ${a0.bias}, &${a.oDims}, ${a0.output})`);
  b.setOutput(a0.output, 'int8_t', a0.outLen);
}

export const convAdapters: OpAdapter[] = [
  {
    op: 'transpose_conv2d',
    actDtypes: ['s8'],
    emitCmsis: emitCmsisTransposeConv,
    runTs(r) {
      const c = readConv(r);
      return transposeConvS8(c.params, c.quant, c.inputDims, c.input, c.filterDims, c.filter, c.bias ? Int32Array.from(c.bias) : null, c.outputDims);
    },
    emitC(r, b) {
      const c = readConv(r);
      b.include('edgec_transpose_conv.h');
      const a = emitConvArrays(r, b, c);
      const p = c.params;
      const params = b.declare(
        'params',
        'edgec_conv_params',
        `{ ${p.inputOffset}, ${p.outputOffset}, ${cTile(p.stride)}, ${cTile(p.padding)}, ${cTile(p.dilation)}, ${cActivation(p.activation)} }`,
      );
      b.stmt(`status = edgec_transpose_conv_s8(&${params}, &${a.quant}, &${a.inDims}, ${a.input}, &${a.fDims}, ${a.filter}, ${a.bias}, &${a.oDims}, ${a.output});`);
      b.setOutput(a.output, 'int8_t', a.outLen);
    },
  },
  {
    op: 'conv2d',
    actDtypes: ['s8', 's8w4'],
    emitCmsis: (r, b, path) => emitCmsisConvS8(r, b, path, false),
    runTs(r) {
      const c = readConv(r);
      return convolveS8(c.params, c.quant, c.inputDims, c.input, c.filterDims, c.filter, c.bias ? Int32Array.from(c.bias) : null, c.outputDims);
    },
    emitC(r, b) {
      const c = readConv(r);
      b.include('edgec_conv.h');
      const a = emitConvArrays(r, b, c);
      const p = c.params;
      const params = b.declare(
        'params',
        'edgec_conv_params',
        `{ ${p.inputOffset}, ${p.outputOffset}, ${cTile(p.stride)}, ${cTile(p.padding)}, ${cTile(p.dilation)}, ${cActivation(p.activation)} }`,
      );
      b.stmt(`status = edgec_convolve_${c.packed ? 's4' : 's8'}(&${params}, &${a.quant}, &${a.inDims}, ${a.input}, &${a.fDims}, ${a.filter}, ${a.bias}, &${a.oDims}, ${a.output});`);
      if (!c.packed && c.filterDims.c === c.inputDims.c) {
        const k = c.filterDims.h * c.filterDims.w * c.filterDims.c;
        const sums = b.constArray('kernel_sums', 'int32_t', vectorSumS8(c.filter, k, c.outputDims.c, p.inputOffset, 0, c.bias));
        const patch = b.mutableArray('patch', 'int8_t', k);
        checkFolded(b, a.output, a.outLen, (out) => `edgec_convolve_s8_folded(&${params}, &${a.quant}, &${a.inDims}, ${a.input}, &${a.fDims}, ${a.filter}, ${sums}, &${a.oDims}, ${out}, ${patch})`);
      }
      b.setOutput(a.output, 'int8_t', a.outLen);
    },
  },
  {
    op: 'depthwise_conv2d',
    actDtypes: ['s8', 's8w4'],
    emitCmsis: (r, b, path) => emitCmsisConvS8(r, b, path, true),
    runTs(r) {
      const c = readConv(r);
      return depthwiseConvS8({ ...c.params, chMult: r.int('ch_mult') }, c.quant, c.inputDims, c.input, c.filterDims, c.filter, c.bias ? Int32Array.from(c.bias) : null, c.outputDims);
    },
    emitC(r, b) {
      const c = readConv(r);
      b.include('edgec_conv.h');
      const a = emitConvArrays(r, b, c);
      const p = c.params;
      const params = b.declare(
        'params',
        'edgec_dw_conv_params',
        `{ ${r.int('ch_mult')}, ${p.inputOffset}, ${p.outputOffset}, ${cTile(p.stride)}, ${cTile(p.padding)}, ${cTile(p.dilation)}, ${cActivation(p.activation)} }`,
      );
      b.stmt(`status = edgec_depthwise_conv_${c.packed ? 's4' : 's8'}(&${params}, &${a.quant}, &${a.inDims}, ${a.input}, &${a.fDims}, ${a.filter}, ${a.bias}, &${a.oDims}, ${a.output});`);
      if (!c.packed && r.int('ch_mult') === 1) {
        const sums = b.constArray('kernel_sums', 'int32_t', depthwiseKernelSums(c.filter, c.filterDims.h * c.filterDims.w, c.outputDims.c, p.inputOffset, c.bias));
        const pad = b.mutableArray('pad_row', 'int8_t', c.inputDims.c);
        checkFolded(b, a.output, a.outLen, (out) => `edgec_depthwise_conv_s8_folded(&${params}, &${a.quant}, &${a.inDims}, ${a.input}, &${a.fDims}, ${a.filter}, ${sums}, &${a.oDims}, ${out}, ${pad})`);
      }
      b.setOutput(a.output, 'int8_t', a.outLen);
    },
  },
];

/** int16 activations: the bias dtype (int32 or int64) picks the requantization path, even when null. */
function readConvS16(r: CaseReader) {
  const biasT = r.tensor('bias');
  return {
    ...readConvCommon(r),
    input: Int16Array.from(r.data('input')),
    filter: Int8Array.from(r.data('weights')),
    bias: { data: biasT.data, is32: biasT.dtype === 'int32' },
  };
}

function emitConvS16(r: CaseReader, b: CCaseBuilder, depthwise: boolean): void {
  const c = readConvS16(r);
  const p = c.params;
  b.include('edgec_conv_s16.h');
  const input = b.constArray('input', 'int16_t', c.input);
  const filter = b.constArray('filter', 'int8_t', c.filter);
  const biasArr = c.bias.data ? b.constArray('bias', c.bias.is32 ? 'int32_t' : 'int64_t', c.bias.data) : 'NULL';
  const bias = b.declare('bias_data', 'edgec_bias_data', `{ ${biasArr}, ${c.bias.is32 ? 1 : 0} }`);
  const mult = b.constArray('mult', 'int32_t', c.quant.multiplier);
  const shift = b.constArray('shift', 'int32_t', c.quant.shift);
  const quant = b.declare('quant', 'edgec_per_channel_quant', `{ ${mult}, ${shift} }`);
  const outLen = dimsSize(c.outputDims);
  const output = b.mutableArray('output', 'int16_t', outLen);
  const dims = (role: string, d: typeof c.inputDims) => b.declare(role, 'edgec_dims', cDims(d));
  const tail = `&${dims('input_dims', c.inputDims)}, ${input}, &${dims('filter_dims', c.filterDims)}, ${filter}, &${bias}, &${dims('output_dims', c.outputDims)}, ${output}`;
  if (depthwise) {
    const params = b.declare('params', 'edgec_dw_conv_params', `{ ${r.int('ch_mult')}, ${p.inputOffset}, ${p.outputOffset}, ${cTile(p.stride)}, ${cTile(p.padding)}, ${cTile(p.dilation)}, ${cActivation(p.activation)} }`);
    b.stmt(`status = edgec_depthwise_conv_s16(&${params}, &${quant}, ${tail});`);
  } else {
    const params = b.declare('params', 'edgec_conv_params', `{ ${p.inputOffset}, ${p.outputOffset}, ${cTile(p.stride)}, ${cTile(p.padding)}, ${cTile(p.dilation)}, ${cActivation(p.activation)} }`);
    b.stmt(`status = edgec_convolve_s16(&${params}, &${quant}, ${tail});`);
  }
  b.setOutput(output, 'int16_t', outLen);
}

function emitCmsisConvS16(r: CaseReader, b: CCaseBuilder, path: CmsisPath, depthwise: boolean): void {
  const c = readConvS16(r);
  const input = b.constArray('input', 'int16_t', c.input);
  const filter = b.constArray('filter', 'int8_t', c.filter);
  const biasArr = c.bias.data ? b.constArray('bias', c.bias.is32 ? 'int32_t' : 'int64_t', c.bias.data) : 'NULL';
  const a = cmsisConvArrays(b, c, input, filter);
  const outLen = dimsSize(c.outputDims);
  const output = b.mutableArray('output', 'int16_t', outLen);
  const geometry = { ...c.params, inputDims: c.inputDims, filterDims: c.filterDims, outputDims: c.outputDims };
  if (depthwise) {
    const chMult = r.int('ch_mult');
    const params = b.declare('cmsis_params', 'cmsis_nn_dw_conv_params', `{ ${a.head}, .ch_mult = ${chMult}, ${a.tail} }`);
    const ctx = cmsisScratch(b, 'ctx', depthwiseS16BufferSize(path, geometry, chMult), `arm_depthwise_conv_wrapper_s16_get_buffer_size(&${params}, &${a.inDims}, &${a.fDims}, &${a.oDims})`);
    if (c.bias.data && c.bias.is32) throw new Error('arm_depthwise_conv_wrapper_s16 takes int64 bias only');
    cmsisCall(b, `arm_depthwise_conv_wrapper_s16(&${ctx}, &${params}, &${a.quant}, &${a.inDims}, ${input}, &${a.fDims}, ${filter}, &${a.bDims}, ${biasArr}, &${a.oDims}, ${output})`);
  } else {
    const params = b.declare('cmsis_params', 'cmsis_nn_conv_params', `{ ${a.head}, ${a.tail} }`);
    const bias = b.declare('bias_data', 'cmsis_nn_bias_data', `{ .data = ${biasArr}, .is_int32_bias = ${c.bias.is32 ? 'true' : 'false'} }`);
    const ctx = cmsisScratch(b, 'ctx', convS16BufferSize(path, geometry), `arm_convolve_wrapper_s16_get_buffer_size(&${params}, &${a.inDims}, &${a.fDims}, &${a.oDims})`);
    cmsisCall(b, `arm_convolve_wrapper_s16(&${ctx}, &${params}, &${a.quant}, &${a.inDims}, ${input}, &${a.fDims}, ${filter}, &${a.bDims}, &${bias}, &${a.oDims}, ${output})`);
  }
  b.setOutput(output, 'int16_t', outLen);
}

export const convS16Adapters: OpAdapter[] = [
  {
    op: 'conv2d',
    actDtypes: ['s16'],
    runTs(r) {
      const c = readConvS16(r);
      return convolveS16(c.params, c.quant, c.inputDims, c.input, c.filterDims, c.filter, c.bias, c.outputDims);
    },
    emitC: (r, b) => emitConvS16(r, b, false),
    emitCmsis: (r, b, path) => emitCmsisConvS16(r, b, path, false),
  },
  {
    op: 'depthwise_conv2d',
    actDtypes: ['s16'],
    runTs(r) {
      const c = readConvS16(r);
      return depthwiseConvS16({ ...c.params, chMult: r.int('ch_mult') }, c.quant, c.inputDims, c.input, c.filterDims, c.filter, c.bias, c.outputDims);
    },
    emitC: (r, b) => emitConvS16(r, b, true),
    emitCmsis: (r, b, path) => emitCmsisConvS16(r, b, path, true),
  },
];
