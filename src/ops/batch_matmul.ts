/**
 * BATCH_MATMUL with the right-hand side pre-transposed, as CMSIS-NN consumes it (conformance only: no
 * front end maps onto it yet):
 *
 *   out[b, h, m, n] = requant(sum_k (lhs[b, h, m, k] + lhs_offset) * (rhs[b, h, n, k] + rhs_offset))
 *
 *   step batch_matmul_s8 / batch_matmul_s16 -> edgec_batch_matmul_s8/_s16 | arm_batch_matmul_s8/_s16
 * Dims: lhs [n, h, M, K], rhs [n, h, N, K], output [n, h, M, N]; batch and height broadcast where one
 * side has 1. int8 uses 32-bit requantization, int16 the 64-bit reduced-multiplier path.
 */
import { designated, struct } from '../cgen/c.ts';
import { fullyConnectedS8BufferSize } from './shared/cmsis-buffer-sizes.ts';
import { batchMatmulS16, batchMatmulS8, type BatchMatmulParams } from '../kernels/batch_matmul.ts';
import type { Dims, PerTensorQuant } from '../kernels/types.ts';
import type { CaseAdapter, CmsisEmitter, CmsisPath, OpFamily, PortableEmitter } from './contract.ts';
import { caseTensors } from './shared/case.ts';
import { CMSIS_PATHS, cmsisDims, cmsisRange, cmsisScratchLines, dims, range } from './shared/emit.ts';

/** No IR op yet: no front end maps onto BATCH_MATMUL. */
export type BatchMatmulOps = Record<never, never>;

export interface BatchMatmulStep {
  kind: 'batch_matmul_s8' | 'batch_matmul_s16';
  lhs: number;
  rhs: number;
  output: number;
  params: BatchMatmulParams;
  quant: PerTensorQuant;
  lhsDims: Dims;
  rhsDims: Dims;
  outputDims: Dims;
}

export interface BatchMatmulSteps {
  batch_matmul_s8: BatchMatmulStep;
  batch_matmul_s16: BatchMatmulStep;
}

const suffix = (s: BatchMatmulStep) => (s.kind === 'batch_matmul_s16' ? 's16' : 's8');

const portable: PortableEmitter<BatchMatmulStep> = {
  header: 'edgec_batch_matmul.h',
  files: ['edgec_batch_matmul.h', 'edgec_batch_matmul.c'],
  emit(s, ctx) {
    const n = s.op.name;
    const p = s.params;
    const params = ctx.constStruct('params', 'edgec_bmm_params', designated({ lhs_offset: p.lhsOffset, rhs_offset: p.rhsOffset, output_offset: p.outputOffset, activation: range(p.activation) }), n);
    const quant = ctx.constStruct('quant', 'edgec_per_tensor_quant', struct('edgec_per_tensor_quant', { multiplier: s.quant.multiplier, shift: s.quant.shift }), n);
    const fn = `edgec_batch_matmul_${suffix(s)}`;
    const args = `&${params}, &${quant}, &${dims(ctx, 'lhs_dims', s.lhsDims, n)}, ${ctx.tensor(s.lhs, n)}, &${dims(ctx, 'rhs_dims', s.rhsDims, n)}, ${ctx.tensor(s.rhs, n)}, &${dims(ctx, 'output_dims', s.outputDims, n)}, ${ctx.tensor(s.output, n)}`;
    return { kernel: fn, lines: [`status = ${fn}(${args});`] };
  },
};

/** int8 on MVE sums the RHS rows into the context at run time (one int32 per output column). */
const cmsisScratch = (s: BatchMatmulStep, path: CmsisPath) => (s.kind === 'batch_matmul_s8' ? fullyConnectedS8BufferSize(path, s.outputDims.c) : 0);

