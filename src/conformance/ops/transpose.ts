/** Conformance rows for TRANSPOSE (int8) and MAXIMUM/MINIMUM (int8, broadcasting). */
import { maximumS8, minimumS8 } from '../../kernels/minmax.ts';
import { transposeS8 } from '../../kernels/transpose.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import { cmsisCall, cmsisDims, cmsisScratch } from '../cmsis.ts';
import { cDims } from '../cstructs.ts';

/** The permutation's rank picks how many of input_dims n, h, w, c are real. */
function readTranspose(r: CaseReader) {
  const perm = r.ints('permutation');
  const d = r.dims('input_dims');
  const shape = [d.n, d.h, d.w, d.c].slice(0, perm.length);
  return { perm, shape, input: Int8Array.from(r.data('input')) };
}

function readMinmax(r: CaseReader) {
  return { kind: r.str('kind'), aDims: r.dims('input_1_dims'), bDims: r.dims('input_2_dims'), outDims: r.dims('output_dims'), a: Int8Array.from(r.data('input_1')), b: Int8Array.from(r.data('input_2')) };
}

export const transposeAdapters: OpAdapter[] = [
  {
    op: 'transpose',
    actDtypes: ['s8'],
    runTs(r) {
      const c = readTranspose(r);
      return transposeS8(c.input, c.shape, c.perm);
    },
    emitCmsis(r, b) {
      const c = readTranspose(r);
      const input = b.constArray('input', 'int8_t', c.input);
      const perm = b.constArray('perm', 'int32_t', c.perm);
      const params = b.declare('params', 'cmsis_nn_transpose_params', `{ .num_dims = ${c.perm.length}, .permutations = (const uint32_t *)${perm} }`);
      const out = b.mutableArray('output', 'int8_t', c.input.length);
      cmsisCall(b, `arm_transpose_s8(${input}, ${out}, &${cmsisDims(b, 'input_dims', r.dims('input_dims'))}, &${cmsisDims(b, 'output_dims', r.dims('output_dims'))}, &${params})`);
      b.setOutput(out, 'int8_t', c.input.length);
    },
    emitC(r, b) {
      const c = readTranspose(r);
      b.include('edgec_transpose.h');
      const input = b.constArray('input', 'int8_t', c.input);
      const shape = b.constArray('shape', 'int32_t', c.shape);
      const perm = b.constArray('perm', 'int32_t', c.perm);
      const out = b.mutableArray('output', 'int8_t', c.input.length);
      b.stmt(`status = edgec_transpose_s8(${input}, ${out}, ${shape}, ${perm}, ${c.perm.length});`);
      b.setOutput(out, 'int8_t', c.input.length);
    },
  },
  {
    op: 'minmax',
    actDtypes: ['s8'],
    runTs(r) {
      const c = readMinmax(r);
      return (c.kind === 'maximum' ? maximumS8 : minimumS8)(c.a, c.aDims, c.b, c.bDims, c.outDims);
    },
    emitCmsis(r, b) {
      const c = readMinmax(r);
      const a = b.constArray('input_1', 'int8_t', c.a);
      const bb = b.constArray('input_2', 'int8_t', c.b);
      const len = c.outDims.n * c.outDims.h * c.outDims.w * c.outDims.c;
      const out = b.mutableArray('output', 'int8_t', len);
      const ctx = cmsisScratch(b, 'ctx', 0);
      cmsisCall(b, `arm_${c.kind}_s8(&${ctx}, ${a}, &${cmsisDims(b, 'a_dims', c.aDims)}, ${bb}, &${cmsisDims(b, 'b_dims', c.bDims)}, ${out}, &${cmsisDims(b, 'out_dims', c.outDims)})`);
      b.setOutput(out, 'int8_t', len);
    },
    emitC(r, b) {
      const c = readMinmax(r);
      b.include('edgec_minmax.h');
      const a = b.constArray('input_1', 'int8_t', c.a);
      const bb = b.constArray('input_2', 'int8_t', c.b);
      const dims = (role: string, d: typeof c.aDims) => b.declare(role, 'edgec_dims', cDims(d));
      const len = c.outDims.n * c.outDims.h * c.outDims.w * c.outDims.c;
      const out = b.mutableArray('output', 'int8_t', len);
      b.stmt(`status = edgec_${c.kind}_s8(${a}, &${dims('a_dims', c.aDims)}, ${bb}, &${dims('b_dims', c.bDims)}, ${out}, &${dims('out_dims', c.outDims)});`);
      b.setOutput(out, 'int8_t', len);
    },
  },
];
