/**
 * Multiply-accumulates per layer, from a generated folder's int8 graph (graph.json): the work a
 * layer must do whatever the kernel, so cycles/MAC can be set against the core's floor.
 *
 *   conv2d            output elements x KH x KW x C_IN/groups   (weights [C_OUT, KH, KW, C_IN/groups])
 *   depthwise_conv2d  output elements x KH x KW                 (weights [1, KH, KW, C])
 *   transpose_conv2d  input elements x KH x KW x C_OUT          (weights [C_OUT, KH, KW, C_IN]; taps in the padding included)
 *   fully_connected   output elements x C_IN                    (weights [C_OUT, C_IN])
 *   lstm, gru, simple_rnn, svdf
 *                     batches x time steps x (elements of every 2-D weight matrix): each weight is
 *                     used once per step (gates' input and recurrent matrices; SVDF's feature and
 *                     time weights)
 * Other layers (pooling, softmax, ADD, ...) do no MACs: null.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../../formats/manifest.ts';
import type { Graph, Op, Tensor } from '../../ir/graph.ts';
import { deserializeGraph } from '../../ir/serialize.ts';

const elements = (t: Tensor | undefined) => (t ? t.shape.reduce((a, b) => a * b, 1) : 0);

export function macsOfOp(g: Graph, op: Op): number | null {
  const t = (id: number | undefined) => (id === undefined || id < 0 ? undefined : g.tensors[id]);
  const out = elements(t(op.outputs[0]));
  const w = t(op.inputs[1]);
  switch (op.kind as string) {
    case 'conv2d':
      return w?.shape[0] ? out * (elements(w) / w.shape[0]) : null;
    case 'depthwise_conv2d':
      return w?.shape[3] ? out * (elements(w) / w.shape[3]) : null;
    case 'transpose_conv2d':
      return w?.shape[3] ? elements(t(op.inputs[0])) * (elements(w) / w.shape[3]) : null;
    case 'fully_connected':
      return w && w.shape.length === 2 ? out * w.shape[1]! : null;
    case 'lstm':
    case 'gru':
    case 'simple_rnn':
    case 'svdf': {
      const x = t(op.inputs[0]);
      if (!x) return null;
      const timeMajor = (op.attrs as { timeMajor?: boolean }).timeMajor === true;
      const steps = x.shape.length === 3 ? x.shape[timeMajor ? 0 : 1]! : 1;
      const batches = x.shape.length === 3 ? x.shape[timeMajor ? 1 : 0]! : (x.shape[0] ?? 1);
      const weights = op.inputs.map(t).filter((c): c is Tensor => c?.data !== undefined && c.shape.length === 2 && (c.dtype === 'int8' || c.dtype === 'int16'));
      return batches * steps * weights.reduce((a, c) => a + elements(c), 0);
    }
    default:
      return null;
  }
}

/** MACs of each step of a folder (null: a layer without MACs, or a graph that does not say). */
export function macsPerStep(dir: string, m: Manifest): (number | null)[] {
  let g: Graph;
  try {
    g = deserializeGraph(readFileSync(join(dir, 'graph.json'), 'utf8'), join(dir, 'graph.json'));
  } catch {
    return m.steps.map(() => null);
  }
  return m.steps.map((s) => {
    const op = g.ops.find((o) => o.outputs.includes(s.output)) ?? g.ops.find((o) => o.name === s.layer);
    return op ? macsOfOp(g, op) : null;
  });
}
