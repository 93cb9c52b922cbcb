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

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** True windows of the class. */
  support: number;
}

export interface ClassificationMetrics {
  task: 'classification';
  windows: number;
  accuracy: number;
  /** Mean F1 over the classes present in the data (support > 0). */
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted]. */
  confusion: number[][];
  labels: string[];
}

export interface RegressionMetrics {
  task: 'regression';
  windows: number;
  mae: number;
  rmse: number;
}

export type Metrics = ClassificationMetrics | RegressionMetrics;

export function classificationMetrics(predicted: readonly number[], truth: readonly number[], labels: readonly string[]): ClassificationMetrics {
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  predicted.forEach((p, i) => confusion[truth[i]!]![p]!++);
  const perClass = labels.map((label, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedC = confusion.reduce((a, row) => a + row[c]!, 0);
    const precision = predictedC ? tp / predictedC : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const present = perClass.filter((c) => c.support > 0);
  const correct = labels.reduce((a, _, c) => a + confusion[c]![c]!, 0);
  return {
    task: 'classification',
    windows: predicted.length,
    accuracy: predicted.length ? correct / predicted.length : 0,
    macroF1: present.reduce((a, c) => a + c.f1, 0) / Math.max(present.length, 1),
    perClass,
    confusion,
    labels: [...labels],
  };
}

export function regressionMetrics(predicted: readonly ArrayLike<number>[], truth: TrainData['y']): RegressionMetrics {
  let abs = 0;
  let sq = 0;
  let n = 0;
  predicted.forEach((p, i) => {
    const y = truth[i]!;
    for (let k = 0; k < p.length; k++) {
      const d = p[k]! - (typeof y === 'number' ? y : y[k]!);
      abs += Math.abs(d);
      sq += d * d;
      n++;
    }
  });
  return { task: 'regression', windows: predicted.length, mae: abs / Math.max(n, 1), rmse: Math.sqrt(sq / Math.max(n, 1)) };
}

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
