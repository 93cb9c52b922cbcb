/**
 * ONNX GRU -> IR gru (src/ops/shared/onnx-recurrent.ts has the operands, layouts and refusals).
 *
 * ONNX stacks the gates z, r, h. With linear_before_reset 0 the candidate is
 * tanh(W_h x + (r . h) R_h^T + Wb_h + Rb_h): the IR's GRU (tfjs's, reset before the recurrent
 * product), the two candidate biases summed. PyTorch exports its GRU with linear_before_reset 1,
 * tanh(W_h x + Wb_h + r . (R_h h + Rb_h)): the IR's GRU with `resetAfter`, Rb_h its own input
 * (the candidate's recurrent bias). The update and reset gates' biases are summed either way.
 *
 *   Y (every step) -> gru { returnSequences }   Y_h alone -> gru over the last step   both: a slice for Y_h
 */
import type { OnnxImporter } from '../onnx-contract.ts';
import { gateBias, gateRows, lastStep, recurrentInput, sequenceDims } from '../shared/onnx-recurrent.ts';
import { attrInt } from '../shared/onnx.ts';

export const gruOnnx: OnnxImporter = {
  inputs: [3, 6],
  outputs: [0, 2],
  import(c) {
    const linearBeforeReset = attrInt(c.node, 'linear_before_reset', 0);
    if (linearBeforeReset !== 0 && linearBeforeReset !== 1) {
      return c.problem(`linear_before_reset ${linearBeforeReset}: 0 or 1`, 'E-ONNX-ATTR');
    }
    const resetAfter = linearBeforeReset === 1;
    const s = recurrentInput(c, 3);
    if (!s) return;
    const { hidden: h, inputSize, timeSteps: t } = s;
    const names = ['z', 'r', 'h'];
    const w = names.map((g, k) => c.addConst(`kernel_${g}`, [h, inputSize], gateRows(s.w, k, h)));
    const u = names.map((g, k) => c.addConst(`recurrent_kernel_${g}`, [h, h], gateRows(s.r, k, h)));
    // Reset after the product: the candidate's recurrent bias stays apart (input 11).
    const summed = (k: number) => {
      const [wb, rb] = [gateBias(s.b, 3, k, h, false), gateBias(s.b, 3, k, h, true)];
      return resetAfter && k === 2 ? wb : wb.map((v, i) => v + rb[i]!);
    };
    const b = names.map((g, k) => c.addConst(`bias_${g}`, [h], summed(k)));
    const recurrentBias = resetAfter ? [c.addConst('recurrent_bias_h', [h], gateBias(s.b, 3, 2, h, true))] : [];
    const state = c.addState('hidden_state', [1, h]);
    const sequence = c.used(0);
    const attrs = { returnSequences: sequence, stateful: false, recurrentActivation: s.gate, ...(resetAfter ? { resetAfter } : {}) };
    const out = sequence ? c.output(0, { dims: sequenceDims(c, t, h), order: null, irShape: [1, t, h] }, 'gru') : c.output(1, { dims: [1, 1, h], order: null, irShape: [1, h] }, 'gru');
    c.addOp({ kind: 'gru', name: c.name, attrs, inputs: [s.id, ...w, ...u, ...b, state, ...recurrentBias], outputs: [out] });
    if (sequence && c.used(1)) lastStep(c, out, t, h);
  },
};
