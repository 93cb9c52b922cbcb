/**
 * ONNX activations -> IR element-wise ops; the output keeps the input's layout.
 *
 *   Relu, Clip(0, 6), Clip(0, +inf)  -> relu { max } (the passes fuse it into the producer; a Relu
 *                                       right after a Conv or Gemm is fused at import already)
 *   LeakyRelu { alpha }  -> leaky_relu     Sigmoid -> logistic     Tanh -> tanh     HardSwish -> hard_swish
 *
 * Quantized (QDQ) models, int8 in and out: each of them (and Clip to any bounds) -> lut { fn }, a
 * 256-entry table computed as onnxruntime computes DQ -> float op -> Q (activations-lut.ts), with the
 * file's output parameters. Otherwise (float models, int16) Clip to other bounds than (0, 6) and
 * (0, +inf) has no integer kernel (a ReLU clamps at 0 and, fused, at 6): refused.
 */
import type { OpKind } from '../ir/graph.ts';
import type { OnnxImportContext, OnnxImporter } from './onnx-contract.ts';
import { attrFloat } from './shared/onnx.ts';
import type { LutAttrs } from './activations-lut.ts';

function unary(c: OnnxImportContext, kind: OpKind, attrs: Record<string, unknown>): void {
  const x = c.activation(0, 'any');
  if (!x) return;
  const y = c.output(0, { dims: x.dims, order: x.order, irShape: [...c.tensor(x.id).shape] }, kind);
  c.addOp({ kind, name: c.name, attrs, inputs: [x.id], outputs: [y] } as Parameters<OnnxImportContext['addOp']>[0]);
}

/**
 * A quantized model's int8 -> int8 activation as a table in the file's parameters (true), or false
 * when the input or the output is not int8 (int16 QDQ) or the output is not quantized by the file.
 */
function table(c: OnnxImportContext, attrs: LutAttrs): boolean {
  if (!c.quantized) return false;
  const x = c.activation(0, 'any');
  const target = c.outputTarget(0);
  if (!x || c.tensor(x.id).dtype !== 'int8' || target?.dtype !== 'int8') return false;
  const y = c.output(0, { dims: x.dims, order: x.order, irShape: [...c.tensor(x.id).shape] }, 'lut');
  c.addOp({ kind: 'lut', name: c.name, attrs, inputs: [x.id], outputs: [y] });
  return true;
}

/** An activation: its table in a quantized int8 model, else the IR op (TFLite's arithmetic). */
const activation = (kind: OpKind, fn: LutAttrs['fn'], attrs: (c: OnnxImportContext) => Record<string, number> = () => ({})): OnnxImporter => ({
  inputs: [1, 1],
  import(c) {
    if (!table(c, { fn, ...attrs(c) })) unary(c, kind, attrs(c));
  },
});

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
    if (table(c, { fn: 'clip', min: 0, ...(max === undefined ? {} : { max }) })) return;
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
    if (lo > hi) return c.problem(`Clip(${lo}, ${hi}): the lower bound is above the upper`, 'E-ONNX-OP');
    if (table(c, { fn: 'clip', min: lo, max: hi })) return;
    if (lo !== 0 || (hi !== 6 && hi < 3.4e38)) return c.problem(`Clip(${lo}, ${hi}): only Clip(0, 6) (ReLU6) and Clip(0, +inf) (ReLU) have integer kernels`, 'E-ONNX-OP');
    relu(hi === 6 ? 6 : undefined).import(c);
  },
};

export const activationsOnnxImporters: Record<string, OnnxImporter> = {
  Relu: relu(),
  Clip: clip,
  LeakyRelu: activation('leaky_relu', 'leaky_relu', (c) => ({ alpha: attrFloat(c.node, 'alpha', 0.01) })),
  Sigmoid: activation('logistic', 'sigmoid'),
  Tanh: activation('tanh', 'tanh'),
  HardSwish: activation('hard_swish', 'hard_swish'),
};
