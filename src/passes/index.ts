/**
 * The float-graph passes, in order. Each is a named `(graph) => graph`; with `verify`, the graph is
 * validated after every pass (tests set it) and a broken invariant names the pass.
 */
import type { Graph } from '../ir/graph.ts';
import { validateGraph } from '../ir/validate.ts';
import { foldBatchNorm } from './fold-batch-norm.ts';
import { fuseActivations } from './fuse-activations.ts';
import { removeIdentity } from './remove-identity.ts';

export interface Pass {
  name: string;
  run: (g: Graph) => Graph;
}

export const PASSES: readonly Pass[] = [
  { name: 'foldBatchNorm', run: foldBatchNorm },
  { name: 'fuseActivations', run: fuseActivations },
  { name: 'removeIdentity', run: removeIdentity },
];

export function runPasses(g: Graph, opts: { verify?: boolean } = {}): Graph {
  let cur = g;
  for (const p of PASSES) {
    cur = p.run(cur);
    if (opts.verify) {
      const problems = validateGraph(cur);
      if (problems.length > 0) throw new Error(`after pass ${p.name}: ${problems.join('; ')}`);
    }
  }
  return cur;
}
