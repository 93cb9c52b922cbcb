/**
 * The fully connected family's ONNX mappings.
 *
 *   Gemm(A [M, K], B const, C const?) { transA 0, transB, alpha, beta }  -> fully_connected
 *     weights [N, K] (B, or B transposed when transB is 0) times alpha; bias beta * C (broadcast to N)
 *   MatMul(A [..., K], B const [K, N])  -> fully_connected over every row of A (weights B transposed);
 *     with the bias of an Add folded into it (src/import/onnx-fold.ts)
 *   QLinearMatMul (quantized models): MatMul with the node's scales and zero points (weights per
 *   tensor or per column)
 *
 * After Flatten of a channels-last activation A holds its values in the IR's order, not ONNX's: the
 * weight columns are permuted to match (column s reads ONNX input order[s]), so no transpose runs.
 */
import type { QuantParams } from '../../ir/graph.ts';
import type { OnnxConst, OnnxImportContext, OnnxImporter } from '../onnx-contract.ts';
import { attrFloat, attrInt, floatValues, fusedActivation, layoutOutput, permuteData, permuteQuant, qlinearConst, qlinearParams, sameQuantOf, toTensorData } from '../shared/onnx.ts';

const FOLDED_BIAS = 'edgec.folded_bias';
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Weight columns in the order the activation stores its last axis (one row: `order` is over K). */
function permuteColumns<T extends ArrayLike<number> & { length: number }>(w: T, n: number, k: number, order: Int32Array): T {
  const out = new (w.constructor as new (len: number) => T)(w.length) as T & Record<number, number>;
  for (let o = 0; o < n; o++) for (let s = 0; s < k; s++) out[o * k + s] = w[o * k + order[s]!]!;
  return out;
}

/**
 * y = x W^T + b over the rows of input 0 (ONNX dims [..., K]) with W [N, K] already in IR layout. An
 * input stored in another order than ONNX's is absorbed into the weight columns when it is one row,
 * and transposed into ONNX order otherwise (rows of a MatMul over a channels-last tensor's time axis).
 */
export function importDense(c: OnnxImportContext, w: OnnxConst, bias: OnnxConst | null, outQuant?: QuantParams): void {
  const [n, k] = [w.dims[0]!, w.dims[1]!];
  const dims = c.input(0)?.dims ?? [];
  const rows = prod(dims) / k;
  if (dims.length < 1 || dims[dims.length - 1] !== k || !Number.isInteger(rows)) {
    c.problem(`input [${dims.join(', ')}] does not end in the weights' ${k} inputs`, 'E-ONNX-SHAPE');
    return;
  }
  const x = c.activation(0, rows === 1 ? 'any' : 'plain');
  if (!x) return;
  const weights = x.order ? { ...w, data: permuteColumns(w.data, n, k, x.order) } : w;
  const wId = c.addConst('weights', [n, k], toTensorData(weights.data, weights), weights.quant);
  const b = bias ? c.addConst('bias', [n], toTensorData(bias.data, bias), bias.quant ? { ...bias.quant, ...(bias.quant.scale.length > 1 ? { axis: 0 } : {}) } : undefined) : -1;
  const outDims = [...x.dims.slice(0, -1), n];
  const y = c.output(0, layoutOutput(outDims, 'plain'), 'fully_connected', outQuant);
  c.addOp({ kind: 'fully_connected', name: c.name, attrs: { activation: fusedActivation(c.node) }, inputs: [x.id, wId, b], outputs: [y] });
}

/** B [K, N] as the IR's [N, K]. */
function transposed(b: OnnxConst): OnnxConst {
  return { ...b, dims: [b.dims[1]!, b.dims[0]!], data: permuteData(b.data, b.dims, [1, 0]), ...(b.quant ? { quant: permuteQuant(b.quant, [1, 0]) } : {}) };
}

