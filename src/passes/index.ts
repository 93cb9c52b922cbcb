/**
 * The float-graph passes, in order; each is a named `(graph) => graph` returning a new graph.
 *
 *   removeIdentity   same-shape reshapes, zero pads, 1x1 pools go, so that
 *   foldBatchNorm    finds the conv/dense right before each batch norm (e.g. Conv1D -> Reshape -> BN),
 *   fuseActivations  then turns ReLU/ReLU6 ops into the producer's fused activation.
 *
 * With `verify` (tests set it), the graph is validated before the first pass and after every pass;
 * a broken invariant names the pass (an internal error: passes must keep graphs valid).
 */
import type { Graph } from '../ir/graph.ts';
import { validateGraph } from '../validate/validate.ts';
import { foldBatchNorm } from './fold-batch-norm.ts';
import { fuseActivations } from './fuse-activations.ts';
import { removeIdentity } from './remove-identity.ts';

export interface Pass {
  name: string;
  run: (g: Graph) => Graph;
}

export const PASSES: readonly Pass[] = [
  { name: 'removeIdentity', run: removeIdentity },
  { name: 'foldBatchNorm', run: foldBatchNorm },
  { name: 'fuseActivations', run: fuseActivations },
];

function check(g: Graph, when: string): void {
  const problems = validateGraph(g);
  if (problems.length > 0) throw new Error(`${when}: ${problems.map((d) => `${d.location?.layer ?? d.location?.tensor ?? ''} ${d.message}`).join('; ')}`);
}

export function runPasses(g: Graph, opts: { verify?: boolean } = {}): Graph {
  if (opts.verify) check(g, 'before the passes');
  let cur = g;
  for (const p of PASSES) {
    cur = p.run(cur);
    if (opts.verify) check(cur, `after pass ${p.name}`);
  }
  return cur;
}

export { foldBatchNorm, fuseActivations, removeIdentity };
