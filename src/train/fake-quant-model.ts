/**
 * `withFakeQuant(model)`: the quantization-aware twin of any tfjs layers model (sequential or
 * functional, one input): the same layers and weights, with an EdgecFakeQuant layer after the input
 * and after every layer whose output the compiler quantizes with a range of its own. Built by
 * rewriting the model's JSON topology, so no layer class needs to know about it.
 *
 * No fake-quant layer goes
 * - after layers that keep their input's quantization (reshapes, max pooling, padding, cropping,
 *   dropout and noise layers: the compiler gives their output the input's scale and zero point);
 * - after a layer whose output only feeds a BatchNormalization, Activation or ReLU layer (the
 *   compiler folds or fuses those, so the intermediate tensor never exists in integers);
 * - after a softmax / sigmoid / tanh output (fixed output scales in the integer kernels).
 */
import * as tf from '@tensorflow/tfjs';
import { FakeQuant } from '../import/tfjs-fake-quant.ts';

const KEEPS_INPUT_QUANT = new Set([
  'Reshape',
  'Flatten',
  'Permute',
  'MaxPooling1D',
  'MaxPooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'ZeroPadding1D',
  'ZeroPadding2D',
  'Cropping1D',
  'Cropping2D',
  'Dropout',
  'SpatialDropout1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'EdgecFakeQuant',
  'InputLayer',
]);
const FUSED_INTO_PRODUCER = new Set(['BatchNormalization', 'Activation', 'ReLU']);
const FIXED_OUTPUT = new Set(['softmax', 'sigmoid', 'tanh', 'hardSigmoid']);

interface LayerJson {
  class_name: string;
  name?: string;
  config: Record<string, unknown> & { name: string; activation?: string };
  inbound_nodes?: unknown[];
}

/** [name, node, index, kwargs] references inside inbound_nodes (tfjs writes Keras's nested arrays). */
function renameInbound(nodes: unknown, from: string, to: string): unknown {
  if (!Array.isArray(nodes)) return nodes;
  if (typeof nodes[0] === 'string' && typeof nodes[1] === 'number') return nodes[0] === from ? [to, ...nodes.slice(1)] : nodes;
  return nodes.map((n) => renameInbound(n, from, to));
}

function inboundNames(nodes: unknown): string[] {
  if (!Array.isArray(nodes)) return [];
  if (typeof nodes[0] === 'string' && typeof nodes[1] === 'number') return [nodes[0]];
  return nodes.flatMap(inboundNames);
}

function wantsFakeQuant(layer: LayerJson, consumers: LayerJson[]): boolean {
  if (KEEPS_INPUT_QUANT.has(layer.class_name) && layer.class_name !== 'InputLayer') return false;
  if (consumers.length > 0 && consumers.every((c) => FUSED_INTO_PRODUCER.has(c.class_name))) return false;
  const activation = layer.class_name === 'Activation' ? layer.config.activation : layer.config.activation;
  return !(typeof activation === 'string' && FIXED_OUTPUT.has(activation));
}

export interface FakeQuantOptions {
  /** The activation type to train for: 8 (default) or 16 (compile with `--activations int16`). */
  bits?: 8 | 16;
}

/** The functional-model JSON of any layers model (a Sequential is rebuilt as a functional chain). */
function functionalConfig(model: tf.LayersModel): { layers: LayerJson[]; input_layers: unknown; output_layers: unknown; name: string } {
  const json = model.toJSON(null, false) as unknown as { class_name: string; config: unknown };
  if (json.class_name !== 'Sequential') return json.config as ReturnType<typeof functionalConfig>;
  const inputName = model.inputs[0]!.name.split('/')[0]!;
  const input: LayerJson = { class_name: 'InputLayer', name: inputName, config: { name: inputName, batch_input_shape: model.inputs[0]!.shape, dtype: 'float32', sparse: false }, inbound_nodes: [] };
  const layers: LayerJson[] = [input];
  let prev = inputName;
  for (const l of (json.config as { layers: LayerJson[] }).layers) {
    if (l.class_name === 'InputLayer') continue;
    const { batch_input_shape: _b, ...config } = l.config as Record<string, unknown> & { name: string };
    layers.push({ class_name: l.class_name, name: config.name, config, inbound_nodes: [[[prev, 0, 0, {}]]] });
    prev = config.name;
  }
  return { name: model.name, layers, input_layers: [[inputName, 0, 0]], output_layers: [[prev, 0, 0]] };
}

export async function withFakeQuant(model: tf.LayersModel, opts: FakeQuantOptions = {}): Promise<tf.LayersModel> {
  const cfg = functionalConfig(model);
  const out: LayerJson[] = [];
  let outputs = cfg.output_layers;
  for (const layer of cfg.layers) {
    out.push(layer);
    const consumers = cfg.layers.filter((l) => inboundNames(l.inbound_nodes).includes(layer.config.name));
    if (!wantsFakeQuant(layer, consumers)) continue;
    const name = `${layer.config.name}_fq`;
    for (const c of consumers) c.inbound_nodes = renameInbound(c.inbound_nodes, layer.config.name, name) as unknown[];
    outputs = renameInbound(outputs, layer.config.name, name);
    out.push({ class_name: 'EdgecFakeQuant', name, config: { name, bits: opts.bits ?? 8 }, inbound_nodes: [[[layer.config.name, 0, 0, {}]]] });
  }
  const topology = { class_name: 'Model', config: { ...cfg, layers: out, output_layers: outputs } };
  const twin = await tf.models.modelFromJSON({ modelTopology: topology } as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
  for (const l of model.layers) if (l.getWeights().length) twin.getLayer(l.name).setWeights(l.getWeights());
  return twin;
}

/** The fake-quant layers of a model and their learned ranges (what the importer will use). */
export function fakeQuantRanges(model: tf.LayersModel): { layer: string; min: number; max: number }[] {
  return model.layers.filter((l): l is FakeQuant => l instanceof FakeQuant).map((l) => ({ layer: l.name, min: l.min, max: l.max }));
}
