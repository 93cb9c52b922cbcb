/**
 * ONNX BatchNormalization (inference) -> IR batch_norm on the channel axis, which the passes fold
 * into the Conv or Gemm before it (src/passes/fold-batch-norm.ts); one that cannot fold is refused
 * there, located. [N, C, ...] inputs are read channels-last, [N, C] in ONNX order: either way the
 * channel axis is the IR tensor's last.
 */
import type { OnnxConst, OnnxImporter } from './onnx-contract.ts';
import { attrFloat, attrInt, floatValues, layoutOutput } from './shared/onnx.ts';

export const batchNormOnnx: OnnxImporter = {
  inputs: [5, 5],
  import(c) {
    if (c.quantized) return c.problem('a quantized model has its batch norms folded into the convolutions (onnxruntime does it before quantizing)', 'E-ONNX-QUANT');
    if (attrInt(c.node, 'training_mode', 0) !== 0 || c.node.outputs.filter((o) => o !== '').length > 1)
      return c.problem('training mode (running statistics as outputs) is not supported', 'E-ONNX-ATTR');
    if (attrInt(c.node, 'spatial', 1) !== 1) return c.problem('spatial 0 (statistics per element) is not supported', 'E-ONNX-ATTR');
    const rank = c.input(0)?.dims.length ?? 0;
    const x = c.activation(0, rank >= 3 ? 'channels-last' : 'plain');
    if (!x) return;
    if (rank < 2 || rank > 4) return c.problem(`a rank-${rank} input ([N, C], [N, C, T] or [N, C, H, W])`, 'E-ONNX-SHAPE');
    const channels = x.dims[1]!;
    const consts = ['scale', 'B', 'input_mean', 'input_var'].map((what, k) => c.constant(k + 1, what));
    if (consts.some((k) => !k)) return;
    const bad = (consts as OnnxConst[]).findIndex((k) => k.data.length !== channels || k.quant);
    if (bad >= 0) return c.problem(`input ${bad + 1} holds ${consts[bad]!.data.length} values for ${channels} channels`, 'E-ONNX-SHAPE');
    const ids = (consts as OnnxConst[]).map((k, i) => c.addConst(['gamma', 'beta', 'moving_mean', 'moving_variance'][i]!, [channels], floatValues(k)));
    const y = c.output(0, layoutOutput(x.dims, rank >= 3 ? 'channels-last' : 'plain'), 'batch_norm');
    c.addOp({ kind: 'batch_norm', name: c.name, attrs: { epsilon: attrFloat(c.node, 'epsilon', 1e-5) }, inputs: [x.id, ...ids], outputs: [y] });
  },
};
