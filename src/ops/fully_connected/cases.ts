/**
 * The fully connected conformance cases as steps: int8 (fully_connected_s8, what models run), packed
 * int4 weights (s8w4) and int16 activations (s16), each over the case's own tensors:
 *
 *   0 input [batches, accum depth]   1 weights [output depth, accum depth]   2 bias? [output depth]   output
 */
import type { CaseReader } from '../../formats/conformance-case.ts';
import { unpackInt4 } from '../../kernels/int4.ts';
import type { CaseAdapter, CaseCall } from '../contract.ts';
import { caseTensors, type CaseTensorSpec } from '../shared/case.ts';
import type { FullyConnectedS16Step, FullyConnectedS4Step, FullyConnectedStep } from './steps.ts';

type Fields = Omit<FullyConnectedStep, 'kind'>;

function build(r: CaseReader, kind: 'fully_connected_s8' | 'fully_connected_s4' | 'fully_connected_s16'): CaseCall {
  const s16 = kind === 'fully_connected_s16';
  const perChannel = r.bool('per_channel');
  const accumDepth = r.int('filter_dims.n');
  const outputDepth = r.int('filter_dims.c');
  const input = r.data('input');
  const batches = input.length / accumDepth;
  const w = r.tensor('weights');
  const weights = w.dtype === 'int4x2_packed' ? unpackInt4(r.data('weights'), outputDepth * accumDepth) : r.data('weights');
  const packed = w.dtype === 'int4x2_packed' ? Int8Array.from(r.data('weights'), (v) => (v > 127 ? v - 256 : v)) : undefined;
  const biasData = r.optData('bias');
  const biasDtype = r.c.tensors.bias?.dtype === 'int64' ? 'int64' : 'int32';
  const specs: CaseTensorSpec[] = [
    { name: 'input', dtype: s16 ? 'int16' : 'int8', shape: [batches, accumDepth], init: input },
    { name: 'filter', dtype: 'int8', shape: [outputDepth, accumDepth], data: weights, ...(packed ? { packed } : {}) },
    ...(biasData ? [{ name: 'bias', dtype: biasDtype, shape: [outputDepth], data: biasData } as CaseTensorSpec] : []),
    { name: 'output', dtype: s16 ? 'int16' : 'int8', shape: [batches, outputDepth] },
  ];
  const output = specs.length - 1;
  const fields: Fields = {
    input: 0,
    output,
    weights: 1,
    bias: biasData ? 2 : -1,
    batches,
    accumDepth,
    outputDepth,
    inputOffset: r.int('input_offset'),
    filterOffset: r.int('filter_offset'),
    outputOffset: r.int('output_offset'),
    activation: { min: r.int('activation.min'), max: r.int('activation.max') },
    multiplier: perChannel ? Int32Array.from(r.data('output_mult')) : Int32Array.of(r.int('output_multiplier')),
    shift: perChannel ? Int32Array.from(r.data('output_shift')) : Int32Array.of(r.int('output_shift')),
    perChannel,
  };
  const step: FullyConnectedStep | FullyConnectedS4Step | FullyConnectedS16Step =
    kind === 'fully_connected_s16' ? { kind, ...fields, biasIs32: r.tensor('bias').dtype === 'int32' } : { kind, ...fields };
  return { step: { ...step, op: { id: 0, name: 'case', kind: 'fully_connected' } }, tensors: caseTensors(specs), output };
}

export const FULLY_CONNECTED_CASES: readonly CaseAdapter[] = [
  { op: 'fully_connected', actDtypes: ['s8'], build: (r) => build(r, 'fully_connected_s8') },
  { op: 'fully_connected', actDtypes: ['s8w4'], build: (r) => build(r, 'fully_connected_s4') },
  { op: 'fully_connected', actDtypes: ['s16'], build: (r) => build(r, 'fully_connected_s16') },
];
