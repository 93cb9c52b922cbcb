/**
 * The int8 simulator: runs a lowered graph step by step with the TS reference kernels and keeps
 * every intermediate tensor (for first-divergent-layer search and debugging). Its bytes are the
 * product's promise: the generated C must reproduce them exactly.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Graph } from '../ir/graph.ts';
import { deserializeGraph } from '../ir/serialize.ts';
import { assertValidGraph } from '../validate/validate.ts';
import { lowerGraph, type Lowered } from '../lower/lower.ts';
import { fail } from '../support/diagnostics.ts';
import { resetState, runStep, type ActivationData, type SimState } from './steps.ts';

export { resetState, type ActivationData, type SimState };

export interface SimResult {
  outputs: ActivationData[];
  /** Every activation tensor by id, graph inputs included; reshape outputs share their source's bytes. */
  tensors: Map<number, ActivationData>;
}

/**
 * One invoke. A stateful model (LSTM) reads and updates `state`; without one it starts from reset
 * state, as the C model does after `<model>_reset()`.
 */
export function simulateLowered(l: Lowered, inputs: readonly ActivationData[], state: SimState = resetState(l.graph)): SimResult {
  const g = l.graph;
  const tensors = new Map<number, ActivationData>();
  g.inputs.forEach((id, i) => {
    const x = inputs[i];
    const size = g.tensors[id]!.shape.reduce((a, b) => a * b, 1);
    if (!x || x.length !== size) fail('E-SIM-INPUT', 'verify', `input ${i} has ${x?.length ?? 0} bytes, the model expects ${size}`, { tensor: g.tensors[id]!.name });
    tensors.set(id, x);
  });
  const read = (id: number): ActivationData => {
    const t = tensors.get(l.aliases.get(id) ?? id);
    if (!t) throw new Error(`simulator: tensor ${id} read before it was written`);
    return t;
  };
  for (const step of l.steps) {
    const out = runStep(step, read, g, state);
    tensors.set(step.output, out);
  }
  for (const [alias, src] of l.aliases) tensors.set(alias, read(src));
  return { outputs: g.outputs.map(read), tensors };
}

export function simulateGraph(g: Graph, inputs: readonly ActivationData[]): SimResult {
  return simulateLowered(lowerGraph(g), inputs);
}

const folderCache = new Map<string, { text: string; lowered: Lowered }>();

/**
 * Loads and lowers a generated folder's graph.json, once per content: the file is read on every
 * call and a folder recompiled in place (same path, another model) is lowered again, so the oracle
 * never simulates a stale graph against freshly built C.
 */
export function loadFolderGraph(dir: string): Lowered {
  const key = resolve(dir);
  const path = join(key, 'graph.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    fail('E-DIR-GRAPH', 'verify', 'no graph.json: not a folder written by `edgec compile`', { file: dir });
  }
  const cached = folderCache.get(key);
  if (cached && cached.text === text) return cached.lowered;
  const lowered = lowerGraph(assertValidGraph(deserializeGraph(text, path)));
  folderCache.set(key, { text, lowered });
  return lowered;
}

/** Simulates one input on a generated folder's graph; returns the output bytes. */
export function simulateFolder<T extends ActivationData = Int8Array>(dir: string, input: ActivationData): T {
  return simulateLowered(loadFolderGraph(dir), [input]).outputs[0]! as T;
}
