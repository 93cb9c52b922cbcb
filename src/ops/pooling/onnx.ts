/**
 * The pooling family's ONNX mappings (inputs [N, C, T] or [N, C, H, W], read channels-last).
 *
 *   MaxPool, AveragePool { kernel_shape, strides, pads | auto_pad, ceil_mode } -> max_pool2d | avg_pool2d
 *     (ceil_mode's partial window is end padding, which the IR's pools skip; AveragePool with
 *     count_include_pad 1 and padding counts padded zeros, which they do not: refused)
 *   GlobalMaxPool -> max_pool2d over the whole input
 *   GlobalAveragePool, ReduceMean over the spatial axes -> mean_hw (a quantized model: mean_hw_requant,
 *     with the output parameters of the QuantizeLinear after it)
 */
import type { OnnxImportContext, OnnxImporter } from '../onnx-contract.ts';
import { attrInt, attrInts, axisOf, layoutOutput, window2d } from '../shared/onnx.ts';

function spatialInput(c: OnnxImportContext) {
  const x = c.activation(0, 'channels-last');
  if (x && x.dims.length !== 3 && x.dims.length !== 4) {
    c.problem(`${c.node.opType} over a rank-${x.dims.length} input: [N, C, T] and [N, C, H, W] are supported`, 'E-ONNX-SHAPE');
    return null;
  }
  return x;
}

function pool(kind: 'max_pool2d' | 'avg_pool2d'): OnnxImporter {
  return {
    inputs: [1, 1],
    import(c) {
      const x = spatialInput(c);
      if (!x) return;
      const kernel = attrInts(c.node, 'kernel_shape');
      if (!kernel) {
        c.problem('kernel_shape is required', 'E-ONNX-ATTR');
        return;
      }
      if ((attrInts(c.node, 'dilations') ?? []).some((d) => d !== 1)) {
        c.problem('dilated pooling is not supported', 'E-ONNX-ATTR');
        return;
      }
      const win = window2d(c, x.dims.slice(2), kernel, attrInt(c.node, 'ceil_mode', 0) === 1);
      if (!win) return;
      const padded = win.padding.top + win.padding.bottom + win.padding.left + win.padding.right > 0;
      if (kind === 'avg_pool2d' && attrInt(c.node, 'count_include_pad', 0) === 1 && padded) {
        c.problem("count_include_pad 1 with padding averages padded zeros; the IR's average pool counts only the input (export with count_include_pad=False)", 'E-ONNX-ATTR');
        return;
      }
      const y = c.output(0, layoutOutput([x.dims[0]!, x.dims[1]!, ...win.out], 'channels-last'), kind);
      c.addOp({ kind, name: c.name, attrs: { filter: win.filter, stride: win.stride, padding: win.padding, activation: 'none' }, inputs: [x.id], outputs: [y] });
    },
  };
}

/** One window over all of H and W (max), or the mean over them; `keep`: the output keeps the spatial axes as 1. */
function global(c: OnnxImportContext, max: boolean, keep: boolean): void {
  const x = spatialInput(c);
  if (!x) return;
  const spatial = x.dims.slice(2);
  const outDims = keep ? [x.dims[0]!, x.dims[1]!, ...spatial.map(() => 1)] : [x.dims[0]!, x.dims[1]!];
  const out = layoutOutput(outDims, keep ? 'channels-last' : 'plain');
  if (max) {
    const [h, w] = spatial.length === 1 ? [1, spatial[0]!] : [spatial[0]!, spatial[1]!];
    const y = c.output(0, out, 'max_pool2d');
    const none = { top: 0, bottom: 0, left: 0, right: 0 };
    c.addOp({ kind: 'max_pool2d', name: c.name, attrs: { filter: { h, w }, stride: { h: 1, w: 1 }, padding: none, activation: 'none' }, inputs: [x.id], outputs: [y] });
    return;
  }
  const kind = c.quantized ? 'mean_hw_requant' : 'mean_hw';
  const y = c.output(0, out, kind);
  c.addOp({ kind, name: c.name, attrs: {}, inputs: [x.id], outputs: [y] });
}

const reduceMean: OnnxImporter = {
  inputs: [1, 2],
  import(c) {
    const x = c.input(0);
    const rank = x?.dims.length ?? 0;
    const axes = (c.ints(1, 'axes') ?? []).map((a) => axisOf(a, rank));
    const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
    if (axes.length !== spatial.length || !spatial.every((a) => axes.includes(a))) {
      c.problem(`ReduceMean over axes [${(c.ints(1, 'axes') ?? []).join(', ')}]: only the spatial axes of [N, C, T] or [N, C, H, W] (a global average pool)`, 'E-ONNX-ATTR');
      return;
    }
    global(c, false, attrInt(c.node, 'keepdims', 1) === 1);
  },
};

export const poolingOnnxImporters: Record<string, OnnxImporter> = {
  MaxPool: { ...pool('max_pool2d'), outputs: [1, 1] },
  AveragePool: pool('avg_pool2d'),
  GlobalMaxPool: { inputs: [1, 1], import: (c) => global(c, true, true) },
  GlobalAveragePool: { inputs: [1, 1], import: (c) => global(c, false, true) },
  ReduceMean: reduceMean,
};
