/**
 * Structural checks on a graph, run between passes in tests: ids are dense, every op input is a
 * graph input, a constant or an earlier op's output (topological order), every tensor has one
 * producer, and graph outputs are produced.
 */
import type { Graph } from './graph.ts';

export function validateGraph(g: Graph): string[] {
  const problems: string[] = [];
  g.tensors.forEach((t, i) => {
    if (t.id !== i) problems.push(`tensor at index ${i} has id ${t.id}`);
    if (t.shape.some((d) => !Number.isInteger(d) || d <= 0)) problems.push(`tensor '${t.name}' has shape [${t.shape.join(', ')}]`);
    if (t.data && t.data.length !== t.shape.reduce((a, b) => a * b, 1)) problems.push(`tensor '${t.name}' data length ${t.data.length} does not match its shape`);
  });
  const available = new Set<number>(g.inputs);
  for (const t of g.tensors) if (t.data) available.add(t.id);
  const produced = new Set<number>();
  for (const op of g.ops) {
    for (const id of op.inputs) {
      if (id < 0) continue; // optional input absent (e.g. no bias)
      if (!available.has(id)) problems.push(`op '${op.name}' (${op.kind}) reads tensor ${id} before it is produced`);
    }
    for (const id of op.outputs) {
      if (produced.has(id) || g.inputs.includes(id)) problems.push(`tensor ${id} has more than one producer`);
      produced.add(id);
      available.add(id);
    }
  }
  for (const id of g.outputs) if (!available.has(id)) problems.push(`graph output ${id} is never produced`);
  return problems;
}

/** Caps on what a model may ask for (defaults in DEFAULT_LIMITS; the CLI can raise them). */
export interface GraphLimits {
  /** Largest activation arena, in bytes. */
  arenaBytes: number;
  /** Largest total of constant (weight and bias) bytes. */
  weightsBytes: number;
}

export const DEFAULT_LIMITS: GraphLimits = { arenaBytes: 16 << 20, weightsBytes: 64 << 20 };
