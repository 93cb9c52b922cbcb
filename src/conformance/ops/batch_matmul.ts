/** Conformance rows for BATCH_MATMUL (int8, int16; RHS pre-transposed as CMSIS-NN consumes it). */
import { batchMatmulS16, batchMatmulS8 } from '../../kernels/batch_matmul.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import { cmsisCall, cmsisDims, cmsisScratch } from '../cmsis.ts';
import { fullyConnectedS8BufferSize } from '../../codegen/cmsis-nn/buffer-sizes.ts';
import { cDims } from '../cstructs.ts';

function read(r: CaseReader) {
  return {
    params: { lhsOffset: r.int('lhs_offset'), rhsOffset: r.int('rhs_offset'), outputOffset: r.int('output_offset'), activation: { min: r.int('activation_min'), max: r.int('activation_max') } },
    quant: { multiplier: r.int('output_multiplier'), shift: r.int('output_shift') },
    lhsDims: r.dims('cmsis_lhs_dims'),
    rhsDims: r.dims('cmsis_rhs_dims'),
    outDims: r.dims('output_dims'),
  };
}

function adapter(s16: boolean): OpAdapter {
  const ctype = s16 ? 'int16_t' : 'int8_t';
  return {
    op: 'batch_matmul',
    actDtypes: [s16 ? 's16' : 's8'],
    runTs(r) {
      const c = read(r);
      if (s16) return batchMatmulS16(c.params, c.quant, c.lhsDims, Int16Array.from(r.data('lhs')), c.rhsDims, Int16Array.from(r.data('rhs')), c.outDims);
      return batchMatmulS8(c.params, c.quant, c.lhsDims, Int8Array.from(r.data('lhs')), c.rhsDims, Int8Array.from(r.data('rhs')), c.outDims);
    },
    emitCmsis(r, b, path) {
      const c = read(r);
      const p = c.params;
      const lhs = b.constArray('lhs', ctype, r.data('lhs'));
      const rhs = b.constArray('rhs', ctype, r.data('rhs'));
      const params = b.declare(
        'cmsis_params',
        'cmsis_nn_bmm_params',
        `{ .adj_x = false, .adj_y = false, .fc_params = { .input_offset = ${p.lhsOffset}, .filter_offset = ${p.rhsOffset}, .output_offset = ${p.outputOffset}, .activation = { .min = ${p.activation.min}, .max = ${p.activation.max} } } }`,
      );
      const quant = b.declare('quant', 'cmsis_nn_per_tensor_quant_params', `{ .multiplier = ${c.quant.multiplier}, .shift = ${c.quant.shift} }`);
      const oDims = cmsisDims(b, 'out_dims', c.outDims);
      // int8 on MVE sums the RHS rows into the context at run time (one int32 per output column).
      const ctx = s16 ? cmsisScratch(b, 'ctx', 0) : cmsisScratch(b, 'ctx', fullyConnectedS8BufferSize(path, c.outDims.c), `arm_fully_connected_s8_get_buffer_size(&${oDims})`);
      const len = c.outDims.n * c.outDims.h * c.outDims.w * c.outDims.c;
      const out = b.mutableArray('output', ctype, len);
      cmsisCall(b, `arm_batch_matmul_${s16 ? 's16' : 's8'}(&${ctx}, &${params}, &${quant}, &${cmsisDims(b, 'lhs_dims', c.lhsDims)}, ${lhs}, &${cmsisDims(b, 'rhs_dims', c.rhsDims)}, ${rhs}, &${oDims}, ${out})`);
      b.setOutput(out, ctype, len);
    },
    emitC(r, b) {
      const c = read(r);
      const p = c.params;
      b.include('edgec_batch_matmul.h');
      const lhs = b.constArray('lhs', ctype, r.data('lhs'));
      const rhs = b.constArray('rhs', ctype, r.data('rhs'));
      const params = b.declare('params', 'edgec_bmm_params', `{ ${p.lhsOffset}, ${p.rhsOffset}, ${p.outputOffset}, { ${p.activation.min}, ${p.activation.max} } }`);
      const quant = b.declare('quant', 'edgec_per_tensor_quant', `{ ${c.quant.multiplier}, ${c.quant.shift} }`);
      const dims = (role: string, d: typeof c.lhsDims) => b.declare(role, 'edgec_dims', cDims(d));
      const len = c.outDims.n * c.outDims.h * c.outDims.w * c.outDims.c;
      const out = b.mutableArray('output', ctype, len);
      b.stmt(`status = edgec_batch_matmul_${s16 ? 's16' : 's8'}(&${params}, &${quant}, &${dims('lhs_dims', c.lhsDims)}, ${lhs}, &${dims('rhs_dims', c.rhsDims)}, ${rhs}, &${dims('out_dims', c.outDims)}, ${out});`);
      b.setOutput(out, ctype, len);
    },
  };
}

export const batchMatmulAdapters: OpAdapter[] = [adapter(false), adapter(true)];
