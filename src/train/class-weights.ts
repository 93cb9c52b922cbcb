/**
 * Class weights for imbalanced data (heartbeats: 80% normal beats): each class's loss term is scaled
 * so rare classes count as much as common ones.
 */
import * as tf from '@tensorflow/tfjs';

export type ClassWeights = readonly number[] | 'balanced' | 'sqrt-balanced';

/**
 * 'balanced' = n / (classes * count_c), scikit-learn's definition; 'sqrt-balanced' its square root,
 * gentler when a class has a handful of examples (MIT-BIH's Q beats: 6 of 28,000). Classes absent
 * from the data get weight 0.
 */
export function classWeightsFor(spec: ClassWeights, labels: readonly number[], classes: number): number[] {
  if (spec !== 'balanced' && spec !== 'sqrt-balanced') {
    if (spec.length !== classes || spec.some((w) => !(w >= 0) || !Number.isFinite(w))) {
      throw new Error(`class weights: expected ${classes} finite non-negative numbers, got ${JSON.stringify(spec)}`);
    }
    return [...spec];
  }
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y]!++;
  const balanced = counts.map((c) => (c > 0 ? labels.length / (classes * c) : 0));
  return spec === 'balanced' ? balanced : balanced.map(Math.sqrt);
}

/** Categorical cross-entropy with per-class weights, averaged over the batch: -sum_c w_c y_c log p_c. */
export function weightedCrossentropy(weights: readonly number[]): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const w = tf.tensor1d([...weights]);
      const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
      return tf.mean(tf.neg(tf.sum(tf.mul(tf.mul(yTrue, w), tf.log(p)), -1)));
    });
}
