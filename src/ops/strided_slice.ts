/**
 * STRIDED_SLICE of an int8 tensor with every axis resolved by the compiler (begin/end masks, negative
 * indices and clamping as TFLite's StartForAxis/StopForAxis): output extent `size[a]` from `begin[a]`
 * in steps of `stride[a]`. Its output is quantized as its input (a byte copy).
 *
 *   tflite STRIDED_SLICE (constant begin/end/strides; no ellipsis, new axis or offset)
 *     -> IR strided_slice { begin, stride, size } -> step strided_slice_s8 -> edgec_strided_slice_s8
 */
import { call } from '../cgen/c.ts';
import { stridedSlice as stridedSliceFloat, stridedSliceS8 } from '../kernels/strided_slice.ts';
import { stridedSliceAxes } from '../arith/op-params.ts';
import type { OpFamily, OpOf } from './contract.ts';
import { isPosInt, requireSameQuant, size } from './shared/rules.ts';
import { bytesOf, fromBytes } from './shared/bytes.ts';

export interface StridedSliceOps {
  strided_slice: { begin: readonly number[]; stride: readonly number[]; size: readonly number[] };
}

export interface StridedSliceStep {
  kind: 'strided_slice_s8';
  input: number;
  output: number;
  shape: number[];
  begin: number[];
  stride: number[];
  size: number[];
  /** int16 tensors sliced as bytes: a last axis of the value's two bytes, taken whole. */
  int16?: true;
}

export interface StridedSliceSteps {
  strided_slice_s8: StridedSliceStep;
}

export const stridedSlice: OpFamily<StridedSliceOps, StridedSliceSteps> = {
  name: 'strided_slice',
  ops: {
    strided_slice: {
      rule: {
        inputs: [1, 1],
        outputs: 1,
        signatures: [
          ['float32', 'float32'],
          ['int8', 'int8'],
          ['int16', 'int16'],
        ],
        check(c) {
          const op = c.op as OpOf<'strided_slice'>;
          const [x, y] = [c.input(0)!, c.output(0)];
          const { begin, stride, size: extent } = op.attrs;
          const rank = x.shape.length;
          if (begin.length !== rank || stride.length !== rank || extent.length !== rank) {
            c.fail(`slice bounds of ${begin.length}/${stride.length}/${extent.length} axes for a rank-${rank} input`);
            return 0;
          }
          // The kernel walks up to 5 axes; an int16 slice uses one of them for the value's bytes.
          const maxRank = x.dtype === 'int16' ? 4 : 5;
          if (rank > maxRank) {
            c.fail(`a rank-${rank} ${x.dtype} slice (the kernel takes ${maxRank} axes at most)`, x, 'E-GRAPH-SHAPE');
            return 0;
          }
          for (let a = 0; a < rank; a++) {
            const dim = x.shape[a]!;
            const first = begin[a]!;
            const last = first + (extent[a]! - 1) * stride[a]!;
            if (!Number.isInteger(stride[a]) || stride[a] === 0 || !isPosInt(extent[a]) || !Number.isInteger(first) || first < 0 || first >= dim || last < 0 || last >= dim) {
              c.fail(`axis ${a}: ${extent[a]} element(s) from ${first} in steps of ${stride[a]} leave the input's ${dim}`);
              return 0;
            }
          }
          const count = extent.reduce((p, v) => p * v, 1);
          if (size(y) !== count) c.fail(`output has ${size(y)} elements, the slice ${count}`, y, 'E-GRAPH-SHAPE');
          requireSameQuant(c, x, y);
          return size(y);
        },
      },
      quant: { output: 'input' },
      float: (op, g, [x]) => stridedSliceFloat(x!, g.tensors[op.inputs[0]!]!.shape, op.attrs.begin, op.attrs.stride, op.attrs.size, new Float32Array(size(g.tensors[op.outputs[0]!]!))),
      lower(g, op) {
        const x = g.tensors[op.inputs[0]!]!;
        const bytes = x.dtype === 'int16' ? 2 : 1;
        const axes = { shape: [...x.shape], begin: [...op.attrs.begin], stride: [...op.attrs.stride], size: [...op.attrs.size] };
        if (bytes === 2) {
          axes.shape.push(2);
          axes.begin.push(0);
          axes.stride.push(1);
          axes.size.push(2);
        }
        return { kind: 'strided_slice_s8', input: x.id, output: op.outputs[0]!, ...axes, ...(bytes === 2 ? { int16: true as const } : {}) };
      },
    },
  },
  steps: {
    strided_slice_s8: {
      simulate(s, env) {
        const x = env.read(s.input);
        const out = stridedSliceS8(bytesOf(x), s.shape, s.begin, s.stride, s.size);
        return fromBytes(out, s.int16);
      },
      portable: {
        header: 'edgec_strided_slice.h',
        files: ['edgec_strided_slice.h', 'edgec_strided_slice.c'],
        emit(s, ctx) {
          const n = s.op.name;
          const arr = (role: string, v: number[]) => ctx.constArray(role, 'int32_t', v, n);
          const args = [ctx.tensor(s.input, n), ctx.tensor(s.output, n), arr('shape', s.shape), arr('begin', s.begin), arr('stride', s.stride), arr('size', s.size), String(s.shape.length)];
          return { kernel: 'edgec_strided_slice_s8', lines: [`status = ${call('edgec_strided_slice_s8', args)};`] };
        },
      },
    },
  },
  tflite: {
    STRIDED_SLICE: {
      inputs: [4, 4],
      import(c) {
        const o = c.options;
        const masks = { begin: o?.int(0, 0) ?? 0, end: o?.int(1, 0) ?? 0, ellipsis: o?.int(2, 0) ?? 0, newAxis: o?.int(3, 0) ?? 0, shrink: o?.int(4, 0) ?? 0 };
        if ((o?.int(5, 0, 'u8') ?? 0) !== 0) return c.problem('STRIDED_SLICE with offset=true is not supported');
        const ints = (k: number) => Array.from(c.constInts(c.op.inputs[k]!));
        const axes = stridedSliceAxes(c.shape(c.op.inputs[0]!), ints(1), ints(2), ints(3), masks);
        if (!axes) return c.problem('STRIDED_SLICE with an ellipsis or new-axis mask is not supported');
        c.addOp({ kind: 'strided_slice', name: c.name, attrs: axes, inputs: [c.inputs[0]!], outputs: c.outputs });
      },
    },
  },
};
