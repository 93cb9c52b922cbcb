/**
 * What ONNX's GRU and LSTM share on import (src/ops/recurrent/onnx.ts, src/ops/lstm/onnx.ts):
 *
 *   X [T, 1, I] (layout 0) or [1, T, I] (layout 1)      -> the kernels' [1, T, I] (same element order)
 *   W [1, G * H, I], R [1, G * H, H] gate-stacked        -> one [H, I] / [H, H] matrix per gate
 *   B [1, 2 * G * H]: input biases, then recurrent ones  -> one bias per gate, Wb + Rb where the
 *                                                           recurrent bias is inside the activation
 *   Y [T, 1, 1, H] | [1, T, 1, H], Y_h [1, 1, H]          -> the kernel's [1, T, H] | [1, H]
 *
 * Supported: one direction (forward), batch 1, no sequence_lens shorter than T, zero initial state
 * (absent or constant zeros), no clip, gates Sigmoid (or HardSigmoid 0.2 x + 0.5, tfjs's) with Tanh.
 * Each invoke starts from zero state, as onnxruntime does without initial_h. Everything else is
 * refused, located.
 */
import type { OnnxConst, OnnxImportContext } from '../onnx-contract.ts';
import { attrInt, attrString, floatValues } from './onnx.ts';

export interface RecurrentInput {
  /** IR [1, T, I]. */
  id: number;
  timeSteps: number;
  inputSize: number;
  hidden: number;
  w: OnnxConst;
  r: OnnxConst;
  b: Float32Array | null;
  gate: 'sigmoid' | 'hard_sigmoid';
}

const lower = (s: string) => s.toLowerCase();

/** The gate activation of activations [f, g(, h)]: Sigmoid, or tfjs's hard sigmoid; null (reported) otherwise. */
function gateActivation(c: OnnxImportContext, count: number): 'sigmoid' | 'hard_sigmoid' | null {
  const acts = (c.node.attrs.get('activations')?.strings ?? []).map(lower);
  const alpha = c.node.attrs.get('activation_alpha')?.floats ?? [];
  const beta = c.node.attrs.get('activation_beta')?.floats ?? [];
  if (acts.length === 0) return 'sigmoid';
  const [f, ...rest] = acts;
  if (acts.length !== count || rest.some((a) => a !== 'tanh')) {
    c.problem(`activations [${acts.join(', ')}]: only a sigmoid gate with tanh${count === 3 ? ' and tanh' : ''}`, 'E-ONNX-ATTR');
    return null;
  }
  if (f === 'sigmoid') return 'sigmoid';
  if (f === 'hardsigmoid' && Math.fround(alpha[0] ?? 0.2) === Math.fround(0.2) && Math.fround(beta[0] ?? 0.5) === Math.fround(0.5)) return 'hard_sigmoid';
  c.problem(`gate activation ${f}${f === 'hardsigmoid' ? ` (alpha ${alpha[0]}, beta ${beta[0]})` : ''}: only Sigmoid, or HardSigmoid with alpha 0.2 and beta 0.5`, 'E-ONNX-ATTR');
  return null;
}

/** A constant that must be absent, or all zeros / all `full` (initial states, sequence lengths). */
function trivial(c: OnnxImportContext, k: number, what: string, ok: (v: number) => boolean): boolean {
  if (!c.input(k)) return true;
  const v = c.constant(k, what);
  if (v && Array.from(v.data).every((x) => ok(Number(x)))) return true;
  if (v) c.problem(`${what} is not supported unless ${k === 4 ? 'every sequence is the whole input' : 'it is zero (every invoke starts from zero state)'}`, 'E-ONNX-ATTR');
  return false;
}

