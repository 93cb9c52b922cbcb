/**
 * tfjs LayersModel -> float graph.
 *
 *   model.json -> readModelFiles (fields, shard sizes) -> checkRawLayers -> tf.loadLayersModel
 *     -> importLayersModel: checkLayersModel, then each layer's converter (its family in src/ops) adds its
 *        ops in the model's topological order
 *
 * All unsupported layers and options of a model are reported together in one EdgecError. The graph
 * is NHWC with batch 1; a 1-D layer becomes 2-D with H = 1. Batch norm, standalone activations and
 * identities are left for the passes (src/passes).
 */
import { parsePreprocessing } from '../formats/preprocessing.ts';
import { basename, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { EdgecError, fail } from '../support/diagnostics.ts';
import { GraphBuilder } from '../ir/builder.ts';
import { assertValidGraph, type GraphLimits } from '../validate/validate.ts';
import type { Graph } from '../ir/graph.ts';
import { readModelFiles } from './tfjs-io.ts';
import './tfjs-keras-layers.ts'; // registers the Keras layer classes tfjs lacks
import './tfjs-fake-quant.ts'; // registers EdgecFakeQuant (quantization-aware training)
import { irShape } from '../ops/shared/tfjs.ts';
import { tfjsImporter } from '../ops/registry.ts';
import { checkLayersModel, checkRawLayers, renameKerasLayers } from './tfjs-support.ts';

type SymbolicTensor = tf.SymbolicTensor;

export function importLayersModel(model: tf.LayersModel, source: string, labels?: readonly string[], limits?: GraphLimits): Graph {
  const problems = checkLayersModel(model, source);
  if (problems.length > 0) throw new EdgecError(problems);
  const b = new GraphBuilder();
  const ids = new Map<number, number>(); // SymbolicTensor.id -> IR tensor id
  const input = model.inputs[0]!;
  // tfjs names a Sequential model's implicit input `<first layer>_input` and makes it unique per
  // process (`_input_1` on a second load): the suffix is dropped so the same model.json gives the same
  // graph (and model hash) however many models the process loaded before.
  const inputName = input.name.replace(/:0$/, '').replace(/(_input)_\d+$/, '$1');
  const inputId = b.addTensor({ name: inputName || 'input', shape: irShape(input.shape), dtype: 'float32' });
  ids.set(input.id, inputId);
  const ranges: Record<string, [number, number]> = {};
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer') continue;
    const node = layer.inboundNodes[0]!;
    const inputs = (node.inputTensors as SymbolicTensor[]).map((t) => {
      const id = ids.get(t.id);
      if (id === undefined) fail('E-IMPORT-GRAPH', 'import', `input '${t.name}' is not produced by an earlier layer`, { file: source, layer: layer.name });
      return id;
    });
    const outputs = node.outputTensors as SymbolicTensor[];
    const weights = layer.getWeights();
    const convert = tfjsImporter(cls)!.convert;
    const out = convert({
      b,
      layer,
      config: layer.getConfig() as Record<string, unknown>,
      weights: weights.map((w) => w.dataSync() as Float32Array),
      weightShapes: weights.map((w) => w.shape),
      inputs,
      outShape: irShape(outputs[0]!.shape),
      name: layer.name,
    });
    ids.set(outputs[0]!.id, out);
    if (cls === 'EdgecFakeQuant') {
      const { min, max } = layer.getConfig() as { min?: number; max?: number };
      if (typeof min === 'number' && typeof max === 'number' && min <= max) ranges[b.tensor(out).name] = [min, max];
    }
  }
  const outputId = ids.get(model.outputs[0]!.id);
  if (outputId === undefined) fail('E-IMPORT-GRAPH', 'import', 'the model output is not produced by any layer', { file: source });
  const g = b.build(model.name || basename(dirname(source)), [inputId], [outputId], { source, ...(labels ? { labels } : {}), ...(Object.keys(ranges).length ? { activationRanges: ranges } : {}) });
  return assertValidGraph(g, limits);
}

/**
 * Loads model.json (+ shards) from disk and imports it. `source` is recorded in the graph (default:
 * the path). model.json may carry `edgecName`, `edgecLabels` and `edgecPreprocessing` (written by
 * saveModelToDir's `extra`).
 */
export async function importTfjsModel(modelJsonPath: string, source: string = modelJsonPath, limits?: GraphLimits): Promise<Graph> {
  const { artifacts, json, layers } = readModelFiles(modelJsonPath);
  renameKerasLayers(layers);
  const problems = checkRawLayers(layers, modelJsonPath);
  if (problems.length > 0) throw new EdgecError(problems);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel({ load: async () => artifacts });
  } catch (e) {
    fail('E-TFJS-LOAD', 'import', `tfjs could not build the model: ${(e as Error).message.split('\n')[0]}`, { file: modelJsonPath });
  }
  try {
    const labels = Array.isArray(json.edgecLabels) ? json.edgecLabels.map(String) : undefined;
    const preprocessing = parsePreprocessing(json.edgecPreprocessing, modelJsonPath);
    const imported = importLayersModel(model, source, labels, limits);
    const g = preprocessing ? { ...imported, meta: { ...imported.meta, preprocessing } } : imported;
    return typeof json.edgecName === 'string' ? { ...g, name: json.edgecName } : g;
  } finally {
    model.dispose();
  }
}
