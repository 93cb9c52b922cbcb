/** A readable text form of a graph (edgec inspect, debugging, golden tests). */
import type { Graph, Tensor } from './graph.ts';

function describeTensor(t: Tensor): string {
  const q = t.quant
    ? t.quant.scale.length === 1
      ? ` q(s=${t.quant.scale[0]!.toPrecision(6)}, zp=${t.quant.zeroPoint[0]})`
      : ` q(per-channel x${t.quant.scale.length}, axis ${t.quant.axis ?? 0})`
    : '';
  return `%${t.id} ${t.dtype}[${t.shape.join('x')}]${q}${t.data ? ' const' : ''}`;
}

export function dumpGraph(g: Graph): string {
  const lines = [`graph ${g.name} (${g.meta.source})`];
  lines.push(`  inputs: ${g.inputs.map((i) => describeTensor(g.tensors[i]!)).join(', ')}`);
  for (const op of g.ops) {
    const ins = op.inputs.map((i) => (i < 0 ? '-' : `%${i}`)).join(', ');
    const outs = op.outputs.map((i) => describeTensor(g.tensors[i]!)).join(', ');
    lines.push(`  ${op.name}: ${op.kind}(${ins}) ${JSON.stringify(op.attrs)} -> ${outs}`);
  }
  lines.push(`  outputs: ${g.outputs.map((i) => `%${i}`).join(', ')}`);
  return lines.join('\n');
}
