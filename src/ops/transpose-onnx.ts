/**
 * ONNX Transpose -> no op: the output is the input's IR tensor, each element's ONNX index moved by
 * the permutation (src/ops/onnx-contract.ts, "Layouts"). A reader that needs a particular order
 * finds it or refuses, located; PyTorch's batch_first transposes around a GRU over [1, T, C], or the
 * [N, C, T] -> [N, T, C] transpose after a channels-last convolution, cost nothing.
 */
import type { OnnxImporter } from './onnx-contract.ts';
import { attrInts, transposedOrder } from './shared/onnx.ts';

export const transposeOnnx: OnnxImporter = {
  inputs: [1, 1],
  import(c) {
    const x = c.activation(0, 'any');
    if (!x) return;
    const r = x.dims.length;
    const perm = attrInts(c.node, 'perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i);
    if (perm.length !== r || [...perm].sort((a, b) => a - b).some((v, i) => v !== i)) {
      c.problem(`perm [${perm.join(', ')}] is not a permutation of the input's ${r} axes`, 'E-ONNX-ATTR');
      return;
    }
    c.alias(0, { id: x.id, dims: perm.map((p) => x.dims[p]!), order: transposedOrder(x.dims, x.order, perm) });
  },
};