/** Reads and checks a GRU (3 gates) or LSTM (4 gates) node's operands. */
export function recurrentInput(c: OnnxImportContext, gates: number): RecurrentInput | null {
  const n = c.node;
  if (c.quantized) {
    c.problem(`a quantized ${n.opType} is not supported (quantize the float model with --calib)`, 'E-ONNX-QUANT');
    return null;
  }
  const direction = attrString(n, 'direction', 'forward');
  if (direction !== 'forward') c.problem(`direction '${direction}': only forward (a reversed or bidirectional ${n.opType} is not supported)`, 'E-ONNX-ATTR');
  if (n.attrs.has('clip')) c.problem('clip (cell clipping of the gate inputs) is not supported', 'E-ONNX-ATTR');
  const gate = gateActivation(c, gates === 3 ? 2 : 3);
  const layout = attrInt(n, 'layout', 0);
  const w = c.constant(1, 'W');
  const r = c.constant(2, 'R');
  const b = c.input(3) ? c.constant(3, 'B') : null;
  const x = c.activation(0, 'plain');
  if (!x || !w || !r || (c.input(3) && !b) || !gate || direction !== 'forward' || n.attrs.has('clip')) return null;
  const [t, batch, inputSize] = layout === 1 ? [x.dims[1]!, x.dims[0]!, x.dims[2]!] : [x.dims[0]!, x.dims[1]!, x.dims[2]!];
  const hidden = attrInt(n, 'hidden_size', r.dims[2] ?? 0);
  if (x.dims.length !== 3 || batch !== 1) {
    c.problem(`X [${x.dims.join(', ')}]: a sequence of batch 1 (${layout === 1 ? '[1, T, I]' : '[T, 1, I]'})`, 'E-ONNX-SHAPE');
    return null;
  }
  const shapeOk = (k: OnnxConst, dims: number[]) => k.dims.length === dims.length && k.dims.every((d, i) => d === dims[i]);
  if (!shapeOk(w, [1, gates * hidden, inputSize]) || !shapeOk(r, [1, gates * hidden, hidden]) || (b && !shapeOk(b, [1, 2 * gates * hidden]))) {
    c.problem(
      `W [${w.dims.join(', ')}], R [${r.dims.join(', ')}]${b ? `, B [${b.dims.join(', ')}]` : ''} do not fit ${gates} gates of ${hidden} units over ${inputSize} inputs (one direction)`,
      'E-ONNX-SHAPE',
    );
    return null;
  }
  if (!trivial(c, 4, 'sequence_lens', (v) => v === t) || !trivial(c, 5, 'initial_h', (v) => v === 0) || (gates === 4 && !trivial(c, 6, 'initial_c', (v) => v === 0))) return null;
  if (gates === 4 && c.input(7) && !trivial(c, 7, 'P (peepholes)', (v) => v === 0)) return null;
  if (gates === 4 && attrInt(n, 'input_forget', 0) !== 0) {
    c.problem('input_forget (coupled input and forget gates) is not supported', 'E-ONNX-ATTR');
    return null;
  }
  return { id: c.reshape(x.id, [1, t, inputSize]), timeSteps: t, inputSize, hidden, w, r, b: b ? floatValues(b) : null, gate };
}

/** Gate g's rows of a gate-stacked [1, G * H, X] matrix, as [H, X]. */
export function gateRows(k: OnnxConst, g: number, hidden: number): Float32Array {
  const cols = k.dims[2]!;
  return floatValues(k).slice(g * hidden * cols, (g + 1) * hidden * cols);
}

/** Gate g's input bias (Wb) or recurrent bias (Rb) of B [1, 2 * G * H] (zeros without B). */
export function gateBias(b: Float32Array | null, gates: number, g: number, hidden: number, recurrent: boolean): Float32Array {
  if (!b) return new Float32Array(hidden);
  const at = (recurrent ? gates : 0) * hidden + g * hidden;
  return b.slice(at, at + hidden);
}

/** Y's ONNX dims for the layout: [T, 1, 1, H] (0) or [1, T, 1, H] (1). */
export function sequenceDims(c: OnnxImportContext, t: number, hidden: number): number[] {
  return attrInt(c.node, 'layout', 0) === 1 ? [1, t, 1, hidden] : [t, 1, 1, hidden];
}

/** Y_h (output 1) as the last step of the kernel's [1, T, H] sequence. */
export function lastStep(c: OnnxImportContext, sequence: number, t: number, hidden: number): void {
  const y = c.output(1, { dims: [1, 1, hidden], order: null, irShape: [1, hidden] }, 'strided_slice');
  c.addOp({ kind: 'strided_slice', name: `${c.name}/last_step`, attrs: { begin: [0, t - 1, 0], stride: [1, 1, 1], size: [1, 1, hidden] }, inputs: [sequence], outputs: [y] });
}
