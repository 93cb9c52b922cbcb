/**
 * ONNX ops that relabel an activation without moving its bytes: Reshape, Flatten, Squeeze,
 * Unsqueeze, Identity, Dropout (inference). The output is the input's IR tensor with new ONNX dims;
 * a Reshape keeps ONNX's row-major index of every element, so the stored order carries over as it is
 * (a channels-last tensor flattened stays in the IR's order; the Gemm after it permutes its weights).
 */
import type { OnnxImportContext, OnnxImporter } from './onnx-contract.ts';
import { attrInt, axisOf, reshapeDims } from './shared/onnx.ts';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function relabel(c: OnnxImportContext, dims: number[] | string): void {
  const x = c.activation(0, 'any');
  if (!x) return;
  if (typeof dims === 'string') {
    c.problem(dims, 'E-ONNX-SHAPE');
    return;
  }
  if (prod(dims) !== prod(x.dims)) {
    c.problem(`[${dims.join(', ')}] holds ${prod(dims)} values, the input ${prod(x.dims)}`, 'E-ONNX-SHAPE');
    return;
  }
  c.alias(0, { id: x.id, dims, order: x.order });
}

const reshape: OnnxImporter = {
  inputs: [1, 2],
  import(c) {
    const x = c.input(0);
    const shape = c.opset < 5 ? c.ints(-1, 'shape') : c.ints(1, 'shape');
    if (!x || !shape) return c.problem('the target shape must be a constant', 'E-ONNX-OP');
    relabel(c, reshapeDims(x.dims, shape, attrInt(c.node, 'allowzero', 0) === 1));
  },
};

const flatten: OnnxImporter = {
  inputs: [1, 1],
  import(c) {
    const dims = c.input(0)?.dims ?? [];
    const axis = axisOf(attrInt(c.node, 'axis', 1), dims.length + 1);
    relabel(c, axis === null ? `axis ${attrInt(c.node, 'axis', 1)} is out of range` : [prod(dims.slice(0, axis)), prod(dims.slice(axis))]);
  },
};

const squeeze: OnnxImporter = {
  inputs: [1, 2],
  import(c) {
    const dims = c.input(0)?.dims ?? [];
    const given = c.ints(1, 'axes');
    const axes = given ? given.map((a) => axisOf(a, dims.length)) : dims.map((d, i) => (d === 1 ? i : null)).filter((a) => a !== null);
    if (axes.some((a) => a === null || dims[a] !== 1)) return relabel(c, `axes [${given?.join(', ')}] must name axes of extent 1`);
    relabel(
      c,
      dims.filter((_, i) => !axes.includes(i)),
    );
  },
};

const unsqueeze: OnnxImporter = {
  inputs: [1, 2],
  import(c) {
    const dims = [...(c.input(0)?.dims ?? [])];
    const given = c.ints(1, 'axes') ?? [];
    const rank = dims.length + given.length;
    const axes = given.map((a) => axisOf(a, rank));
    if (axes.some((a) => a === null) || new Set(axes).size !== axes.length) return relabel(c, `axes [${given.join(', ')}] are out of range or repeated`);
    for (const a of (axes as number[]).sort((p, q) => p - q)) dims.splice(a, 0, 1);
    relabel(c, dims);
  },
};

const identity: OnnxImporter = { inputs: [1, 3], outputs: [1, 1], import: (c) => relabel(c, [...(c.input(0)?.dims ?? [])]) };

export const reshapeOnnxImporters: Record<string, OnnxImporter> = {
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Identity: identity,
  // Dropout at inference copies its input (the mask output, if any, is refused when read).
  Dropout: identity,
};
