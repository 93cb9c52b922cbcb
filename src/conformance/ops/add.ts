/** Conformance rows for ADD (int8). */
import { addS8 } from '../../kernels/add.ts';
import type { AddParams } from '../../quantize/op-params.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';

function readAdd(r: CaseReader) {
  const params: AddParams = {
    input1Offset: r.int('input_1_offset'),
    input2Offset: r.int('input_2_offset'),
    input1: { multiplier: r.int('input_1_mult'), shift: r.int('input_1_shift') },
    input2: { multiplier: r.int('input_2_mult'), shift: r.int('input_2_shift') },
    leftShift: r.int('left_shift'),
    outputOffset: r.int('output_offset'),
    output: { multiplier: r.int('output_mult'), shift: r.int('output_shift') },
  };
  return { params, act: { min: r.int('activation.min'), max: r.int('activation.max') }, size: r.int('block_size'), a: Int8Array.from(r.data('input_1')), b: Int8Array.from(r.data('input_2')) };
}

export const addAdapters: OpAdapter[] = [
  {
    op: 'add',
    actDtypes: ['s8'],
    runTs(r) {
      const c = readAdd(r);
      return addS8(c.a, c.b, c.params, c.act, c.size);
    },
    emitC(r, b) {
      const c = readAdd(r);
      const p = c.params;
      b.include('edgec_add.h');
      const a = b.constArray('input_1', 'int8_t', c.a);
      const bb = b.constArray('input_2', 'int8_t', c.b);
      const out = b.mutableArray('output', 'int8_t', c.size);
      b.stmt(
        `status = edgec_add_s8(${a}, ${bb}, ${p.input1Offset}, ${p.input1.multiplier}, ${p.input1.shift}, ${p.input2Offset}, ${p.input2.multiplier}, ${p.input2.shift}, ${p.leftShift}, ${out}, ${p.outputOffset}, ${p.output.multiplier}, ${p.output.shift}, ${c.act.min}, ${c.act.max}, ${c.size});`,
      );
      b.setOutput(out, 'int8_t', c.size);
    },
  },
];
