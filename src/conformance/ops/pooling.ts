/** Conformance rows for MAX_POOL_2D and AVERAGE_POOL_2D (int8). */
import { avgPoolS16, avgPoolS8, maxPoolS16, maxPoolS8, type PoolParams } from '../../kernels/pooling.ts';
import { dimsSize } from '../../kernels/types.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import { cActivation, cDims, cTile } from '../cstructs.ts';
import { cmsisAct, cmsisCall, cmsisDims, cmsisScratch, cmsisTile } from '../cmsis.ts';
import { avgPoolBufferSize } from '../../codegen/cmsis-nn/buffer-sizes.ts';

function readPool(r: CaseReader) {
  const params: PoolParams = { stride: r.tile('stride'), padding: r.tile('padding'), activation: { min: r.int('activation.min'), max: r.int('activation.max') } };
  return { params, inputDims: r.dims('input_dims'), filter: r.tile('filter_dims'), outputDims: r.dims('output_dims') };
}

function poolAdapter(op: 'maxpool' | 'avgpool', s16: boolean): OpAdapter {
  const cName = `${op === 'maxpool' ? 'edgec_max_pool' : 'edgec_avgpool'}_${s16 ? 's16' : 's8'}`;
  const ctype = s16 ? 'int16_t' : 'int8_t';
  return {
    op,
    actDtypes: [s16 ? 's16' : 's8'],
    runTs(r) {
      const c = readPool(r);
      if (s16) return (op === 'maxpool' ? maxPoolS16 : avgPoolS16)(c.params, c.inputDims, Int16Array.from(r.data('input')), c.filter, c.outputDims);
      return (op === 'maxpool' ? maxPoolS8 : avgPoolS8)(c.params, c.inputDims, Int8Array.from(r.data('input')), c.filter, c.outputDims);
    },
    emitCmsis(r, b, path) {
      const c = readPool(r);
      const input = b.constArray('input', ctype, r.data('input'));
      const p = c.params;
      const params = b.declare('cmsis_params', 'cmsis_nn_pool_params', `{ .stride = ${cmsisTile(p.stride)}, .padding = ${cmsisTile(p.padding)}, .activation = ${cmsisAct(p.activation)} }`);
      const inDims = cmsisDims(b, 'input_dims', c.inputDims);
      const fDims = cmsisDims(b, 'filter_dims', { n: 1, h: c.filter.h, w: c.filter.w, c: 1 });
      const oDims = cmsisDims(b, 'output_dims', c.outputDims);
      const outLen = dimsSize(c.outputDims);
      const output = b.mutableArray('output', ctype, outLen);
      const dt = s16 ? 's16' : 's8';
      const ctx = op === 'avgpool' ? cmsisScratch(b, 'ctx', avgPoolBufferSize(path, c.outputDims.c), `arm_avgpool_${dt}_get_buffer_size(${c.outputDims.w}, ${c.inputDims.c})`) : cmsisScratch(b, 'ctx', 0);
      cmsisCall(b, `${op === 'avgpool' ? 'arm_avgpool' : 'arm_max_pool'}_${dt}(&${ctx}, &${params}, &${inDims}, ${input}, &${fDims}, &${oDims}, ${output})`);
      b.setOutput(output, ctype, outLen);
    },
    emitC(r, b) {
      const c = readPool(r);
      b.include('edgec_pooling.h');
      const input = b.constArray('input', ctype, r.data('input'));
      const p = c.params;
      const params = b.declare('params', 'edgec_pool_params', `{ ${cTile(p.stride)}, ${cTile(p.padding)}, ${cActivation(p.activation)} }`);
      const inDims = b.declare('input_dims', 'edgec_dims', cDims(c.inputDims));
      const fDims = b.declare('filter_dims', 'edgec_dims', cDims({ n: 1, h: c.filter.h, w: c.filter.w, c: 1 }));
      const oDims = b.declare('output_dims', 'edgec_dims', cDims(c.outputDims));
      const outLen = dimsSize(c.outputDims);
      const output = b.mutableArray('output', ctype, outLen);
      b.stmt(`status = ${cName}(&${params}, &${inDims}, ${input}, &${fDims}, &${oDims}, ${output});`);
      b.setOutput(output, ctype, outLen);
    },
  };
}

export const poolingAdapters: OpAdapter[] = [poolAdapter('maxpool', false), poolAdapter('avgpool', false), poolAdapter('maxpool', true), poolAdapter('avgpool', true)];
