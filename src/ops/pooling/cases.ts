/**
 * The conformance adapters of pooling: a 'maxpool' or 'avgpool' case (int8, or int16 through the
 * conformance-only steps) as one pooling step over the case's input and output.
 */
import type { OpKind } from '../../ir/graph.ts';
import type { CaseAdapter } from '../contract.ts';
import { caseTensors, dimsOf } from '../shared/case.ts';
import type { PoolKind, PoolStep } from './steps.ts';

function poolCase(op: 'maxpool' | 'avgpool', s16: boolean): CaseAdapter {
  const kind: PoolKind = `${op === 'maxpool' ? 'max' : 'avg'}_pool_${s16 ? 's16' : 's8'}`;
  const opKind: OpKind = op === 'maxpool' ? 'max_pool2d' : 'avg_pool2d';
  const dtype = s16 ? 'int16' : 'int8';
  return {
    op,
    actDtypes: [s16 ? 's16' : 's8'],
    build(r) {
      const inputDims = dimsOf(r, 'input_dims');
      const outputDims = dimsOf(r, 'output_dims');
      const step: PoolStep = {
        kind,
        input: 0,
        output: 1,
        inputDims,
        outputDims,
        filter: r.tile('filter_dims'),
        stride: r.tile('stride'),
        padding: r.tile('padding'),
        activation: { min: r.int('activation.min'), max: r.int('activation.max') },
      };
      const tensors = caseTensors([
        { name: 'input', dtype, shape: [inputDims.n, inputDims.h, inputDims.w, inputDims.c], init: r.data('input') },
        { name: 'output', dtype, shape: [outputDims.n, outputDims.h, outputDims.w, outputDims.c] },
      ]);
      return { step: { ...step, op: { id: 0, name: 'case', kind: opKind } }, tensors, output: 1 };
    },
  };
}

export const poolingCases: readonly CaseAdapter[] = [poolCase('maxpool', false), poolCase('avgpool', false), poolCase('maxpool', true), poolCase('avgpool', true)];
