/**
 * Lowering: int8 graph -> an ordered list of kernel steps with every constant computed. Each op's
 * family (src/ops) lowers it; the TS simulator (src/sim) and the C emitters (src/codegen) both consume
 * this list, so the C receives exactly the integers the simulator used; neither recomputes a parameter.
 *
 * An op whose family lowers it to nothing (a reshape) is an alias: the planner gives its output its
 * input's bytes. Every multiplier and shift is then held to TFLite's ranges (lower-ranges.ts).
 */
import { EdgecError, type Diagnostic } from '../support/diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { opDef, type RegisteredSteps, type Step } from '../ops/registry.ts';
import { checkStepRanges } from './ranges.ts';

/** A kernel call of any family, before it is tied to its layer. */
export type StepBody = RegisteredSteps[keyof RegisteredSteps];

export type { Step };

export interface Lowered {
  graph: Graph;
  steps: Step[];
  /** tensor id -> tensor whose bytes it shares (reshape outputs). */
  aliases: Map<number, number>;
}

export function lowerGraph(g: Graph): Lowered {
  const steps: Step[] = [];
  const aliases = new Map<number, number>();
  const problems: Diagnostic[] = [];
  for (const op of g.ops) {
    const def = opDef(op.kind);
    if (!def) throw new Error(`lowering: no family defines op kind '${op.kind}'`);
    try {
      const s = def.lower(g, op as never) as StepBody | null;
      if (s) steps.push({ ...s, op: { id: op.id, name: op.name, kind: op.kind } } as Step);
      else {
        const src = op.inputs[0]!;
        aliases.set(op.outputs[0]!, aliases.get(src) ?? src);
      }
    } catch (e) {
      if (e instanceof EdgecError) problems.push(...e.diagnostics);
      else throw e;
    }
  }
  problems.push(...checkStepRanges(steps, g.meta.source));
  if (problems.length > 0) throw new EdgecError(problems);
  return { graph: g, steps, aliases };
}
