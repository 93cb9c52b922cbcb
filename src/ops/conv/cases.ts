/**
 * The convolution family's conformance adapters: each case becomes one step over the case's own
 * tensors (input, weights, bias, output), so the suite runs the emitters generated code uses.
 *   conv2d / depthwise_conv2d  s8, s8w4 (packed int4 weights), s16     transpose_conv2d s8
 */
import type { CaseReader } from '../../formats/conformance-case.ts';
import { unpackInt4 } from '../../kernels/int4.ts';
import type { Dims } from '../../kernels/types.ts';
import type { CaseAdapter, CaseCall } from '../contract.ts';
import { caseTensors } from '../shared/case.ts';
import type { ConvSteps } from './steps.ts';

const dimsShape = (d: Dims) => [d.n, d.h, d.w, d.c];
const op = (kind: 'conv2d' | 'depthwise_conv2d') => ({ id: 0, name: 'case', kind });

/** Fields every convolution case shares, and its tensors: 0 input, 1 weights, 2 bias (or -1), 3 output. */
function common(r: CaseReader, actType: 'int8' | 'int16', biasType: 'int32' | 'int64') {
  const w = r.tensor('weights');
  const int4 = w.dtype === 'int4x2_packed';
  const filterDims = r.dims('filter_dims');
  const outputDims = r.dims('output_dims');
  const weights = int4
    ? unpackInt4(
        r.data('weights'),
        w.shape.reduce((a, b) => a * b, 1),
      )
    : Int8Array.from(r.data('weights'));
  const biasData = r.optData('bias');
  const tensors = caseTensors([
    { name: 'input', dtype: actType, shape: dimsShape(r.dims('input_dims')), init: r.data('input') },
    { name: 'filter', dtype: 'int8', shape: w.shape, data: weights, ...(int4 ? { packed: Int8Array.from(r.data('weights'), (v) => (v > 127 ? v - 256 : v)) } : {}) },
    { name: 'bias', dtype: biasType, shape: [outputDims.c], data: biasData ?? [0] },
    { name: 'output', dtype: actType, shape: dimsShape(outputDims) },
  ]);
  const geometry = {
    input: 0,
    weights: 1,
    bias: biasData ? 2 : -1,
    output: 3,
    inputDims: r.dims('input_dims'),
    filterDims,
    outputDims,
    inputOffset: r.int('input_offset'),
    outputOffset: r.int('output_offset'),
    stride: r.tile('stride'),
    padding: r.tile('padding'),
    dilation: r.tile('dilation'),
    activation: { min: r.int('activation.min'), max: r.int('activation.max') },
    multiplier: Int32Array.from(r.data('output_mult')),
    shift: Int32Array.from(r.data('output_shift')),
    ...(int4 ? { int4: true } : {}),
  };
  return { geometry, tensors };
}

const call = (step: ConvSteps[keyof ConvSteps], kind: 'conv2d' | 'depthwise_conv2d', tensors: CaseCall['tensors']): CaseCall => ({ step: { ...step, op: op(kind) }, tensors, output: 3 });

export const convCases: CaseAdapter[] = [
  {
    op: 'conv2d',
    actDtypes: ['s8', 's8w4'],
    build(r) {
      const { geometry, tensors } = common(r, 'int8', 'int32');
      return call({ kind: 'conv_s8', ...geometry, groups: geometry.inputDims.c / geometry.filterDims.c }, 'conv2d', tensors);
    },
  },
  {
    op: 'depthwise_conv2d',
    actDtypes: ['s8', 's8w4'],
    build(r) {
      const { geometry, tensors } = common(r, 'int8', 'int32');
      return call({ kind: 'depthwise_s8', ...geometry, chMult: r.int('ch_mult') }, 'depthwise_conv2d', tensors);
    },
  },
  {
    op: 'conv2d',
    actDtypes: ['s16'],
    build(r) {
      // The bias dtype (int32 or int64) picks the requantization path, even when the bias is null.
      const is32 = r.tensor('bias').dtype === 'int32';
      const { geometry, tensors } = common(r, 'int16', is32 ? 'int32' : 'int64');
      return call({ kind: 'conv_s16', ...geometry, biasIs32: is32 }, 'conv2d', tensors);
    },
  },
  {
    op: 'depthwise_conv2d',
    actDtypes: ['s16'],
    build(r) {
      const is32 = r.tensor('bias').dtype === 'int32';
      const { geometry, tensors } = common(r, 'int16', is32 ? 'int32' : 'int64');
      return call({ kind: 'depthwise_s16', ...geometry, chMult: r.int('ch_mult'), biasIs32: is32 }, 'depthwise_conv2d', tensors);
    },
  },
  {
    op: 'transpose_conv2d',
    actDtypes: ['s8'],
    build(r) {
      const { geometry, tensors } = common(r, 'int8', 'int32');
      return call({ kind: 'transpose_conv_s8', ...geometry, paddingOffsets: r.tile('padding_offsets') }, 'conv2d', tensors);
    },
  },
];
