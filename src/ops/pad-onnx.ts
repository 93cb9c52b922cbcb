/**
 * ONNX Pad (mode constant, value 0) on the spatial axes of [N, C, T] / [N, C, H, W], read
 * channels-last -> IR pad { padding } (pads: every axis's begin, then every axis's end).
 */
import type { OnnxImporter } from './onnx-contract.ts';
import { attrString, layoutOutput } from './shared/onnx.ts';

export const padOnnx: OnnxImporter = {
  inputs: [1, 4],
  import(c) {
    if (attrString(c.node, 'mode', 'constant') !== 'constant') return c.problem(`mode '${attrString(c.node, 'mode', 'constant')}': only constant (zero) padding`, 'E-ONNX-ATTR');
    if (c.input(3)) return c.problem('padding selected axes (the axes input) is not supported', 'E-ONNX-ATTR');
    const value = c.opset < 11 ? (c.node.attrs.get('value')?.f ?? 0) : c.input(2) ? Number(c.constant(2, 'constant_value')?.data[0] ?? Number.NaN) : 0;
    if (value !== 0) return c.problem(`constant value ${value}: only zero padding`, 'E-ONNX-ATTR');
    const x = c.activation(0, 'channels-last');
    const pads = c.ints(1, 'pads');
    if (!x || !pads) return;
    const r = x.dims.length;
    if ((r !== 3 && r !== 4) || pads.length !== 2 * r) return c.problem(`pads [${pads.join(', ')}] of a rank-${r} input: [N, C, T] and [N, C, H, W] are supported`, 'E-ONNX-SHAPE');
    if ([0, 1, r, r + 1].some((a) => pads[a] !== 0) || pads.some((p) => !Number.isInteger(p) || p < 0 || p > 65535))
      return c.problem(`pads [${pads.join(', ')}]: only non-negative padding of the spatial axes`, 'E-ONNX-ATTR');
    const padding = r === 3 ? { top: 0, bottom: 0, left: pads[2]!, right: pads[5]! } : { top: pads[2]!, left: pads[3]!, bottom: pads[6]!, right: pads[7]! };
    const dims = x.dims.map((d, a) => d + pads[a]! + pads[a + r]!);
    const y = c.output(0, layoutOutput(dims, 'channels-last'), 'pad');
    c.addOp({ kind: 'pad', name: c.name, attrs: { padding }, inputs: [x.id], outputs: [y] });
  },
};
