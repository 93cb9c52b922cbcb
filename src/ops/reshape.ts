/**
 * Reshapes and identities: same bytes, new shape. A reshape lowers to no step at all: the planner
 * gives its output its input's bytes (an alias). Layers that are identities at inference (dropout,
 * noise, quantization-aware training's fake quantization) add no op.
 *
 *   tflite RESHAPE, SQUEEZE, EXPAND_DIMS   tfjs Flatten, Reshape   -> IR reshape { shape } -> (alias)
 *   tfjs Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout, EdgecFakeQuant -> nothing
 */
import type { OpFamily, TfjsImporter, TfliteImporter } from './contract.ts';
import { requireSameQuant, size } from './shared/rules.ts';
import { newActivation } from './shared/tfjs.ts';
import { reshapeOnnxImporters } from './reshape-onnx.ts';

export interface ReshapeOps {
  reshape: { shape: readonly number[] };
}

export type ReshapeSteps = Record<never, never>;

const reshapeLayer: TfjsImporter = {
  convert(ctx) {
    const out = newActivation(ctx, '', ctx.outShape);
    ctx.b.addOp({ kind: 'reshape', name: ctx.name, attrs: { shape: ctx.outShape }, inputs: [ctx.inputs[0]!], outputs: [out] });
    return out;
  },
};

/** Identity at inference: the layer's readers read its input. */
const identity: TfjsImporter = { convert: (ctx) => ctx.inputs[0]! };

const reshapeBuiltin = (inputs: readonly [number, number]): TfliteImporter => ({
  inputs,
  import(c) {
    c.addOp({ kind: 'reshape', name: c.name, attrs: { shape: c.shape(c.op.outputs[0]!) }, inputs: [c.inputs[0]!], outputs: c.outputs });
  },
});

export const reshape: OpFamily<ReshapeOps, ReshapeSteps> = {
  name: 'reshape',
  ops: {
    reshape: {
      rule: {
        inputs: [1, 1],
        outputs: 1,
        signatures: [
          ['float32', 'float32'],
          ['int8', 'int8'],
          ['int16', 'int16'],
          ['int32', 'int32'],
        ],
        check(c) {
          const [x, y] = [c.input(0)!, c.output(0)];
          requireSameQuant(c, x, y);
          if (size(x) !== size(y)) c.fail(`output has ${size(y)} elements, the input ${size(x)}`, y, 'E-GRAPH-SHAPE');
          return size(y);
        },
      },
      quant: { output: 'input' },
      float: (_op, _g, [x]) => x!,
      lower: () => null,
    },
  },
  steps: {},
  tflite: { RESHAPE: reshapeBuiltin([1, 2]), SQUEEZE: reshapeBuiltin([1, 1]), EXPAND_DIMS: reshapeBuiltin([2, 2]) },
  tfjs: {
    Flatten: reshapeLayer,
    Reshape: reshapeLayer,
    Dropout: identity,
    SpatialDropout1D: identity,
    GaussianNoise: identity,
    GaussianDropout: identity,
    AlphaDropout: identity,
    // Quantization-aware training's fake quantization: its learned range goes to the quantizer
    // (collected by the importer from the layer configs).
    EdgecFakeQuant: identity,
  },
  onnx: reshapeOnnxImporters,
};
