/**
 * ONNX activations -> IR element-wise ops; the output keeps the input's layout.
 *
 *   Relu, Clip(0, 6), Clip(0, +inf)  -> relu { max } (the passes fuse it into the producer; a Relu
 *                                       right after a Conv or Gemm is fused at import already)
 *   LeakyRelu { alpha }  -> leaky_relu     Sigmoid -> logistic     Tanh -> tanh     HardSwish -> hard_swish
 *
 * Clip to other bounds has no integer kernel (a ReLU clamps at 0 and, fused, at 6): refused.
 */
import type { OpKind } from '../ir/graph.ts';
import type { OnnxImportContext, OnnxImporter } from './onnx-contract.ts';
import { attrFloat } from './shared/onnx.ts';

function unary(c: OnnxImportContext, kind: OpKind, attrs: Record<string, unknown>): void {
  const x = c.activation(0, 'any');
  if (!x) return;
  const y = c.output(0, { dims: x.dims, order: x.order, irShape: [...c.tensor(x.id).shape] }, kind);
  c.addOp({ kind, name: c.name, attrs, inputs: [x.id], outputs: [y] } as Parameters<OnnxImportContext['addOp']>[0]);
}

/** A bound of Clip: attribute (opset < 11) or constant input. */
function bound(c: OnnxImportContext, attr: string, k: number, def: number): number | null {
  if (c.opset < 11) return attrFloat(c.node, attr, def);
  const v = c.input(k);
  if (!v) return def;
  if (v.kind !== 'const' || v.data.length !== 1) {
    c.problem(`Clip's ${attr} must be a constant scalar`, 'E-ONNX-OP');
    return null;
  }
  return Number(v.data[0]);
}

const relu = (max?: number): OnnxImporter => ({
  inputs: [1, 1],
  import(c) {
    if (c.quantized) return c.problem('a Relu that does not follow a Conv or Gemm has no integer kernel in a quantized model', 'E-ONNX-QUANT');
    unary(c, 'relu', max === undefined ? {} : { max });
  },
});

const clip: OnnxImporter = {
  inputs: [1, 3],
  import(c) {
    const lo = bound(c, 'min', 1, -3.4028234663852886e38);
    const hi = bound(c, 'max', 2, 3.4028234663852886e38);
    if (lo === null || hi === null) return;
    if (lo !== 0 || (hi !== 6 && hi < 3.4e38)) return c.problem(`Clip(${lo}, ${hi}): only Clip(0, 6) (ReLU6) and Clip(0, +inf) (ReLU) have integer kernels`, 'E-ONNX-OP');
    relu(hi === 6 ? 6 : undefined).import(c);
  },
};

export const activationsOnnxImporters: Record<string, OnnxImporter> = {
  Relu: relu(),
  Clip: clip,
  LeakyRelu: { inputs: [1, 1], import: (c) => unary(c, 'leaky_relu', { alpha: attrFloat(c.node, 'alpha', 0.01) }) },
  Sigmoid: { inputs: [1, 1], import: (c) => unary(c, 'logistic', {}) },
  Tanh: { inputs: [1, 1], import: (c) => unary(c, 'tanh', {}) },
  HardSwish: { inputs: [1, 1], import: (c) => unary(c, 'hard_swish', {}) },
};
