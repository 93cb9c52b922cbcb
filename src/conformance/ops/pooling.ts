/** Conformance rows for MAX_POOL_2D and AVERAGE_POOL_2D (int8). */
import { avgPoolS8, maxPoolS8, type PoolParams } from '../../kernels/pooling.ts';
import { dimsSize } from '../../kernels/types.ts';
import type { OpAdapter } from '../adapter.ts';
import type { CaseReader } from '../case.ts';
import { cActivation, cDims, cTile } from '../cstructs.ts';

function readPool(r: CaseReader) {
  const params: PoolParams = { stride: r.tile('stride'), padding: r.tile('padding'), activation: { min: r.int('activation.min'), max: r.int('activation.max') } };
  return { params, inputDims: r.dims('input_dims'), filter: r.tile('filter_dims'), outputDims: r.dims('output_dims'), input: Int8Array.from(r.data('input')) };
}

function poolAdapter(op: 'maxpool' | 'avgpool'): OpAdapter {
  const ts = op === 'maxpool' ? maxPoolS8 : avgPoolS8;
  const cName = op === 'maxpool' ? 'edgec_max_pool_s8' : 'edgec_avgpool_s8';
  return {
    op,
    actDtypes: ['s8'],
    runTs(r) {
      const c = readPool(r);
      return ts(c.params, c.inputDims, c.input, c.filter, c.outputDims);
    },
    emitC(r, b) {
      const c = readPool(r);
      b.include('edgec_pooling.h');
      const input = b.constArray('input', 'int8_t', c.input);
      const p = c.params;
      const params = b.declare('params', 'edgec_pool_params', `{ ${cTile(p.stride)}, ${cTile(p.padding)}, ${cActivation(p.activation)} }`);
      const inDims = b.declare('input_dims', 'edgec_dims', cDims(c.inputDims));
      const fDims = b.declare('filter_dims', 'edgec_dims', cDims({ n: 1, h: c.filter.h, w: c.filter.w, c: 1 }));
      const oDims = b.declare('output_dims', 'edgec_dims', cDims(c.outputDims));
      const outLen = dimsSize(c.outputDims);
      const output = b.mutableArray('output', 'int8_t', outLen);
      b.stmt(`status = ${cName}(&${params}, &${inDims}, ${input}, &${fDims}, &${oDims}, ${output});`);
      b.setOutput(output, 'int8_t', outLen);
    },
  };
}

export const poolingAdapters: OpAdapter[] = [poolAdapter('maxpool'), poolAdapter('avgpool')];