/** A bias broadcast to N values (scalar, [N] or [1, N]), scaled by beta; null (reported) otherwise. */
function biasOf(c: OnnxImportContext, k: OnnxConst, n: number, beta: number): OnnxConst | null {
  const size = prod(k.dims);
  if (size !== n && size !== 1) {
    c.problem(`the bias [${k.dims.join(', ')}] is not one value per output (${n}) or one for all`, 'E-ONNX-SHAPE');
    return null;
  }
  if (k.quant) {
    if (size === n && beta === 1) return { ...k, dims: [n] };
    c.problem('a quantized bias must hold one value per output, with beta 1', 'E-ONNX-QUANT');
    return null;
  }
  const v = floatValues(k);
  return { ...k, dims: [n], data: Float32Array.from({ length: n }, (_, i) => beta * v[size === 1 ? 0 : i]!) };
}

const gemm: OnnxImporter = {
  inputs: [2, 3],
  import(c) {
    if (attrInt(c.node, 'transA', 0) !== 0) {
      c.problem('transA 1 (a transposed activation) is not supported', 'E-ONNX-ATTR');
      return;
    }
    const x = c.input(0);
    const b = c.constant(1, 'B (the weights)');
    const bias = c.input(2) ? c.constant(2, 'C (the bias)') : null;
    if (!x || !b || (c.input(2) && !bias)) return;
    if (x.dims.length !== 2 || b.dims.length !== 2) {
      c.problem(`Gemm of [${x.dims.join(', ')}] and [${b.dims.join(', ')}]: both must be 2-D`, 'E-ONNX-SHAPE');
      return;
    }
    const w = attrInt(c.node, 'transB', 0) ? b : transposed(b);
    const alpha = attrFloat(c.node, 'alpha', 1);
    if (w.quant && alpha !== 1) {
      c.problem(`alpha ${alpha} on quantized weights is not supported`, 'E-ONNX-QUANT');
      return;
    }
    const scaled = alpha === 1 ? w : { ...w, data: Float32Array.from(floatValues(w), (v) => v * alpha) };
    const beta = attrFloat(c.node, 'beta', 1);
    const bq = bias && beta !== 0 ? biasOf(c, bias, w.dims[0]!, beta) : null;
    if (bias && beta !== 0 && !bq) return;
    importDense(c, scaled, bq);
  },
};

const matmul: OnnxImporter = {
  inputs: [2, 3],
  import(c) {
    if (c.input(2) && attrInt(c.node, FOLDED_BIAS, 0) !== 1) {
      c.problem('MatMul takes two inputs', 'E-ONNX-OP');
      return;
    }
    const b = c.constant(1, 'the second operand (weights)');
    const bias = c.input(2) ? c.constant(2, 'the bias') : null;
    if (!b) return;
    if (b.dims.length !== 2) {
      c.problem(`the weights [${b.dims.join(', ')}] must be 2-D (a batched MatMul of two activations is not supported)`, 'E-ONNX-SHAPE');
      return;
    }
    importDense(c, transposed(b), bias ? biasOf(c, bias, b.dims[1]!, 1) : null);
  },
};

/** QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): b constant [K, N], per tensor or per column. */
const qlinearMatmul: OnnxImporter = {
  inputs: [8, 8],
  import(c) {
    const x = c.activation(0, 'any');
    const inQuant = qlinearParams(c, 1, 0, 0);
    const b = qlinearConst(c, 3, 1);
    const outQuant = qlinearParams(c, 6, 0, 0);
    if (!x || !inQuant || !b || !outQuant) return;
    if (!sameQuantOf(c.tensor(x.id).quant, inQuant)) return c.problem("a_scale and a_zero_point differ from the input's quantization", 'E-ONNX-QUANT');
    if (b.dims.length !== 2) return c.problem(`b [${b.dims.join(', ')}] must be a 2-D constant`, 'E-ONNX-SHAPE');
    importDense(c, transposed(b), null, outQuant);
  },
};

export const fullyConnectedOnnxImporters: Record<string, OnnxImporter> = { Gemm: gemm, MatMul: matmul, QLinearMatMul: qlinearMatmul };
