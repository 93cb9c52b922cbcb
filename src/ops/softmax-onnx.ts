/**
 * ONNX Softmax -> IR softmax over the innermost axis of the IR tensor.
 *
 * Opset 13 normalizes along `axis` (default -1); earlier opsets over the flattened block from `axis`
 * (default 1) to the end. Either way each group of values normalized together must be one IR row:
 * consecutive in the IR tensor, whatever order the activation stores (channels-last puts an NCHW
 * tensor's channel axis innermost, so Softmax over channels needs no transpose). Softmax does not
 * care about the order inside a row, and its output keeps the input's order.
 */
import type { OnnxImporter } from './onnx-contract.ts';
import { attrInt, axisOf } from './shared/onnx.ts';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Whether every IR row of `size` values holds the values of one ONNX group. */
function rowsAreGroups(order: Int32Array | null, total: number, size: number, inner: number): boolean {
  // ONNX index i belongs to group (i div (size * inner)) * inner + i mod inner.
  const group = (i: number) => Math.floor(i / (size * inner)) * inner + (i % inner);
  for (let r = 0; r < total; r += size) {
    const g = group(order ? order[r]! : r);
    for (let s = r + 1; s < r + size; s++) if (group(order ? order[s]! : s) !== g) return false;
  }
  return true;
}

export const softmaxOnnx: OnnxImporter = {
  inputs: [1, 1],
  import(c) {
    const x = c.activation(0, 'any');
    if (!x) return;
    const rank = x.dims.length;
    const legacy = c.opset < 13;
    const axis = axisOf(attrInt(c.node, 'axis', legacy ? 1 : -1), Math.max(rank, 1));
    if (axis === null) {
      c.problem(`axis ${attrInt(c.node, 'axis', legacy ? 1 : -1)} is outside the input's ${rank} axes`, 'E-ONNX-ATTR');
      return;
    }
    const size = legacy ? prod(x.dims.slice(axis)) : (x.dims[axis] ?? 1);
    const inner = legacy ? 1 : prod(x.dims.slice(axis + 1));
    const total = prod(x.dims);
    if (!rowsAreGroups(x.order, total, size, inner)) {
      c.problem(
        `Softmax over axis ${axis} of [${x.dims.join(', ')}]: those values are not consecutive in the IR tensor (only the innermost axis, or channels of a channels-last activation)`,
        'E-ONNX-LAYOUT',
      );
      return;
    }
    const irShape = [total / size, size];
    const input = c.reshape(x.id, irShape);
    const y = c.output(0, { dims: x.dims, order: x.order, irShape }, 'softmax');
    c.addOp({ kind: 'softmax', name: c.name, attrs: { beta: 1 }, inputs: [input], outputs: [y] });
  },
};
