/**
 * Inference batch normalization (float graphs only): x * gamma / sqrt(variance + epsilon) + beta per
 * channel. The passes fold it into the convolution or dense layer before it (src/passes/
 * fold-batch-norm.ts); one that cannot be folded is reported at lowering.
 *
 *   tfjs BatchNormalization (channel axis) -> IR batch_norm { epsilon } -> folded away
 */
import { fail } from '../support/diagnostics.ts';
import type { OpFamily, OpOf } from './contract.ts';
import { checkSameSize, size } from './shared/rules.ts';
import { addConst, newActivation } from './shared/tfjs.ts';
import { batchNormOnnx } from './normalization-onnx.ts';

export interface NormalizationOps {
  batch_norm: { epsilon: number };
}

export type NormalizationSteps = Record<never, never>;

const F = 'float32';

export const normalization: OpFamily<NormalizationOps, NormalizationSteps> = {
  name: 'normalization',
  ops: {
    batch_norm: {
      rule: {
        inputs: [5, 5],
        outputs: 1,
        constant: [1, 2, 3, 4],
        signatures: [[F, F, F, F, F, F]],
        check(c) {
          const x = c.input(0)!;
          const ch = x.shape[x.shape.length - 1]!;
          const eps = (c.op as OpOf<'batch_norm'>).attrs.epsilon;
          if (!Number.isFinite(eps) || eps < 0) c.fail(`epsilon ${eps} must be finite and non-negative`);
          for (let k = 1; k <= 4; k++) if (size(c.input(k)!) !== ch) c.fail(`holds ${size(c.input(k)!)} values for ${ch} channels`, c.input(k), 'E-GRAPH-SHAPE');
          const variance = c.input(4)!.data;
          if (variance && Array.from(variance).some((v) => !(Number(v) + eps > 0))) c.fail('variance + epsilon must be positive in every channel', c.input(4), 'E-GRAPH-DATA');
          return checkSameSize(c);
        },
      },
      quant: { output: 'calibrated' },
      float(op, g, [x]) {
        const [gamma, beta, mean, variance] = op.inputs.slice(1).map((id) => g.tensors[id]!.data as Float32Array);
        const C = gamma!.length;
        return x!.map((v, i) => {
          const c = i % C;
          return ((v - mean![c]!) / Math.sqrt(variance![c]! + op.attrs.epsilon)) * gamma![c]! + beta![c]!;
        });
      },
      lower: (_g, op) => fail('E-LOWER-OP', 'codegen', 'batch norm should have been folded by the passes', { layer: op.name }),
    },
  },
  steps: {},
  tfjs: {
    BatchNormalization: {
      unsupported(config, inputRank) {
        if (inputRank === undefined || !('axis' in config)) return [];
        const axis = Number(Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis);
        return (axis < 0 ? axis + inputRank : axis) !== inputRank - 1 ? [`axis ${String(config.axis)} (only the channel axis, -1)`] : [];
      },
      convert(ctx) {
        const { config } = ctx;
        const C = ctx.b.tensor(ctx.inputs[0]!).shape.at(-1)!;
        let i = 0;
        const gamma = config.scale !== false ? ctx.weights[i++]! : new Float32Array(C).fill(1);
        const beta = config.center !== false ? ctx.weights[i++]! : new Float32Array(C);
        const mean = ctx.weights[i++]!;
        const variance = ctx.weights[i++]!;
        const ids = [gamma, beta, mean, variance].map((d, k) => addConst(ctx, ['gamma', 'beta', 'moving_mean', 'moving_variance'][k]!, [C], d));
        const out = newActivation(ctx, '', ctx.outShape);
        ctx.b.addOp({ kind: 'batch_norm', name: ctx.name, attrs: { epsilon: Number(config.epsilon ?? 1e-3) }, inputs: [ctx.inputs[0]!, ...ids], outputs: [out] });
        return out;
      },
    },
  },
  onnx: { BatchNormalization: batchNormOnnx },
};
