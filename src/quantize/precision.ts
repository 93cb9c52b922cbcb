/**
 * Which integer type each layer computes in: int8 everywhere (default), int16 everywhere
 * (`activations: 'int16'`, "16x8"), or int16 for the named layers only (`int16Layers`: a mixed model).
 * A tfjs layer may become several ops ("gru" -> "gru/sequence", "gru"): a name covers the op of that
 * name and every op under "<name>/". Where a tensor's type differs from the type of an op reading it,
 * the quantizer inserts a requantization (TFLite QUANTIZE) in front of that op.
 */
import { fail } from '../support/diagnostics.ts';
import type { Graph, Op } from '../ir/graph.ts';

export type ActivationType = 'int8' | 'int16';

export interface PrecisionOptions {
  activations?: ActivationType;
  /** Layers computed with int16 activations in an otherwise int8 model. */
  int16Layers?: readonly string[];
}

export interface Precision {
  /** The type an op computes in (its activation inputs and outputs). */
  op(op: Op): ActivationType;
  /** The type a tensor is stored in: its producer's, or for a graph input its readers' when all are int16. */
  tensor(id: number): ActivationType;
}

export function precisionOf(g: Graph, opts: PrecisionOptions): Precision {
  const layers = opts.int16Layers ?? [];
  const unknown = layers.filter((l) => !g.ops.some((op) => op.name === l || op.name.startsWith(`${l}/`)));
  if (unknown.length)
    fail('E-QUANT-LAYER', 'quantize', `--int16-layers names no layer of the model: ${unknown.join(', ')} (layers: ${[...new Set(g.ops.map((o) => o.name.split('/')[0]!))].join(', ')})`, {
      file: g.meta.source,
    });
  const opType = (op: Op): ActivationType => (opts.activations === 'int16' || layers.some((l) => op.name === l || op.name.startsWith(`${l}/`)) ? 'int16' : 'int8');
  const producer = new Map<number, Op>();
  for (const op of g.ops) for (const id of op.outputs) producer.set(id, op);
  const readers = (id: number) => g.ops.filter((op) => op.inputs.includes(id));
  return {
    op: opType,
    tensor(id) {
      const p = producer.get(id);
      if (p) return opType(p);
      const rs = readers(id);
      return rs.length > 0 && rs.every((op) => opType(op) === 'int16') ? 'int16' : 'int8';
    },
  };
}
