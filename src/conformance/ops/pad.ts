/** Conformance rows for PAD. */
import { padS8, paddedDims } from '../../kernels/pad.ts';
import { dimsSize } from '../../kernels/types.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import { cmsisCall, cmsisDims } from '../cmsis.ts';
import { cDims } from '../cstructs.ts';

function read(r: CaseReader) {
  const inputSize = r.dims('input_size');
  const prePad = r.dims('pre_pad');
  const postPad = r.dims('post_pad');
  const padValue = r.int('pad_value');
  return { inputSize, prePad, postPad, padValue };
}

export const padAdapters: OpAdapter[] = [
  {
    op: 'pad',
    actDtypes: ['s8'],
    runTs(r) {
      const p = read(r);
      return padS8(Int8Array.from(r.data('input')), p.padValue, p.inputSize, p.prePad, p.postPad);
    },
    emitCmsis(r, b) {
      const p = read(r);
      const input = b.constArray('input', 'int8_t', r.data('input'));
      const outLen = dimsSize(paddedDims(p.inputSize, p.prePad, p.postPad));
      const output = b.mutableArray('output', 'int8_t', outLen);
      cmsisCall(b, `arm_pad_s8(${input}, ${output}, ${p.padValue}, &${cmsisDims(b, 'input_size', p.inputSize)}, &${cmsisDims(b, 'pre_pad', p.prePad)}, &${cmsisDims(b, 'post_pad', p.postPad)})`);
      b.setOutput(output, 'int8_t', outLen);
    },
    emitC(r, b) {
      const p = read(r);
      b.include('edgec_pad.h');
      const input = b.constArray('input', 'int8_t', r.data('input'));
      const outLen = dimsSize(paddedDims(p.inputSize, p.prePad, p.postPad));
      const output = b.mutableArray('output', 'int8_t', outLen);
      const dims = (role: string, d: typeof p.inputSize) => b.declare(role, 'edgec_dims', cDims(d));
      b.stmt(
        `status = edgec_pad_s8(${input}, ${output}, ${p.padValue}, &${dims('input_size', p.inputSize)}, &${dims('pre_pad', p.prePad)}, &${dims('post_pad', p.postPad)});`,
      );
      b.setOutput(output, 'int8_t', outLen);
    },
  },
];
