/**
 * TRANSPOSE of an int8 tensor (any rank up to 6): output axis i is input axis perm[i]. Its output is
 * quantized as its input (a byte copy); a float model's transpose has a float reference for calibration.
 *
 *   tflite TRANSPOSE (constant permutation) -> IR transpose { perm } -> step transpose_s8
 *     -> edgec_transpose_s8 (models and the suite) | arm_transpose_s8 (the suite only)
 */
import { call } from '../cgen/c.ts';
import { transposeS8 } from '../kernels/transpose.ts';
import { rowMajorStrides, stridedCopy } from '../kernels/strided_slice.ts';
import type { OpFamily, OpOf } from './contract.ts';
import { caseTensors } from './shared/case.ts';
import { cmsisDims } from './shared/emit.ts';
import { requireSameQuant, requireShape, size } from './shared/rules.ts';
import { transposeOnnx } from './transpose-onnx.ts';

export interface TransposeOps {
  transpose: { perm: readonly number[] };
}

export interface TransposeStep {
  kind: 'transpose_s8';
  input: number;
  output: number;
  shape: number[];
  perm: number[];
}

export interface TransposeSteps {
  transpose_s8: TransposeStep;
}

export const transpose: OpFamily<TransposeOps, TransposeSteps> = {
  name: 'transpose',
  ops: {
    transpose: {
      rule: {
        inputs: [1, 1],
        outputs: 1,
        signatures: [
          ['float32', 'float32'],
          ['int8', 'int8'],
        ],
        check(c) {
          const op = c.op as OpOf<'transpose'>;
          const [x, y] = [c.input(0)!, c.output(0)];
          const perm = op.attrs.perm;
          const rank = x.shape.length;
          if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((v, i) => v !== i)) {
            c.fail(`permutation [${perm.join(', ')}] is not a permutation of the input's ${rank} axes`);
            return 0;
          }
          requireShape(
            c,
            y,
            perm.map((a) => x.shape[a]!),
          );
          requireSameQuant(c, x, y);
          return size(y);
        },
      },
      quant: { output: 'input' },
      float(op, g, [x]) {
        const shape = g.tensors[op.inputs[0]!]!.shape;
        const strides = rowMajorStrides(shape);
        const perm = op.attrs.perm;
        return stridedCopy(
          x!,
          0,
          perm.map((p) => strides[p]!),
          perm.map((p) => shape[p]!),
          new Float32Array(x!.length),
        );
      },
      lower: (g, op) => ({ kind: 'transpose_s8', input: op.inputs[0]!, output: op.outputs[0]!, shape: [...g.tensors[op.inputs[0]!]!.shape], perm: [...op.attrs.perm] }),
    },
  },
  steps: {
    transpose_s8: {
      simulate: (s, env) => transposeS8(env.read(s.input) as Int8Array, s.shape, s.perm),
      portable: {
        header: 'edgec_transpose.h',
        files: ['edgec_transpose.h', 'edgec_transpose.c', 'edgec_strided_slice.h', 'edgec_strided_slice.c'],
        emit(s, ctx) {
          const n = s.op.name;
          const shape = ctx.constArray('shape', 'int32_t', s.shape, n);
          const perm = ctx.constArray('perm', 'int32_t', s.perm, n);
          return { kernel: 'edgec_transpose_s8', lines: [`status = ${call('edgec_transpose_s8', [ctx.tensor(s.input, n), ctx.tensor(s.output, n), shape, perm, String(s.shape.length)])};`] };
        },
      },
      cmsisNn: {
        conformanceOnly: 'no shared model has a transpose where it matters; the portable kernel keeps model layers until one is measured',
        scratch: () => 0,
        emit(s, ctx) {
          const n = s.op.name;
          const dims = (shape: readonly number[]) => {
            const d = [...shape, 1, 1, 1, 1];
            return { n: d[0]!, h: d[1]!, w: d[2]!, c: d[3]! };
          };
          const perm = ctx.constArray('perm', 'int32_t', s.perm, n);
          const params = ctx.constStruct('params', 'cmsis_nn_transpose_params', `{ .num_dims = ${s.perm.length}, .permutations = (const uint32_t *)${perm} }`, n);
          const out = s.perm.map((a) => s.shape[a]!);
          const args = [ctx.tensor(s.input, n), ctx.tensor(s.output, n), `&${cmsisDims(ctx, 'input_dims', dims(s.shape), n)}`, `&${cmsisDims(ctx, 'output_dims', dims(out), n)}`, `&${params}`];
          return { kernel: 'arm_transpose_s8', lines: [`status = (int32_t)${call('arm_transpose_s8', args)};`] };
        },
      },
    },
  },
  tflite: {
    TRANSPOSE: {
      inputs: [2, 2],
      import(c) {
        c.addOp({ kind: 'transpose', name: c.name, attrs: { perm: Array.from(c.constInts(c.op.inputs[1]!)) }, inputs: [c.inputs[0]!], outputs: c.outputs });
      },
    },
  },
  onnx: { Transpose: transposeOnnx },
  cases: [
    {
      op: 'transpose',
      actDtypes: ['s8'],
      build(r) {
        // The permutation's rank picks how many of input_dims n, h, w, c are real.
        const perm = r.ints('permutation');
        const d = r.dims('input_dims');
        const shape = [d.n, d.h, d.w, d.c].slice(0, perm.length);
        const tensors = caseTensors([
          { name: 'input', dtype: 'int8', shape, init: r.data('input') },
          { name: 'output', dtype: 'int8', shape: perm.map((a) => shape[a]!) },
        ]);
        return { step: { kind: 'transpose_s8', input: 0, output: 1, shape, perm, op: { id: 0, name: 'case', kind: 'transpose' } }, tensors, output: 1 };
      },
    },
  ],
};
