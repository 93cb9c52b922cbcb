/** Conformance rows for FULLY_CONNECTED (int8). */
import { fullyConnectedS8, type FullyConnectedParams } from '../../kernels/fully_connected.ts';
import { fullyConnectedS16 } from '../../kernels/conv_s16.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import { cActivation } from '../cstructs.ts';
import { weightsOf } from './conv.ts';
import type { CCaseBuilder } from '../cemit.ts';
import { cmsisAct, cmsisCall, cmsisDims, cmsisScratch, mut } from '../cmsis.ts';
import { fullyConnectedS8BufferSize, type CmsisPath } from '../../codegen/cmsis-nn/buffer-sizes.ts';
import { vectorSumS8 } from '../../codegen/kernel-sums.ts';
import { checkFolded } from '../folded.ts';

/** The dims, params and quant structs of a CMSIS-NN fully connected call. */
function cmsisFcStructs(b: CCaseBuilder, c: ReturnType<typeof readFc>) {
  const p = c.params;
  const params = b.declare('cmsis_params', 'cmsis_nn_fc_params', `{ .input_offset = ${p.inputOffset}, .filter_offset = ${p.filterOffset}, .output_offset = ${p.outputOffset}, .activation = ${cmsisAct(p.activation)} }`);
  let quant: string;
  if (c.perChannel) {
    const mult = b.constArray('mult', 'int32_t', c.quant.multiplier);
    const shift = b.constArray('shift', 'int32_t', c.quant.shift);
    quant = b.declare('quant', 'cmsis_nn_per_channel_quant_params', `{ .multiplier = ${mut(mult, 'int32_t')}, .shift = ${mut(shift, 'int32_t')} }`);
  } else {
    quant = b.declare('quant', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${c.quant.multiplier[0]}, .shift = ${c.quant.shift[0]} }`);
  }
  return {
    params,
    quant,
    inDims: cmsisDims(b, 'input_dims', { n: c.batches, h: 1, w: 1, c: c.accumDepth }),
    fDims: cmsisDims(b, 'filter_dims', { n: c.accumDepth, h: 1, w: 1, c: c.outputDepth }),
    bDims: cmsisDims(b, 'bias_dims', { n: 1, h: 1, w: 1, c: c.outputDepth }),
    oDims: cmsisDims(b, 'output_dims', { n: c.batches, h: 1, w: 1, c: c.outputDepth }),
  };
}

function emitCmsisFcS8(r: CaseReader, b: CCaseBuilder, path: CmsisPath): void {
  const c = readFc(r);
  const input = b.constArray('input', 'int8_t', c.input);
  const filter = b.constArray('filter', 'int8_t', c.packed ?? c.filter);
  const bias = c.bias ? b.constArray('bias', 'int32_t', c.bias) : 'NULL';
  const s = cmsisFcStructs(b, c);
  const outLen = c.batches * c.outputDepth;
  const output = b.mutableArray('output', 'int8_t', outLen);
  let ctx: string;
  if (c.packed) {
    if (c.perChannel) throw new Error('arm_fully_connected_s4 is per-tensor only');
    ctx = cmsisScratch(b, 'ctx', 0);
  } else {
    const bytes = fullyConnectedS8BufferSize(path, c.outputDepth);
    if (bytes > 0) {
      // MVE reads precomputed kernel sums from the context (TFLite Micro fills them in Prepare).
      const sums = vectorSumS8(c.filter, c.accumDepth, c.outputDepth, c.params.inputOffset, c.params.filterOffset, c.bias);
      const buf = b.mutableArray('kernel_sums', 'int32_t', sums.length, sums);
      b.stmt(`if (arm_fully_connected_s8_get_buffer_size(&${s.fDims}) != ${bytes}) status = 1000;`);
      ctx = b.declare('ctx', 'cmsis_nn_context', `{ .buf = ${buf}, .size = ${bytes} }`);
    } else ctx = cmsisScratch(b, 'ctx', 0, `arm_fully_connected_s8_get_buffer_size(&${s.fDims})`);
  }
  const fn = c.packed ? 'arm_fully_connected_s4' : c.perChannel ? 'arm_fully_connected_per_channel_s8' : 'arm_fully_connected_s8';
  cmsisCall(b, `${fn}(&${ctx}, &${s.params}, &${s.quant}, &${s.inDims}, ${input}, &${s.fDims}, ${filter}, &${s.bDims}, ${bias}, &${s.oDims}, ${output})`);
  b.setOutput(output, 'int8_t', outLen);
}

function emitCmsisFcS16(r: CaseReader, b: CCaseBuilder): void {
  const c = readFc(r);
  const bt = r.tensor('bias');
  if (c.perChannel) throw new Error('arm_fully_connected_s16 is per-tensor only');
  if (bt.data && bt.dtype !== 'int64') throw new Error('arm_fully_connected_s16 takes int64 bias');
  const input = b.constArray('input', 'int16_t', r.data('input'));
  const filter = b.constArray('filter', 'int8_t', c.filter);
  const bias = bt.data ? b.constArray('bias', 'int64_t', bt.data) : 'NULL';
  const s = cmsisFcStructs(b, c);
  const outLen = c.batches * c.outputDepth;
  const output = b.mutableArray('output', 'int16_t', outLen);
  const ctx = cmsisScratch(b, 'ctx', 0, `arm_fully_connected_s16_get_buffer_size(&${s.fDims})`);
  cmsisCall(b, `arm_fully_connected_s16(&${ctx}, &${s.params}, &${s.quant}, &${s.inDims}, ${input}, &${s.fDims}, ${filter}, &${s.bDims}, ${bias}, &${s.oDims}, ${output})`);
  b.setOutput(output, 'int16_t', outLen);
}

function readFc(r: CaseReader) {
  const perChannel = r.bool('per_channel');
  const params: FullyConnectedParams = {
    inputOffset: r.int('input_offset'),
    filterOffset: r.int('filter_offset'),
    outputOffset: r.int('output_offset'),
    activation: { min: r.int('activation.min'), max: r.int('activation.max') },
  };
  const quant = perChannel
    ? { multiplier: Int32Array.from(r.data('output_mult')), shift: Int32Array.from(r.data('output_shift')) }
    : { multiplier: Int32Array.of(r.int('output_multiplier')), shift: Int32Array.of(r.int('output_shift')) };
  const accumDepth = r.int('filter_dims.n');
  const outputDepth = r.int('filter_dims.c');
  const input = Int8Array.from(r.data('input'));
  const packed = r.tensor('weights').dtype === 'int4x2_packed' ? Int8Array.from(r.data('weights'), (v) => (v > 127 ? v - 256 : v)) : null;
  return { params, quant, perChannel, accumDepth, outputDepth, batches: input.length / accumDepth, input, filter: weightsOf(r), packed, bias: r.optData('bias') };
}

export const fullyConnectedAdapters: OpAdapter[] = [
  {
    op: 'fully_connected',
    actDtypes: ['s8', 's8w4'],
    emitCmsis: emitCmsisFcS8,
    runTs(r) {
      const c = readFc(r);
      return fullyConnectedS8(c.params, c.quant, c.perChannel, c.batches, c.accumDepth, c.outputDepth, c.input, c.filter, c.bias ? Int32Array.from(c.bias) : null);
    },
    emitC(r, b) {
      const c = readFc(r);
      b.include('edgec_fully_connected.h');
      const input = b.constArray('input', 'int8_t', c.input);
      const filter = b.constArray('filter', 'int8_t', c.packed ?? c.filter);
      const bias = c.bias ? b.constArray('bias', 'int32_t', c.bias) : 'NULL';
      const mult = b.constArray('mult', 'int32_t', c.quant.multiplier);
      const shift = b.constArray('shift', 'int32_t', c.quant.shift);
      const quant = b.declare('quant', 'edgec_per_channel_quant', `{ ${mult}, ${shift} }`);
      const p = c.params;
      const params = b.declare('params', 'edgec_fc_params', `{ ${p.inputOffset}, ${p.filterOffset}, ${p.outputOffset}, ${cActivation(p.activation)} }`);
      const outLen = c.batches * c.outputDepth;
      const output = b.mutableArray('output', 'int8_t', outLen);
      b.stmt(`status = edgec_fully_connected_${c.packed ? 's4' : 's8'}(&${params}, &${quant}, ${c.perChannel ? 1 : 0}, ${c.batches}, ${c.accumDepth}, ${c.outputDepth}, ${input}, ${filter}, ${bias}, ${output});`);
      if (!c.packed && p.filterOffset === 0) {
        // Generated code calls the folded variant (kernel sums computed by the compiler, as here): it
        // must give the very bytes of the interchangeable kernel above, or the case fails.
        const sums = b.constArray('kernel_sums', 'int32_t', vectorSumS8(c.filter, c.accumDepth, c.outputDepth, p.inputOffset, 0, c.bias));
        checkFolded(b, output, outLen, (out) => `edgec_fully_connected_s8_folded(&${params}, &${quant}, ${c.perChannel ? 1 : 0}, ${c.batches}, ${c.accumDepth}, ${c.outputDepth}, ${input}, ${filter}, ${sums}, ${out})`);
      }
      b.setOutput(output, 'int8_t', outLen);
    },
  },
];

export const fullyConnectedS16Adapters: OpAdapter[] = [
  {
    op: 'fully_connected',
    actDtypes: ['s16'],
    emitCmsis: (r, b) => emitCmsisFcS16(r, b),
    runTs(r) {
      const c = readFc(r);
      const bt = r.tensor('bias');
      return fullyConnectedS16(c.params, c.quant, c.perChannel, c.batches, c.accumDepth, c.outputDepth, Int16Array.from(r.data('input')), c.filter, { data: bt.data, is32: bt.dtype === 'int32' });
    },
    emitC(r, b) {
      const c = readFc(r);
      const bt = r.tensor('bias');
      b.include('edgec_conv_s16.h');
      const input = b.constArray('input', 'int16_t', r.data('input'));
      const filter = b.constArray('filter', 'int8_t', c.filter);
      const biasArr = bt.data ? b.constArray('bias', bt.dtype === 'int32' ? 'int32_t' : 'int64_t', bt.data) : 'NULL';
      const bias = b.declare('bias_data', 'edgec_bias_data', `{ ${biasArr}, ${bt.dtype === 'int32' ? 1 : 0} }`);
      const mult = b.constArray('mult', 'int32_t', c.quant.multiplier);
      const shift = b.constArray('shift', 'int32_t', c.quant.shift);
      const quant = b.declare('quant', 'edgec_per_channel_quant', `{ ${mult}, ${shift} }`);
      const p = c.params;
      const params = b.declare('params', 'edgec_fc_params', `{ ${p.inputOffset}, ${p.filterOffset}, ${p.outputOffset}, ${cActivation(p.activation)} }`);
      const outLen = c.batches * c.outputDepth;
      const output = b.mutableArray('output', 'int16_t', outLen);
      b.stmt(`status = edgec_fully_connected_s16(&${params}, &${quant}, ${c.perChannel ? 1 : 0}, ${c.batches}, ${c.accumDepth}, ${c.outputDepth}, ${input}, ${filter}, &${bias}, ${output});`);
      b.setOutput(output, 'int16_t', outLen);
    },
  },
];
