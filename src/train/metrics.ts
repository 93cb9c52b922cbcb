/**
 * Classification and regression figures from predictions: accuracy, per-class precision / recall /
 * F1, macro F1 and the confusion matrix; mean absolute error and RMSE.
 */

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

/** Targets: one number per window, or one array per window (several outputs). */
export function regressionMetrics(predicted: readonly ArrayLike<number>[], truth: readonly (number | ArrayLike<number>)[]): RegressionMetrics {
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
