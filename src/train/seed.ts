/**
 * Seeded initialisation for any tfjs layers model: every weight is drawn again from its layer's own
 * initializer (glorot, orthogonal, zeros, ...) with a seed derived from the run's seed and the
 * weight's position, so the same seed gives the same starting weights on every run and machine,
 * whatever seeds (or none) the model's author passed.
 */
import * as tf from '@tensorflow/tfjs';

/** Which layer attribute holds the initializer of a weight, by the weight's name. */
const INITIALIZER_OF: [RegExp, string][] = [
  [/depthwise_kernel$/, 'depthwiseInitializer'],
  [/pointwise_kernel$/, 'pointwiseInitializer'],
  [/recurrent_kernel$/, 'recurrentInitializer'],
  [/kernel$/, 'kernelInitializer'],
  [/bias$/, 'biasInitializer'],
  [/gamma$/, 'gammaInitializer'],
  [/beta$/, 'betaInitializer'],
  [/moving_mean$/, 'movingMeanInitializer'],
  [/moving_variance$/, 'movingVarianceInitializer'],
  [/embeddings$/, 'embeddingsInitializer'],
];

type Initializer = tf.serialization.Serializable & { apply(shape: number[], dtype?: tf.DataType): tf.Tensor };

/** The layer (or its wrapped cell / forward and backward layers) that owns the initializer attribute. */
function owners(layer: tf.layers.Layer): Record<string, unknown>[] {
  const l = layer as unknown as Record<string, unknown>;
  const found: Record<string, unknown>[] = [l];
  for (const k of ['cell', 'layer', 'forwardLayer', 'backwardLayer']) {
    const inner = l[k] as tf.layers.Layer | undefined;
    if (inner && typeof inner === 'object') found.push(...owners(inner));
  }
  return found;
}

function initializerFor(layer: tf.layers.Layer, weightName: string): Initializer | undefined {
  const entry = INITIALIZER_OF.find(([re]) => re.test(weightName));
  if (!entry) return undefined;
  for (const o of owners(layer)) {
    const init = o[entry[1]] as Initializer | undefined;
    if (init && typeof init.apply === 'function') return init;
  }
  return undefined;
}

/** Re-initialises every weight of the model from its initializer with a seed of (seed, weight index). */
export function seedWeights(model: tf.LayersModel, seed: number): void {
  let k = 0;
  for (const layer of model.layers) {
    const vars = layer.weights;
    if (vars.length === 0) continue;
    const values = vars.map((v) => {
      k++;
      const init = initializerFor(layer, v.originalName);
      if (!init) return v.read().clone();
      const { className, config } = { className: init.getClassName(), config: init.getConfig() };
      const seeded = 'seed' in config || /Uniform|Normal|Orthogonal|VarianceScaling|Glorot|He|Lecun/.test(className) ? { ...config, seed: seed * 1009 + k } : config;
      const registered = tf.serialization.SerializationMap.getMap().classNameMap[className];
      if (!registered) return v.read().clone();
      const [cls, fromConfig] = registered;
      const fresh = fromConfig(cls, seeded as tf.serialization.ConfigDict) as unknown as Initializer;
      return fresh.apply(v.shape as number[], v.dtype);
    });
    layer.setWeights(values);
    values.forEach((t) => t.dispose());
  }
}
