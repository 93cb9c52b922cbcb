/** The memory planner's entry points: plan a graph's arena, and draw a plan. */
import type { Graph } from '../ir/graph.ts';
import { bufferRequests, type ScratchRequest } from './lifetimes.ts';
import { planMemory, type Plan } from './planner.ts';

export { aliasRoots, bufferRequests, type BufferRequest, type ScratchRequest } from './lifetimes.ts';
export { lowerBound, overlaps, planMemory, type Plan, type PlacedBuffer, type Strategy } from './planner.ts';

export function planGraph(g: Graph, opts: { scratch?: ScratchRequest[]; alignment?: number; external?: ReadonlySet<number> } = {}): { plan: Plan; linearBytes: number } {
  const requests = bufferRequests(g, opts.scratch, opts.external);
  const plan = planMemory(requests, { alignment: opts.alignment, strategy: 'greedy' });
  const linear = planMemory(requests, { alignment: opts.alignment, strategy: 'linear' });
  return { plan, linearBytes: linear.arenaBytes };
}

/** ASCII picture of the arena over time: a row per op, '#' where a live buffer occupies bytes. */
export function formatPlan(plan: Plan, width = 64): string {
  const ops = plan.buffers.reduce((m, b) => Math.max(m, b.lastOp + 1), 0);
  const scale = Math.max(1, plan.arenaBytes) / width;
  const lines = [`arena ${plan.arenaBytes} bytes (${plan.strategy}), lower bound ${plan.lowerBound}; one column = ${scale.toFixed(1)} bytes`];
  for (let op = 0; op < ops; op++) {
    const row = new Array<string>(width).fill('.');
    plan.buffers.forEach((b, k) => {
      if (b.firstOp > op || b.lastOp < op || b.bytes === 0) return;
      const from = Math.floor(b.offset / scale);
      const to = Math.max(from + 1, Math.ceil((b.offset + b.bytes) / scale));
      const mark = String.fromCharCode(65 + (k % 26));
      for (let c = from; c < Math.min(to, width); c++) row[c] = mark;
    });
    lines.push(`op ${String(op).padStart(3)} |${row.join('')}|`);
  }
  return lines.join('\n');
}
