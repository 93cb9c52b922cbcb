/**
 * ONNX element-wise arithmetic of two activations of one shape -> IR add (a residual connection),
 * sub (a difference of channels or branches) or mul (gating; PyTorch's SiLU exports as
 * Sigmoid -> Mul(x, sigmoid(x))).
 *
 * Both operands must have the same dims and be stored in the same order (the output keeps it); a
 * constant operand folds into the Conv, Gemm or MatMul before it (src/import/onnx-fold.ts) or is
 * refused here, and so is a broadcast operand (the kernels take operands of one shape). Div of two
 * activations has no integer kernel in generated code. In a QDQ model (DQ -> op -> Q) the output
 * takes the QuantizeLinear's parameters.
 */
import type { OnnxImportContext, OnnxImporter } from './onnx-contract.ts';
import { sameOrder } from './shared/onnx.ts';

function constantOperand(c: OnnxImportContext): boolean {
  const k = [0, 1].find((i) => c.input(i)?.kind === 'const');
  if (k === undefined) return false;
  c.problem(
    `${c.node.opType} of a constant ('${c.input(k)!.name}') is supported only right after a Conv, Gemm or MatMul (one reader), folded into its weights and bias; here it reads ${c.input(1 - k)?.name ?? 'nothing'}`,
    'E-ONNX-OP',
  );
  return true;
}

function binary(kind: 'add' | 'sub' | 'mul'): OnnxImporter {
  return {
    inputs: [2, 2],
    import(c) {
      if (constantOperand(c)) return;
      const a = c.activation(0, 'any');
      const b = c.activation(1, 'any');
      if (!a || !b) return;
      const op = c.node.opType;
      if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i]))
        return c.problem(`${op} of [${a.dims.join(', ')}] and [${b.dims.join(', ')}]: broadcasting is not supported (both operands need one shape)`, 'E-ONNX-SHAPE');
      if (!sameOrder(a.order, b.order)) return c.problem(`${op} of '${a.name}' and '${b.name}', stored in different orders (one channels-last, one not): that takes a data transpose`, 'E-ONNX-LAYOUT');
      const irShape = [...c.tensor(a.id).shape];
      const y = c.output(0, { dims: a.dims, order: a.order, irShape }, kind);
      c.addOp({ kind, name: c.name, attrs: { activation: 'none' }, inputs: [a.id, c.reshape(b.id, irShape)], outputs: [y] });
    },
  };
}

const noKernel = (op: string): OnnxImporter => ({
  inputs: [2, 2],
  import(c) {
    if (!constantOperand(c)) c.problem(`${op} of two activations has no integer kernel in generated code`, 'E-ONNX-OP');
  },
});

export const elementwiseOnnxImporters: Record<string, OnnxImporter> = { Add: binary('add'), Sub: binary('sub'), Mul: binary('mul'), Div: noKernel('Div') };
