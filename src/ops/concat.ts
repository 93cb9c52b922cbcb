/**
 * CONCATENATION of tensors that share one quantization (TFLite Micro requires it; post-training
 * quantization gives inputs and output one range), so the op is a pure copy of contiguous runs.
 *
 *   tflite CONCATENATION   tfjs Concatenate   -> IR concat { axis, activation }  -> step concat_s8
 */
import { call } from '../cgen/c.ts';
import type { Activation } from '../ir/graph.ts';
import { concatS8 } from '../kernels/concat.ts';
import type { OpFamily, OpOf } from './contract.ts';
import { requireSameQuant, shapeText, size } from './shared/rules.ts';
import { newActivation } from './shared/tfjs.ts';
import { bytesOf, fromBytes } from './shared/bytes.ts';
import { concatOnnx } from './concat-onnx.ts';

export interface ConcatOps {
  concat: { axis: number; activation: Activation };
}

export interface ConcatStep {
  kind: 'concat_s8';
  inputs: number[];
  output: number;
  axisSizes: number[];
  outer: number;
  /** In bytes: an int16 concatenation is the same byte copy with runs twice as long (`int16`). */
  inner: number;
  int16?: true;
}

export interface ConcatSteps {
  concat_s8: ConcatStep;
}

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export const concat: OpFamily<ConcatOps, ConcatSteps> = {
  name: 'concat',
  ops: {
    concat: {
      rule: {
        inputs: [1, 64],
        outputs: 1,
        signatures: [['float32'], ['int8'], ['int16']],
        check(c) {
          const op = c.op as OpOf<'concat'>;
          const y = c.output(0);
          const rank = y.shape.length;
          const axis = op.attrs.axis < 0 ? op.attrs.axis + rank : op.attrs.axis;
          if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
            c.fail(`axis ${op.attrs.axis} is outside the output's ${rank} axes`);
            return 0;
          }
          if (op.attrs.activation !== 'none') c.fail(`a fused activation (${String(op.attrs.activation)}) on a concatenation is not supported`);
          let total = 0;
          op.inputs.forEach((id) => {
            const t = c.g.tensors[id]!;
            if (t.dtype !== y.dtype) c.fail(`input is ${t.dtype}, the output ${y.dtype}`, t, 'E-GRAPH-TYPE');
            if (t.shape.length !== rank || t.shape.some((d, i) => i !== axis && d !== y.shape[i]))
              c.fail(`shape ${shapeText(t.shape)} does not match the output ${shapeText(y.shape)} outside axis ${axis}`, t, 'E-GRAPH-SHAPE');
            total += t.shape[axis] ?? 0;
            requireSameQuant(c, t, y);
          });
          if (total !== y.shape[axis]) c.fail(`inputs add up to ${total} along axis ${axis}, the output has ${y.shape[axis]}`, y, 'E-GRAPH-SHAPE');
          return size(y);
        },
      },
      quant: { output: 'inputs' },
      float(op, g, inputs) {
        const outT = g.tensors[op.outputs[0]!]!;
        const axis = op.attrs.axis < 0 ? op.attrs.axis + outT.shape.length : op.attrs.axis;
        const outer = prod(outT.shape.slice(0, axis));
        const out = new Float32Array(prod(outT.shape));
        let p = 0;
        for (let o = 0; o < outer; o++)
          inputs.forEach((t) => {
            const run = t.length / outer;
            out.set(t.subarray(o * run, (o + 1) * run), p);
            p += run;
          });
        return out;
      },
      lower(g, op) {
        const out = g.tensors[op.outputs[0]!]!;
        const rank = out.shape.length;
        const axis = op.attrs.axis < 0 ? op.attrs.axis + rank : op.attrs.axis;
        return {
          kind: 'concat_s8',
          inputs: [...op.inputs],
          output: out.id,
          axisSizes: op.inputs.map((id) => g.tensors[id]!.shape[axis]!),
          outer: prod(out.shape.slice(0, axis)),
          inner: prod(out.shape.slice(axis + 1)) * (out.dtype === 'int16' ? 2 : 1),
          ...(out.dtype === 'int16' ? { int16: true as const } : {}),
        };
      },
    },
  },
  steps: {
    concat_s8: {
      simulate(s, env) {
        const out = concatS8(
          s.inputs.map((id) => bytesOf(env.read(id))),
          s.axisSizes,
          s.outer,
          s.inner,
        );
        return fromBytes(out, s.int16);
      },
      portable: {
        header: 'edgec_concat.h',
        files: ['edgec_concat.h', 'edgec_concat.c'],
        emit(s, ctx) {
          const n = s.op.name;
          const sizes = ctx.constArray('axis_sizes', 'int32_t', s.axisSizes, n);
          const bytes = (p: string) => (s.int16 ? `(const int8_t *)(const void *)${p}` : p);
          const ptrs = `{ ${s.inputs.map((id) => bytes(ctx.tensor(id, n))).join(', ')} }`;
          return {
            kernel: 'edgec_concat_s8',
            lines: [
              `{`,
              `    const int8_t *const inputs[${s.inputs.length}] = ${ptrs};`,
              `    status = ${call('edgec_concat_s8', ['inputs', sizes, String(s.inputs.length), String(s.outer), String(s.inner), s.int16 ? `(int8_t *)(void *)${ctx.tensor(s.output, n)}` : ctx.tensor(s.output, n)])};`,
              `}`,
            ],
          };
        },
      },
    },
  },
  tflite: {
    CONCATENATION: {
      inputs: [1, 64],
      import(c) {
        const out = c.model.tensors[c.op.outputs[0]!]!;
        const outQ = out.quant;
        // A float model's concatenation is quantized by edgec, which gives its inputs the output's parameters.
        const same =
          out.type === 'float32' ||
          c.op.inputs.every((i) => {
            const q = c.model.tensors[i]!.quant;
            return q && outQ && q.scale[0] === outQ.scale[0] && q.zeroPoint[0] === outQ.zeroPoint[0];
          });
        if (!same) return c.problem('CONCATENATION of inputs quantized differently from the output is not supported (TFLite Micro requires them equal)');
        c.addOp({ kind: 'concat', name: c.name, attrs: { axis: c.options?.int(0, 0) ?? 0, activation: c.activation(1) }, inputs: c.inputs, outputs: c.outputs });
      },
    },
  },
  tfjs: {
    Concatenate: {
      unsupported(config, inputRank) {
        if (inputRank === undefined || !('axis' in config)) return [];
        const axis = Number(config.axis);
        return (axis < 0 ? axis + inputRank : axis) === 0 ? ['concatenation along the batch axis'] : [];
      },
      convert(ctx) {
        const rank = ctx.layer.outputShape.length as number;
        const axis = Number(ctx.config.axis ?? -1);
        // A negative axis counts from the channel end and survives lifting 1-D shapes to 2-D.
        const negative = axis < 0 ? axis : axis - rank;
        const out = newActivation(ctx, '', ctx.outShape);
        ctx.b.addOp({ kind: 'concat', name: ctx.name, attrs: { axis: negative, activation: 'none' }, inputs: ctx.inputs, outputs: [out] });
        return out;
      },
    },
  },
  onnx: { Concat: concatOnnx },
};
