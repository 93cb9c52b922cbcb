/** Conformance rows for SOFTMAX with int8 input (int8 or int16 output). */
import { softmaxS8, softmaxS8S16 } from '../../kernels/softmax.ts';
import { softmaxS16 } from '../../kernels/softmax_s16.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import { cmsisCall, cmsisVoidCall } from '../cmsis.ts';

function readSoftmax(r: CaseReader) {
  return { input: Int8Array.from(r.data('input')), rows: r.int('num_rows'), rowSize: r.int('row_size'), mult: r.int('mult'), shift: r.int('shift'), diffMin: r.int('diff_min') };
}

function softmaxAdapter(actDtype: 's8' | 's8_s16'): OpAdapter {
  const s16 = actDtype === 's8_s16';
  return {
    op: 'softmax',
    actDtypes: [actDtype],
    runTs(r) {
      const c = readSoftmax(r);
      return (s16 ? softmaxS8S16 : softmaxS8)(c.input, c.rows, c.rowSize, c.mult, c.shift, c.diffMin);
    },
    emitCmsis(r, b) {
      const c = readSoftmax(r);
      const input = b.constArray('input', 'int8_t', c.input);
      const len = c.rows * c.rowSize;
      const output = b.mutableArray('output', s16 ? 'int16_t' : 'int8_t', len);
      cmsisVoidCall(b, `${s16 ? 'arm_softmax_s8_s16' : 'arm_softmax_s8'}(${input}, ${c.rows}, ${c.rowSize}, ${c.mult}, ${c.shift}, ${c.diffMin}, ${output})`);
      b.setOutput(output, s16 ? 'int16_t' : 'int8_t', len);
    },
    emitC(r, b) {
      const c = readSoftmax(r);
      b.include('edgec_softmax.h');
      const input = b.constArray('input', 'int8_t', c.input);
      const len = c.rows * c.rowSize;
      const output = b.mutableArray('output', s16 ? 'int16_t' : 'int8_t', len);
      b.stmt(`status = ${s16 ? 'edgec_softmax_s8_s16' : 'edgec_softmax_s8'}(${input}, ${c.rows}, ${c.rowSize}, ${c.mult}, ${c.shift}, ${c.diffMin}, ${output});`);
      b.setOutput(output, s16 ? 'int16_t' : 'int8_t', len);
    },
  };
}

const softmaxS16Adapter: OpAdapter = {
  op: 'softmax',
  actDtypes: ['s16'],
  runTs(r) {
    return softmaxS16(Int16Array.from(r.data('input')), r.int('num_rows'), r.int('row_size'), r.int('mult'), r.int('shift'), r.ints('exp_lut'), r.ints('one_by_one_lut'));
  },
  emitCmsis(r, b) {
    const input = b.constArray('input', 'int16_t', r.data('input'));
    const exp = b.constArray('exp_lut', 'int16_t', r.ints('exp_lut'));
    const one = b.constArray('one_by_one_lut', 'int16_t', r.ints('one_by_one_lut'));
    const luts = b.declare('luts', 'cmsis_nn_softmax_lut_s16', `{ .exp_lut = ${exp}, .one_by_one_lut = ${one} }`);
    const len = r.int('num_rows') * r.int('row_size');
    const out = b.mutableArray('output', 'int16_t', len);
    cmsisCall(b, `arm_softmax_s16(${input}, ${r.int('num_rows')}, ${r.int('row_size')}, ${r.int('mult')}, ${r.int('shift')}, &${luts}, ${out})`);
    b.setOutput(out, 'int16_t', len);
  },
  emitC(r, b) {
    b.include('edgec_softmax_s16.h');
    const input = b.constArray('input', 'int16_t', r.data('input'));
    const exp = b.constArray('exp_lut', 'int16_t', r.ints('exp_lut'));
    const one = b.constArray('one_by_one_lut', 'int16_t', r.ints('one_by_one_lut'));
    const len = r.int('num_rows') * r.int('row_size');
    const out = b.mutableArray('output', 'int16_t', len);
    b.stmt(`status = edgec_softmax_s16(${input}, ${r.int('num_rows')}, ${r.int('row_size')}, ${r.int('mult')}, ${r.int('shift')}, ${exp}, ${one}, ${out});`);
    b.setOutput(out, 'int16_t', len);
  },
};

export const softmaxAdapters: OpAdapter[] = [softmaxAdapter('s8'), softmaxAdapter('s8_s16'), softmaxS16Adapter];
