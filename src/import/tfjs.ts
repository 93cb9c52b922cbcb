/**
 * tfjs LayersModel -> float graph. Every layer is checked first; all unsupported layers and options
 * are reported together in one error. Then each layer's converter (tfjs-layers.ts) adds its ops in
 * the model's topological order.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { EdgecError, fail, type Diagnostic } from '../diagnostics.ts';
import { GraphBuilder } from '../ir/builder.ts';
import type { Graph } from '../ir/graph.ts';
import { fileLoadHandler } from './tfjs-io.ts';
import { LAYER_CONVERTERS, irShape, unsupportedOptions } from './tfjs-layers.ts';

type SymbolicTensor = tf.SymbolicTensor;

function asList<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

function checkLayers(model: tf.LayersModel, source: string): void {
  const problems: Diagnostic[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer') continue;
    if (!(cls in LAYER_CONVERTERS)) {
      problems.push({ code: 'E-IMPORT-LAYER', stage: 'import', message: `layer class ${cls} is not supported`, location: { file: source, layer: layer.name } });
      continue;
    }
    for (const why of unsupportedOptions(cls, layer.getConfig() as Record<string, unknown>)) {
      problems.push({ code: 'E-IMPORT-OPTION', stage: 'import', message: `${cls} with ${why} is not supported`, location: { file: source, layer: layer.name } });
    }
    if (layer.inboundNodes.length > 1) {
      problems.push({ code: 'E-IMPORT-SHARED', stage: 'import', message: `${cls} is used ${layer.inboundNodes.length} times (shared layers are not supported)`, location: { file: source, layer: layer.name } });
    }
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    problems.push({ code: 'E-IMPORT-IO', stage: 'import', message: `models with ${model.inputs.length} inputs and ${model.outputs.length} outputs are not supported (one each)`, location: { file: source } });
  }
  if (problems.length > 0) throw new EdgecError(problems);
}

export function importLayersModel(model: tf.LayersModel, source: string, labels?: string[]): Graph {
  checkLayers(model, source);
  const b = new GraphBuilder();
  const ids = new Map<number, number>(); // SymbolicTensor.id -> IR tensor id
  const input = model.inputs[0]!;
  const inputId = b.addTensor({ name: input.name.replace(/:0$/, '') || 'input', shape: irShape(input.shape), dtype: 'float32' });
  ids.set(input.id, inputId);
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
    const out = LAYER_CONVERTERS[cls]!({
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
  }
  const outputId = ids.get(asList(model.outputs)[0]!.id)!;
  return b.build(model.name || basename(dirname(source)), [inputId], [outputId], { source, ...(labels ? { labels } : {}) });
}

/** Loads model.json (+ shards) from disk and imports it. Labels may be stored in model.json as `edgecLabels`. */
export async function importTfjsModel(modelJsonPath: string, source: string = modelJsonPath): Promise<Graph> {
  const handler = fileLoadHandler(modelJsonPath);
  await handler.load!(); // validates files and fields with located diagnostics before tfjs sees them
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(handler);
  } catch (e) {
    fail('E-TFJS-LOAD', 'import', `tfjs could not build the model: ${(e as Error).message.split('\n')[0]}`, { file: modelJsonPath });
  }
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as { edgecLabels?: string[]; edgecName?: string };
  const g = importLayersModel(model, source, json.edgecLabels);
  model.dispose();
  return json.edgecName ? { ...g, name: json.edgecName } : g;
}
