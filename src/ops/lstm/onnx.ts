/**
 * ONNX LSTM -> IR lstm (TFLite's integer LSTM; src/ops/shared/onnx-recurrent.ts has the operands,
 * layouts and refusals). ONNX stacks the gates i, o, f, c; the IR takes i, f, c, o. Input and
 * recurrent biases are summed per gate. No peepholes, no coupled input-forget gate, no cell output.
 *
 *   Y -> lstm over [1, T, I] (the kernel writes every step)     Y_h -> a slice of the last step
 */
import type { OnnxImporter } from '../onnx-contract.ts';
import { gateBias, gateRows, lastStep, recurrentInput, sequenceDims } from '../shared/onnx-recurrent.ts';

/** IR gate order i, f, c, o as ONNX gate indices (i 0, o 1, f 2, c 3). */
const ONNX_GATE = [0, 2, 3, 1];
const NAMES = ['i', 'f', 'c', 'o'];

export const lstmOnnx: OnnxImporter = {
  inputs: [3, 8],
  outputs: [0, 2],
  import(c) {
    const s = recurrentInput(c, 4);
    if (!s) return;
    const { hidden: h, inputSize, timeSteps: t } = s;
    const w = NAMES.map((g, k) => c.addConst(`kernel_${g}`, [h, inputSize], gateRows(s.w, ONNX_GATE[k]!, h)));
    const u = NAMES.map((g, k) => c.addConst(`recurrent_kernel_${g}`, [h, h], gateRows(s.r, ONNX_GATE[k]!, h)));
    const b = NAMES.map((g, k) => {
      const [wb, rb] = [gateBias(s.b, 4, ONNX_GATE[k]!, h, false), gateBias(s.b, 4, ONNX_GATE[k]!, h, true)];
      return c.addConst(
        `bias_${g}`,
        [h],
        wb.map((v, i) => v + rb[i]!),
      );
    });
    const states = [c.addState('hidden_state', [1, h]), c.addState('cell_state', [1, h])];
    const out = c.used(0) ? c.output(0, { dims: sequenceDims(c, t, h), order: null, irShape: [1, t, h] }, 'lstm') : c.temp('sequence', [1, t, h], -1);
    const attrs = { timeMajor: false, cellClip: 0, stateful: false, recurrentActivation: s.gate };
    c.addOp({ kind: 'lstm', name: c.name, attrs, inputs: [s.id, ...w, ...u, ...b, ...states], outputs: [out] });
    if (c.used(1)) lastStep(c, out, t, h);
  },
};
