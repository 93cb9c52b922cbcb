/**
 * Runs one lowered step through its family's TS reference kernel (src/ops): the simulator half of
 * the table whose C half is each family's emitter. Both read the same step fields.
 */
import type { Graph, TensorData } from '../ir/graph.ts';
import type { ActivationData, SimState } from '../ops/contract.ts';
import { stepDef } from '../ops/registry.ts';
import type { Step } from '../lower/lower.ts';

export type { ActivationData, SimState };

function constant(g: Graph, id: number): TensorData | null {
  if (id < 0) return null;
  const d = g.tensors[id]!.data;
  if (!d) throw new Error(`simulator: tensor ${id} is not a constant`);
  return d;
}

/** Every variable tensor at its reset value: int8 at its zero point, int16 at 0 (as `<model>_reset()`). */
export function resetState(g: Graph): SimState {
  const state: SimState = new Map();
  for (const t of g.tensors) {
    if (!t.variable) continue;
    const n = t.shape.reduce((a, b) => a * b, 1);
    state.set(t.id, t.dtype === 'int16' ? new Int16Array(n) : new Int8Array(n).fill(t.quant?.zeroPoint[0] ?? 0));
  }
  return state;
}

export function runStep(s: Step, read: (id: number) => ActivationData, g: Graph, state: SimState): ActivationData {
  const def = stepDef(s.kind);
  if (!def) throw new Error(`simulator: no family defines step kind '${s.kind}'`);
  return def.simulate(s, { graph: g, read, state, constant: (id) => constant(g, id) });
}
