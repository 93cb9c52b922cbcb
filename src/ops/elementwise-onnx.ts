/**
 * ONNX element-wise arithmetic -> IR add of two activations of one shape (a residual connection).
 *
 * Both operands must have the same dims and be stored in the same order (the output keeps it); a
 * constant operand folds into the Conv, Gemm or MatMul before it (src/import/onnx-fold.ts) or is
 * refused here. Sub, Mul and Div of two activations have no integer kernel in generated code.
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

const add: OnnxImporter = {
  inputs: [2, 2],
  import(c) {
    if (constantOperand(c)) return;
    const a = c.activation(0, 'any');
    const b = c.activation(1, 'any');
    if (!a || !b) return;
    if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i]))
      return c.problem(`Add of [${a.dims.join(', ')}] and [${b.dims.join(', ')}]: broadcasting is not supported`, 'E-ONNX-SHAPE');
    if (!sameOrder(a.order, b.order)) return c.problem(`Add of '${a.name}' and '${b.name}', stored in different orders (one channels-last, one not): that takes a data transpose`, 'E-ONNX-LAYOUT');
    const irShape = [...c.tensor(a.id).shape];
    const y = c.output(0, { dims: a.dims, order: a.order, irShape }, 'add');
    c.addOp({ kind: 'add', name: c.name, attrs: { activation: 'none' }, inputs: [a.id, c.reshape(b.id, irShape)], outputs: [y] });
  },
};

const noKernel = (op: string): OnnxImporter => ({
  inputs: [2, 2],
  import(c) {
    if (!constantOperand(c)) c.problem(`${op} of two activations has no integer kernel in generated code`, 'E-ONNX-OP');
  },
});

export const elementwiseOnnxImporters: Record<string, OnnxImporter> = { Add: add, Sub: noKernel('Sub'), Mul: noKernel('Mul'), Div: noKernel('Div') };