const cmsisNn: CmsisEmitter<BatchMatmulStep> = {
  scratch: cmsisScratch,
  emit(s, ctx, scratch) {
    const n = s.op.name;
    const p = s.params;
    const fc = `{ .input_offset = ${p.lhsOffset}, .filter_offset = ${p.rhsOffset}, .output_offset = ${p.outputOffset}, .activation = ${cmsisRange(p.activation)} }`;
    const params = ctx.constStruct('params', 'cmsis_nn_bmm_params', `{ .adj_x = false, .adj_y = false, .fc_params = ${fc} }`, n);
    const quant = ctx.constStruct('quant', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${s.quant.multiplier}, .shift = ${s.quant.shift} }`, n);
    const o = cmsisDims(ctx, 'output_dims', s.outputDims, n);
    const asked = s.kind === 'batch_matmul_s8' ? `arm_fully_connected_s8_get_buffer_size(&${o})` : null;
    const c = cmsisScratchLines(
      scratch,
      CMSIS_PATHS.map((path) => cmsisScratch(s, path)),
      asked,
    );
    const fn = `arm_batch_matmul_${suffix(s)}`;
    const call = `${fn}(&${c.name}, &${params}, &${quant}, &${cmsisDims(ctx, 'lhs_dims', s.lhsDims, n)}, ${ctx.tensor(s.lhs, n)}, &${cmsisDims(ctx, 'rhs_dims', s.rhsDims, n)}, ${ctx.tensor(s.rhs, n)}, &${o}, ${ctx.tensor(s.output, n)})`;
    return { kernel: fn, lines: [...c.lines, `    status = (int32_t)${call};`, '}'] };
  },
};

function adapter(s16: boolean): CaseAdapter {
  const dtype = s16 ? 'int16' : 'int8';
  return {
    op: 'batch_matmul',
    actDtypes: [s16 ? 's16' : 's8'],
    build(r) {
      const lhsDims = r.dims('cmsis_lhs_dims');
      const rhsDims = r.dims('cmsis_rhs_dims');
      const outputDims = r.dims('output_dims');
      const shape = (d: Dims) => [d.n, d.h, d.w, d.c];
      const tensors = caseTensors([
        { name: 'lhs', dtype, shape: shape(lhsDims), init: r.data('lhs') },
        { name: 'rhs', dtype, shape: shape(rhsDims), init: r.data('rhs') },
        { name: 'output', dtype, shape: shape(outputDims) },
      ]);
      const step: BatchMatmulStep = {
        kind: s16 ? 'batch_matmul_s16' : 'batch_matmul_s8',
        lhs: 0,
        rhs: 1,
        output: 2,
        params: { lhsOffset: r.int('lhs_offset'), rhsOffset: r.int('rhs_offset'), outputOffset: r.int('output_offset'), activation: { min: r.int('activation_min'), max: r.int('activation_max') } },
        quant: { multiplier: r.int('output_multiplier'), shift: r.int('output_shift') },
        lhsDims,
        rhsDims,
        outputDims,
      };
      // No IR op kind names BATCH_MATMUL yet; the case's step carries the case's op name.
      return { step: { ...step, op: { id: 0, name: 'case', kind: 'batch_matmul' } }, tensors, output: 2 };
    },
  };
}

export const batchMatmul: OpFamily<BatchMatmulOps, BatchMatmulSteps> = {
  name: 'batch_matmul',
  ops: {},
  steps: {
    batch_matmul_s8: {
      simulate: (s, env) => batchMatmulS8(s.params, s.quant, s.lhsDims, env.read(s.lhs) as Int8Array, s.rhsDims, env.read(s.rhs) as Int8Array, s.outputDims),
      portable,
      cmsisNn,
      conformanceOnly: true,
    },
    batch_matmul_s16: {
      simulate: (s, env) => batchMatmulS16(s.params, s.quant, s.lhsDims, env.read(s.lhs) as Int16Array, s.rhsDims, env.read(s.rhs) as Int16Array, s.outputDims),
      portable,
      cmsisNn,
      conformanceOnly: true,
    },
  },
  cases: [adapter(false), adapter(true)],
};
