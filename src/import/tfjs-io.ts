/**
 * tfjs model files on disk without tfjs-node: a load handler that reads model.json and its weight
 * shards (checking them against the manifest first, so a corrupt file is reported by name, not as a
 * tfjs stack trace) and a save handler that writes model.json + weights.bin atomically.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fail } from '../diagnostics.ts';
import { writeFolderAtomically } from '../io/atomic.ts';

interface WeightsGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string }[];
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Reads and checks model.json and its shards; returns tfjs ModelArtifacts. */
export function readModelArtifacts(modelJsonPath: string): tf.io.ModelArtifacts {
  const loc = (field?: string) => ({ file: modelJsonPath, ...(field ? { field } : {}) });
  let text: string;
  try {
    text = readFileSync(modelJsonPath, 'utf8');
  } catch (e) {
    fail('E-TFJS-READ', 'import', `cannot read the model: ${(e as Error).message}`, loc());
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    fail('E-TFJS-JSON', 'import', `model.json is not valid JSON: ${(e as Error).message}`, loc());
  }
  const topology = json.modelTopology as Record<string, unknown> | undefined;
  if (!topology || typeof topology !== 'object') fail('E-TFJS-FIELD', 'import', 'missing the Keras model topology (is this a tfjs LayersModel model.json?)', loc('modelTopology'));
  const modelConfig = (topology.model_config ?? topology) as Record<string, unknown>;
  if (typeof modelConfig.class_name !== 'string') fail('E-TFJS-FIELD', 'import', 'missing the model class name', loc('modelTopology.class_name'));
  const config = modelConfig.config as Record<string, unknown> | undefined;
  const layers = (Array.isArray(config) ? config : config?.layers) as unknown;
  if (!Array.isArray(layers)) fail('E-TFJS-FIELD', 'import', 'missing the list of layers', loc('modelTopology.config.layers'));
  layers.forEach((l: Record<string, unknown>, i: number) => {
    if (typeof l?.class_name !== 'string') fail('E-TFJS-FIELD', 'import', `layer ${i} has no class_name`, loc(`modelTopology.config.layers[${i}].class_name`));
    if (typeof l.config !== 'object' || l.config === null) fail('E-TFJS-FIELD', 'import', `layer ${i} (${l.class_name}) has no config`, loc(`modelTopology.config.layers[${i}].config`));
  });
  const manifest = json.weightsManifest as WeightsGroup[] | undefined;
  if (!Array.isArray(manifest)) fail('E-TFJS-FIELD', 'import', 'missing the weights manifest', loc('weightsManifest'));
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  manifest.forEach((group, gi) => {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) fail('E-TFJS-FIELD', 'import', 'each group needs paths and weights', loc(`weightsManifest[${gi}]`));
    const shard = Buffer.concat(
      group.paths.map((p) => {
        const path = join(dirname(modelJsonPath), p);
        try {
          return readFileSync(path);
        } catch (e) {
          fail('E-TFJS-WEIGHTS', 'import', `cannot read the weights shard: ${(e as Error).message}`, { file: path });
        }
      }),
    );
    let expected = 0;
    for (const w of group.weights) {
      const bytes = DTYPE_BYTES[w.dtype];
      if (bytes === undefined) fail('E-TFJS-WEIGHTS', 'import', `weight '${w.name}' has dtype '${w.dtype}' (quantized or string weights are not supported)`, loc(`weightsManifest[${gi}]`));
      expected += w.shape.reduce((a, b) => a * b, 1) * bytes;
      specs.push(w as tf.io.WeightsManifestEntry);
    }
    if (shard.length !== expected) {
      fail('E-TFJS-WEIGHTS', 'import', `weights are corrupt or truncated: the manifest describes ${expected} bytes but the file has ${shard.length}`, { file: join(dirname(modelJsonPath), group.paths.join(', ')) });
    }
    buffers.push(shard);
  });
  const all = Buffer.concat(buffers);
  return {
    modelTopology: topology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    format: json.format as string | undefined,
    generatedBy: json.generatedBy as string | undefined,
    convertedBy: json.convertedBy as string | null | undefined,
  };
}

export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return { load: async () => readModelArtifacts(modelJsonPath) };
}

/** Saves a LayersModel as model.json + weights.bin in `dir`, atomically. */
export async function saveModelToDir(model: tf.LayersModel, dir: string, extra: Record<string, unknown> = {}): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save({
    save: async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    },
  });
  if (!artifacts) throw new Error('tfjs returned no model artifacts');
  const a = artifacts;
  await writeFolderAtomically(dir, (tmp) => {
    const data = a.weightData as ArrayBuffer;
    writeFileSync(join(tmp, 'weights.bin'), new Uint8Array(data));
    const json = { format: 'layers-model', generatedBy: a.generatedBy, convertedBy: null, modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }], ...extra };
    writeFileSync(join(tmp, 'model.json'), JSON.stringify(json) + '\n');
  });
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
