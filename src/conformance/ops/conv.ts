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
import { cActivation, cDims, cTile } from '../cstructs.ts';

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

/** Shared C arrays of a conv-like case; returns their names. */
function emitConvArrays(r: CaseReader, b: CCaseBuilder, c: ReturnType<typeof readConv>) {
  const input = b.constArray('input', 'int8_t', c.input);
  const filter = b.constArray('filter', 'int8_t', c.packed ?? c.filter);
  const bias = c.bias ? b.constArray('bias', 'int32_t', c.bias) : 'NULL';
  const mult = b.constArray('mult', 'int32_t', c.quant.multiplier);
  const shift = b.constArray('shift', 'int32_t', c.quant.shift);
  const quant = b.declare('quant', 'edgec_per_channel_quant', `{ ${mult}, ${shift} }`);
  const outLen = dimsSize(c.outputDims);
  const output = b.mutableArray('output', 'int8_t', outLen);
  const dims = (role: string, d: typeof c.inputDims) => b.declare(role, 'edgec_dims', cDims(d));
  void r;
  return { input, filter, bias, quant, output, outLen, inDims: dims('input_dims', c.inputDims), fDims: dims('filter_dims', c.filterDims), oDims: dims('output_dims', c.outputDims) };
}

export const convAdapters: OpAdapter[] = [
  {
    op: 'transpose_conv2d',
    actDtypes: ['s8'],
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
      b.setOutput(a.output, 'int8_t', a.outLen);
    },
  },
  {
    op: 'depthwise_conv2d',
    actDtypes: ['s8', 's8w4'],
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

export const convS16Adapters: OpAdapter[] = [
  {
    op: 'conv2d',
    actDtypes: ['s16'],
    runTs(r) {
      const c = readConvS16(r);
      return convolveS16(c.params, c.quant, c.inputDims, c.input, c.filterDims, c.filter, c.bias, c.outputDims);
    },
    emitC: (r, b) => emitConvS16(r, b, false),
  },
  {
    op: 'depthwise_conv2d',
    actDtypes: ['s16'],
    runTs(r) {
      const c = readConvS16(r);
      return depthwiseConvS16({ ...c.params, chMult: r.int('ch_mult') }, c.quant, c.inputDims, c.input, c.filterDims, c.filter, c.bias, c.outputDims);
    },
    emitC: (r, b) => emitConvS16(r, b, true),
  },
];
