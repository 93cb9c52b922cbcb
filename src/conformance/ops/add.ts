/** Conformance rows for elementwise ADD and MUL (int8, int16). */
import { addS16, addS8, mulS16, mulS8, type MulParams } from '../../kernels/add.ts';
import type { AddParams } from '../../quantize/op-params.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import { cmsisCall } from '../cmsis.ts';

function common(r: CaseReader) {
  return { act: { min: r.int('activation.min'), max: r.int('activation.max') }, size: r.int('block_size'), a: r.data('input_1'), b: r.data('input_2') };
}

function readAdd(r: CaseReader): AddParams {
  return {
    input1Offset: r.int('input_1_offset'),
    input2Offset: r.int('input_2_offset'),
    input1: { multiplier: r.int('input_1_mult'), shift: r.int('input_1_shift') },
    input2: { multiplier: r.int('input_2_mult'), shift: r.int('input_2_shift') },
    leftShift: r.int('left_shift'),
    outputOffset: r.int('output_offset'),
    output: { multiplier: r.int('output_mult'), shift: r.int('output_shift') },
  };
}

function readMul(r: CaseReader): MulParams {
  return { input1Offset: r.int('input_1_offset'), input2Offset: r.int('input_2_offset'), outputOffset: r.int('output_offset'), output: { multiplier: r.int('output_mult'), shift: r.int('output_shift') } };
}

function adapter(op: 'add' | 'mul', s16: boolean): OpAdapter {
  const ctype = s16 ? 'int16_t' : 'int8_t';
  const kernel = `edgec_${op}_${s16 ? 's16' : 's8'}`;
  return {
    op,
    actDtypes: [s16 ? 's16' : 's8'],
    runTs(r) {
      const c = common(r);
      const A = s16 ? Int16Array.from(c.a) : Int8Array.from(c.a);
      const B = s16 ? Int16Array.from(c.b) : Int8Array.from(c.b);
      if (op === 'add') return s16 ? addS16(A as Int16Array, B as Int16Array, readAdd(r), c.act, c.size) : addS8(A as Int8Array, B as Int8Array, readAdd(r), c.act, c.size);
      return s16 ? mulS16(A as Int16Array, B as Int16Array, readMul(r), c.act, c.size) : mulS8(A as Int8Array, B as Int8Array, readMul(r), c.act, c.size);
    },
    emitCmsis(r, b) {
      const c = common(r);
      const a = b.constArray('input_1', ctype, c.a);
      const bb = b.constArray('input_2', ctype, c.b);
      const out = b.mutableArray('output', ctype, c.size);
      const fn = `arm_elementwise_${op}_${s16 ? 's16' : 's8'}`;
      if (op === 'add') {
        const p = readAdd(r);
        cmsisCall(b, `${fn}(${a}, ${bb}, ${p.input1Offset}, ${p.input1.multiplier}, ${p.input1.shift}, ${p.input2Offset}, ${p.input2.multiplier}, ${p.input2.shift}, ${p.leftShift}, ${out}, ${p.outputOffset}, ${p.output.multiplier}, ${p.output.shift}, ${c.act.min}, ${c.act.max}, ${c.size})`);
      } else {
        const p = readMul(r);
        cmsisCall(b, `${fn}(${a}, ${bb}, ${p.input1Offset}, ${p.input2Offset}, ${out}, ${p.outputOffset}, ${p.output.multiplier}, ${p.output.shift}, ${c.act.min}, ${c.act.max}, ${c.size})`);
      }
      b.setOutput(out, ctype, c.size);
    },
    emitC(r, b) {
      const c = common(r);
      b.include('edgec_add.h');
      const a = b.constArray('input_1', ctype, c.a);
      const bb = b.constArray('input_2', ctype, c.b);
      const out = b.mutableArray('output', ctype, c.size);
      if (op === 'add') {
        const p = readAdd(r);
        b.stmt(`status = ${kernel}(${a}, ${bb}, ${p.input1Offset}, ${p.input1.multiplier}, ${p.input1.shift}, ${p.input2Offset}, ${p.input2.multiplier}, ${p.input2.shift}, ${p.leftShift}, ${out}, ${p.outputOffset}, ${p.output.multiplier}, ${p.output.shift}, ${c.act.min}, ${c.act.max}, ${c.size});`);
      } else {
        const p = readMul(r);
        b.stmt(`status = ${kernel}(${a}, ${bb}, ${p.input1Offset}, ${p.input2Offset}, ${out}, ${p.outputOffset}, ${p.output.multiplier}, ${p.output.shift}, ${c.act.min}, ${c.act.max}, ${c.size});`);
      }
      b.setOutput(out, ctype, c.size);
    },
  };
}

export const addAdapters: OpAdapter[] = [adapter('add', false), adapter('add', true), adapter('mul', false), adapter('mul', true)];
