/**
 * Quantization report: how far the integer model is from the float one, layer by layer (SQNR of each
 * dequantized int8 or int16 output against the float output of the same layer, over a set of windows;
 * an int16 model also shows the int8 figure), the windows on which both pick the same class, and the
 * classification accuracy of both when labels are given.
 *   SQNR = 10 log10( sum x^2 / sum (x - x_int8)^2 )  in dB; higher is better, ~6 dB per bit.
 */
import type { Graph } from '../ir/graph.ts';
import { lowerGraph } from '../lower/lower.ts';
import { runFloatGraph } from '../sim/float.ts';
import { simulateLowered } from '../sim/int8.ts';
import { quantizeValues } from '../arith/tensor-quant.ts';

export interface LayerSqnr {
  layer: string;
  op: string;
  sqnrDb: number;
  /** The same layer quantized to int8, beside an int16 model's figure (`withInt8Baseline`). */
  int8SqnrDb?: number;
}

export interface QuantReport {
  windows: number;
  /** The integer type of the model's activations ('int8+int16': a mixed model). */
  activations: 'int8' | 'int16' | 'int8+int16';
  layers: LayerSqnr[];
  floatAccuracy?: number;
  int8Accuracy?: number;
  /** Windows on which the float and int8 outputs pick the same class (outputs of more than one value). */
  sameTopClass?: number;
}

const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
};

export function quantizationReport(floatGraph: Graph, int8Graph: Graph, windows: readonly Float32Array[], labels?: readonly number[]): QuantReport {
  const lowered = lowerGraph(int8Graph);
  const input = int8Graph.tensors[int8Graph.inputs[0]!]!.quant!;
  const byName = new Map(floatGraph.tensors.map((t) => [t.name, t.id]));
  const signal = new Map<string, number>();
  const noise = new Map<string, number>();
  let floatOk = 0;
  let int8Ok = 0;
  let same = 0;
  windows.forEach((w, k) => {
    const f = runFloatGraph(floatGraph, [w]);
    const x = int8Graph.tensors[int8Graph.inputs[0]!]!.dtype === 'int16' ? quantizeValues(w, input.scale[0]!, input.zeroPoint[0]!, 'int16') : quantizeValues(w, input.scale[0]!, input.zeroPoint[0]!);
    const q = simulateLowered(lowered, [x]);
    for (const op of int8Graph.ops) {
      const t = int8Graph.tensors[op.outputs[0]!]!;
      const fid = byName.get(t.name);
      const fv = fid === undefined ? undefined : f.tensors.get(fid);
      const qv = q.tensors.get(t.id);
      if (!fv || !qv || !t.quant) continue;
      const s = t.quant.scale[0]!;
      const zp = t.quant.zeroPoint[0]!;
      let sig = 0;
      let err = 0;
      for (let i = 0; i < fv.length; i++) {
        const d = s * (qv[i]! - zp);
        sig += fv[i]! * fv[i]!;
        err += (fv[i]! - d) ** 2;
      }
      signal.set(op.name, (signal.get(op.name) ?? 0) + sig);
      noise.set(op.name, (noise.get(op.name) ?? 0) + err);
    }
    if (argmax(f.outputs[0]!) === argmax(q.outputs[0]!)) same++;
    if (labels) {
      if (argmax(f.outputs[0]!) === labels[k]) floatOk++;
      if (argmax(q.outputs[0]!) === labels[k]) int8Ok++;
    }
  });
  const layers = int8Graph.ops.filter((op) => signal.has(op.name)).map((op) => ({ layer: op.name, op: op.kind, sqnrDb: 10 * Math.log10(signal.get(op.name)! / Math.max(noise.get(op.name)!, 1e-30)) }));
  const classes = int8Graph.tensors[int8Graph.outputs[0]!]!.shape.reduce((a, b) => a * b, 1);
  const types = new Set(int8Graph.ops.flatMap((op) => op.outputs.map((id) => int8Graph.tensors[id]!.dtype)));
  const activations = types.has('int16') ? (types.has('int8') ? 'int8+int16' : 'int16') : 'int8';
  return {
    windows: windows.length,
    activations,
    layers,
    ...(classes > 1 ? { sameTopClass: same } : {}),
    ...(labels ? { floatAccuracy: floatOk / windows.length, int8Accuracy: int8Ok / windows.length } : {}),
  };
}

/** An int16 model's report with each layer's SQNR as an int8 model (`int8`: the same float graph quantized to int8). */
export function withInt8Baseline(r: QuantReport, int8: QuantReport): QuantReport {
  const byLayer = new Map(int8.layers.map((l) => [l.layer, l.sqnrDb]));
  return { ...r, layers: r.layers.map((l) => (byLayer.has(l.layer) ? { ...l, int8SqnrDb: byLayer.get(l.layer)! } : l)) };
}

export function formatQuantReport(r: QuantReport): string {
  const baseline = r.layers.some((l) => l.int8SqnrDb !== undefined);
  const lines = [`quantization report over ${r.windows} windows (SQNR of ${r.activations} vs float, per layer${baseline ? '; int8 beside it' : ''}):`];
  for (const l of r.layers) {
    const int8 = baseline ? `   int8 ${l.int8SqnrDb === undefined ? '    -' : l.int8SqnrDb.toFixed(1).padStart(5)} dB` : '';
    lines.push(`  ${l.layer.padEnd(36)} ${l.op.padEnd(18)} ${l.sqnrDb.toFixed(1).padStart(6)} dB${int8}`);
  }
  if (r.sameTopClass !== undefined) lines.push(`  output agreement: float and ${r.activations} pick the same class on ${r.sameTopClass}/${r.windows} windows`);
  if (r.floatAccuracy !== undefined) lines.push(`  accuracy: float ${(100 * r.floatAccuracy).toFixed(1)}%, ${r.activations} ${(100 * r.int8Accuracy!).toFixed(1)}%`);
  return lines.join('\n');
}
