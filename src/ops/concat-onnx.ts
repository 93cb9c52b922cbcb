/**
 * ONNX Concat of activations -> IR concat. Inputs read by convolutions are channels-last: the
 * channel axis of [N, C, T] / [N, C, H, W] is the IR's last ([0, 1, 2, 3] -> [0, 3, 1, 2]; 1-D:
 * [0, 1, 2] -> [0, 3, 2]); inputs in ONNX order concatenate on the same axis. A quantized model's
 * inputs are requantized to the output's parameters (the IR's concatenation copies bytes).
 */
import type { OnnxActivation, OnnxImporter, OnnxLayout } from './onnx-contract.ts';
import { attrInt, axisOf, layoutOutput, orderOf, sameOrder } from './shared/onnx.ts';

const IR_AXIS: Record<number, readonly number[]> = { 3: [0, 3, 2], 4: [0, 3, 1, 2] };

export const concatOnnx: OnnxImporter = {
  inputs: [1, 64],
  import(c) {
    const xs = c.node.inputs.map((_, k) => c.activation(k, 'any'));
    if (xs.some((x) => !x)) return;
    const inputs = xs as OnnxActivation[];
    const rank = inputs[0]!.dims.length;
    const axis = axisOf(attrInt(c.node, 'axis', 1), rank);
    if (axis === null || inputs.some((x) => x.dims.length !== rank || x.dims.some((d, i) => i !== axis && d !== inputs[0]!.dims[i]))) {
      return c.problem(`inputs [${inputs.map((x) => `[${x.dims.join(', ')}]`).join(', ')}] do not concatenate on axis ${attrInt(c.node, 'axis', 1)}`, 'E-ONNX-SHAPE');
    }
    const channelsLast = IR_AXIS[rank] !== undefined && inputs.every((x) => sameOrder(x.order, orderOf(x.dims, 'channels-last')));
    const layout: OnnxLayout = channelsLast ? 'channels-last' : 'plain';
    const ids = inputs.map((_, k) => c.activation(k, layout));
    if (ids.some((x) => !x)) return;
    const dims = [...inputs[0]!.dims];
    dims[axis] = inputs.reduce((a, x) => a + x.dims[axis]!, 0);
    const target = c.outputTarget(0);
    const reads = (ids as OnnxActivation[]).map((x) => (target ? c.requantize(x.id, target) : x.id));
    const y = c.output(0, layoutOutput(dims, layout), 'concat', target?.quant);
    c.addOp({ kind: 'concat', name: c.name, attrs: { axis: channelsLast ? IR_AXIS[rank]![axis]! : axis, activation: 'none' }, inputs: reads, outputs: [y] });
  },
};
