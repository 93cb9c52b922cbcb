/**
 * Float32 reference interpreter of the float graph: used for calibration (every activation tensor
 * is observed) and to check the importer against tfjs's own predictions. Each op runs its family's
 * float reference (src/ops).
 */
import type { Graph, Op } from '../ir/graph.ts';
import { opDef } from '../ops/registry.ts';
import type { FloatResult } from '../ops/contract.ts';

export interface FloatRun {
  outputs: Float32Array[];
  /** Every activation tensor by id (graph inputs included). */
  tensors: Map<number, Float32Array>;
}

function runOp(op: Op, g: Graph, inputs: Float32Array[]): FloatResult {
  const def = opDef(op.kind);
  if (!def) throw new Error(`float interpreter: no family defines op kind '${op.kind}'`);
  if (!def.float) throw new Error(`float interpreter: ${op.name}: ${op.kind} is only supported in integer graphs`);
  return def.float(op as never, g, inputs);
}

export function runFloatGraph(g: Graph, inputs: readonly Float32Array[]): FloatRun {
  const tensors = new Map<number, Float32Array>();
  g.inputs.forEach((id, i) => tensors.set(id, inputs[i]!));
  for (const op of g.ops) {
    // State (variable) tensors are not inputs: the float reference starts from reset state and
    // reports the values its states took, which calibration observes.
    const ins = op.inputs.filter((id) => id >= 0 && !g.tensors[id]!.data && !g.tensors[id]!.variable).map((id) => tensors.get(id)!);
    const r = runOp(op, g, ins);
    if (r instanceof Float32Array) tensors.set(op.outputs[0]!, r);
    else {
      tensors.set(op.outputs[0]!, r.output);
      const states = op.inputs.filter((id) => id >= 0 && g.tensors[id]!.variable);
      states.forEach((id, k) => {
        if (r.states[k]) tensors.set(id, r.states[k]!);
      });
    }
  }
  return { outputs: g.outputs.map((id) => tensors.get(id)!), tensors };
}
