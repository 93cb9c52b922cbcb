/**
 * The arena plan over time, for the memory chart: the planner run again on the folder's int8 graph
 * with the scratch requests and I/O placement the folder was emitted with (src/codegen/emit-folder.ts),
 * then checked against the arena size manifest.json records. A plan that does not come out the same
 * (a folder from another edgec version, a hand-edited manifest) is reported as such, not drawn.
 *
 *   buffer   [offset, offset + bytes)  alive from op firstOp to op lastOp (inclusive)
 *   live[op] = sum of the bytes of the buffers alive at op  (<= arena; the lower bound is its maximum)
 */
import type { Graph } from '../../ir/graph.ts';
import type { Manifest } from '../../formats/manifest.ts';
import { lowerGraph } from '../../lower/lower.ts';
import { planGraph } from '../../plan/index.ts';
import { scratchRequests } from '../../codegen/emit-folder.ts';
import { ioPlacement } from '../../codegen/io-placement.ts';
import type { MemoryBuffer, MemoryPlan } from './types.ts';

export function memoryPlan(m: Manifest, g: Graph): MemoryPlan {
  const lowered = lowerGraph(g);
  const requests = scratchRequests(g, lowered, m.cmsisNn?.path ?? null, false);
  const placement = ioPlacement(g, lowered.aliases, m.io ?? 'arena');
  const { plan, linearBytes } = planGraph(g, { alignment: 8, scratch: requests, external: new Set(placement.external.keys()) });
  const inputs = new Set(g.inputs.map((id) => lowered.aliases.get(id) ?? id));
  const outputs = new Set(g.outputs.map((id) => lowered.aliases.get(id) ?? id));
  const kind = (id: number): MemoryBuffer['kind'] => (id < 0 ? 'scratch' : inputs.has(id) ? 'input' : outputs.has(id) ? 'output' : 'activation');
  const buffers: MemoryBuffer[] = plan.buffers
    .filter((b) => b.bytes > 0)
    .map((b) => ({ name: b.name, kind: kind(b.id), offset: b.offset, bytes: b.bytes, firstOp: b.firstOp, lastOp: b.lastOp }))
    .sort((a, b) => a.firstOp - b.firstOp || a.offset - b.offset || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const ops = g.ops.map((op, index) => ({ index, name: op.name, op: op.kind }));
  const liveBytes = ops.map((_, i) => buffers.reduce((a, b) => a + (b.firstOp <= i && i <= b.lastOp ? b.bytes : 0), 0));
  const same = plan.arenaBytes === m.arenaBytes && linearBytes === m.linearArenaBytes && plan.lowerBound === m.arenaLowerBound;
  return {
    status: same ? 'reproduced' : 'not reproduced',
    reason: same
      ? null
      : `the planner gives an arena of ${plan.arenaBytes} bytes (linear ${linearBytes}, lower bound ${plan.lowerBound}); manifest.json records ${m.arenaBytes} (${m.linearArenaBytes}, ${m.arenaLowerBound}): the folder comes from another edgec version or was edited`,
    arenaBytes: m.arenaBytes,
    linearArenaBytes: m.linearArenaBytes,
    lowerBound: m.arenaLowerBound,
    ops,
    buffers: same ? buffers : [],
    liveBytes: same ? liveBytes : [],
  };
}
