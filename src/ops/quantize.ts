/**
 * QUANTIZE between integer types (TFLite's Requantize): out = clamp(requant(x - zp_in) + zp_out) with
 * M = s_in / s_out. A QUANTIZE from the model's float input (or a DEQUANTIZE to its float output) is
 * not an op: the importer makes the integer tensor beyond it the model's input (output).
 *
 *   tflite QUANTIZE (int8/int16 -> int8/int16/int32) -> IR requantize -> step requantize -> edgec_quantize_int
 */
import { call } from '../cgen/c.ts';
import { quantizeInt } from '../kernels/quantize.ts';
import { requantizeParams } from '../arith/op-params.ts';
import type { OpFamily } from './contract.ts';
import { checkSameSize } from './shared/rules.ts';

export interface QuantizeOps {
  requantize: Record<string, never>;
}

/** TFLite QUANTIZE between integer types: out = clamp(requant(x - zp_in) + zp_out). */
export interface RequantizeStep {
  kind: 'requantize';
  input: number;
  output: number;
  size: number;
  inType: 'int8' | 'int16';
  outType: 'int8' | 'int16' | 'int32';
  multiplier: number;
  shift: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
}

export interface QuantizeSteps {
  requantize: RequantizeStep;
}

const BYTES = { int8: 1, int16: 2, int32: 4 };

export const quantize: OpFamily<QuantizeOps, QuantizeSteps> = {
  name: 'quantize',
  ops: {
    requantize: {
      rule: {
        inputs: [1, 1],
        outputs: 1,
        signatures: ['int8', 'int16'].flatMap((i) => ['int8', 'int16', 'int32'].map((o) => [i, o] as ('int8' | 'int16' | 'int32')[])),
        check: checkSameSize,
      },
      quant: { output: 'calibrated' },
      lower(g, op) {
        const x = g.tensors[op.inputs[0]!]!;
        const out = g.tensors[op.outputs[0]!]!;
        const r = requantizeParams(x.quant!, out.quant!);
        return {
          kind: 'requantize',
          input: x.id,
          output: out.id,
          size: x.shape.reduce((a, b) => a * b, 1),
          inType: x.dtype as 'int8' | 'int16',
          outType: out.dtype as 'int8' | 'int16' | 'int32',
          ...r,
        };
      },
    },
  },
  steps: {
    requantize: {
      requantizers: (s) => [{ name: 'requantization', multiplier: s.multiplier, shift: s.shift }],
      simulate: (s, env) => quantizeInt(env.read(s.input), s.outType, s.multiplier, s.shift, s.inputZeroPoint, s.outputZeroPoint),
      portable: {
        header: 'edgec_quantize.h',
        files: ['edgec_quantize.h', 'edgec_quantize.c'],
        emit(s, ctx) {
          const n = s.op.name;
          const args = [
            ctx.tensor(s.input, n),
            String(BYTES[s.inType]),
            ctx.tensor(s.output, n),
            String(BYTES[s.outType]),
            String(s.size),
            String(s.multiplier),
            String(s.shift),
            String(s.inputZeroPoint),
            String(s.outputZeroPoint),
          ];
          return { kernel: 'edgec_quantize_int', lines: [`status = ${call('edgec_quantize_int', args)};`] };
        },
      },
    },
  },
  tflite: {
    QUANTIZE: {
      inputs: [1, 1],
      import(c) {
        const from = c.model.tensors[c.op.inputs[0]!]!.type;
        const to = c.model.tensors[c.op.outputs[0]!]!.type;
        const ok = ['int8', 'int16'].includes(from) && ['int8', 'int16', 'int32'].includes(to);
        if (!ok) return c.problem(`QUANTIZE from ${from} to ${to} is not supported (float inputs are supported at the model's input)`);
        c.addOp({ kind: 'requantize', name: c.name, attrs: {}, inputs: [c.inputs[0]!], outputs: c.outputs });
      },
    },
  },
};
