/**
 * Held-out evaluation of a model three ways: the float tfjs model, the integer graph in the TS
 * simulator (exactly what the generated C computes), or any outputs (e.g. bytes the compiled C
 * wrote). Classification: accuracy, per-class precision / recall / F1 and the confusion matrix;
 * regression: mean absolute error and RMSE.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Graph } from '../ir/graph.ts';
import { lowerGraph } from '../lower/lower.ts';
import { simulateLowered } from '../sim/int8.ts';
import { dequantizeValues, quantizeValues } from '../arith/tensor-quant.ts';
import { argmax, predictWindows, type Task, type TrainData } from './train.ts';
import { classificationMetrics, regressionMetrics, type Metrics } from './metrics.ts';

export * from './metrics.ts';

/** Metrics of outputs (float, or dequantized integer) against the data's labels or targets. */
export function metricsOf(outputs: readonly ArrayLike<number>[], data: TrainData, task: Task, labels: readonly string[]): Metrics {
  if (task === 'regression') return regressionMetrics(outputs, data.y);
  return classificationMetrics(
    outputs.map((o) => argmax(o)),
    data.y as number[],
    labels,
  );
}

export function evaluateFloat(model: tf.LayersModel, data: TrainData, task: Task, labels: readonly string[]): Metrics {
  return metricsOf(predictWindows(model, data.x), data, task, labels);
}

/** The integer graph's outputs for float windows (quantized as the deployed input is), dequantized. */
export function predictInteger(int8Graph: Graph, windows: readonly Float32Array[]): Float32Array[] {
  const lowered = lowerGraph(int8Graph);
  const input = int8Graph.tensors[int8Graph.inputs[0]!]!;
  const output = int8Graph.tensors[int8Graph.outputs[0]!]!;
  const iq = input.quant!;
  const oq = output.quant!;
  return windows.map((w) => {
    const x = input.dtype === 'int16' ? quantizeValues(w, iq.scale[0]!, iq.zeroPoint[0]!, 'int16') : quantizeValues(w, iq.scale[0]!, iq.zeroPoint[0]!);
    return dequantizeValues(simulateLowered(lowered, [x]).outputs[0]!, oq.scale[0]!, oq.zeroPoint[0]!);
  });
}

export function evaluateInteger(int8Graph: Graph, data: TrainData, task: Task, labels: readonly string[]): Metrics {
  return metricsOf(predictInteger(int8Graph, data.x), data, task, labels);
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** A block of text: the headline figure, then per-class P/R/F1 and the confusion matrix. */
export function formatMetrics(title: string, m: Metrics): string {
  if (m.task === 'regression') return `${title}: MAE ${m.mae.toPrecision(4)}, RMSE ${m.rmse.toPrecision(4)} (${m.windows} windows)`;
  const w = Math.max(6, ...m.labels.map((l) => l.length + 1));
  const lines = [`${title}: accuracy ${pct(m.accuracy)}, macro F1 ${m.macroF1.toFixed(3)} (${m.windows} windows)`];
  lines.push(`  ${'class'.padEnd(w)}${'precision'.padStart(10)}${'recall'.padStart(8)}${'F1'.padStart(7)}${'support'.padStart(9)}`);
  for (const c of m.perClass) {
    lines.push(`  ${c.label.padEnd(w)}${c.precision.toFixed(3).padStart(10)}${c.recall.toFixed(3).padStart(8)}${c.f1.toFixed(3).padStart(7)}${String(c.support).padStart(9)}`);
  }
  const cell = Math.max(7, ...m.confusion.flat().map((v) => String(v).length + 1));
  lines.push(`  confusion (rows: true class, columns: predicted)`);
  lines.push(`  ${''.padEnd(w)}${m.labels.map((l) => l.padStart(cell)).join('')}`);
  m.confusion.forEach((row, c) => lines.push(`  ${m.labels[c]!.padEnd(w)}${row.map((v) => String(v).padStart(cell)).join('')}`));
  return lines.join('\n');
}
