/**
 * tfjs model files on disk without tfjs-node or fetch.
 *
 *   load: model.json -> checked fields -> weight shards (sizes checked against the manifest) -> ModelArtifacts
 *   save: LayersModel -> ModelArtifacts -> temporary sibling {model.json, weights.bin, extra files} -> rename to <dir>
 *         (replaces only an empty folder or an earlier save, recognized by model.json's `edgecSaved`)
 *
 * Everything is checked before tfjs sees it, so a bad file is reported as one located diagnostic
 * (stage 'import', the file and the field or layer), not as a tfjs stack trace.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fail, type Location } from '../support/diagnostics.ts';
import { writeFolderAtomically, type OutputOptions } from '../io/atomic.ts';

/** One layer entry of the Keras topology, as stored in model.json. */
export interface RawLayer {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
}

/** model.json read and checked: the tfjs artifacts plus the raw JSON (for edgec's own fields). */
export interface ModelFiles {
  artifacts: tf.io.ModelArtifacts;
  json: Record<string, unknown>;
  layers: RawLayer[];
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype?: string };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail('E-TFJS-READ', 'import', `cannot read the model: ${(e as Error).message}`, { file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail('E-TFJS-JSON', 'import', `model.json is not valid JSON (${(e as Error).message.split('\n')[0]})`, { file: path });
  }
  if (!isObject(json)) fail('E-TFJS-JSON', 'import', 'model.json must hold a JSON object', { file: path });
  return json;
}

/** Checks the Keras topology's required fields; returns its layers. */
function checkTopology(json: Record<string, unknown>, file: string): RawLayer[] {
  const at = (field: string, layer?: string): Location => ({ file, field, ...(layer ? { layer } : {}) });
  if (json.format === 'graph-model') fail('E-TFJS-FORMAT', 'import', 'this is a tfjs graph model (converted from a SavedModel); edgec reads Keras layers models (format "layers-model")', at('format'));
  const topology = json.modelTopology;
  if (!isObject(topology)) fail('E-TFJS-FIELD', 'import', 'the Keras model topology is missing (is this a tfjs layers model.json?)', at('modelTopology'));
  // tfjs saves the model config directly; the Python converter wraps it in model_config.
  const wrapped = isObject(topology.model_config);
  const prefix = wrapped ? 'modelTopology.model_config' : 'modelTopology';
  const model = (wrapped ? topology.model_config : topology) as Record<string, unknown>;
  if (typeof model.class_name !== 'string') fail('E-TFJS-FIELD', 'import', 'the model class name is missing', at(`${prefix}.class_name`));
  const config = model.config;
  const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  const layersField = Array.isArray(config) ? `${prefix}.config` : `${prefix}.config.layers`;
  if (!Array.isArray(layers)) fail('E-TFJS-FIELD', 'import', 'the list of layers is missing', at(layersField));
  const functional = model.class_name !== 'Sequential';
  if (functional) {
    for (const f of ['input_layers', 'output_layers']) {
      if (!Array.isArray((config as Record<string, unknown>)[f])) fail('E-TFJS-FIELD', 'import', `a functional model needs '${f}'`, at(`${prefix}.config.${f}`));
    }
  }
  layers.forEach((l: unknown, i: number) => {
    const field = `${layersField}[${i}]`;
    if (!isObject(l)) fail('E-TFJS-FIELD', 'import', `layer ${i} is not an object`, at(field));
    const name = typeof l.name === 'string' ? l.name : isObject(l.config) && typeof l.config.name === 'string' ? l.config.name : undefined;
    const what = `layer ${i}${name ? ` '${name}'` : ''}`;
    if (typeof l.class_name !== 'string') fail('E-TFJS-FIELD', 'import', `${what} has no class_name`, at(`${field}.class_name`, name));
    if (!isObject(l.config)) fail('E-TFJS-FIELD', 'import', `${what} (${l.class_name}) has no config`, at(`${field}.config`, name));
    if (functional && !Array.isArray(l.inbound_nodes)) fail('E-TFJS-FIELD', 'import', `${what} (${l.class_name}) has no inbound_nodes`, at(`${field}.inbound_nodes`, name));
  });
  return layers as RawLayer[];
}

function entryBytes(w: ManifestEntry, field: string, file: string): number {
  const q = w.quantization?.dtype;
  const bytes = q !== undefined ? QUANTIZED_BYTES[q] : DTYPE_BYTES[w.dtype];
  if (bytes === undefined) fail('E-TFJS-WEIGHTS', 'import', `weight '${w.name}' has dtype '${q ?? w.dtype}', which edgec cannot read`, { file, field });
  return w.shape.reduce((a, b) => a * b, 1) * bytes;
}

/** Reads the shards of each manifest group; a size that differs from the manifest's is an error. */
function readWeights(json: Record<string, unknown>, file: string): { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer } {
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) fail('E-TFJS-FIELD', 'import', 'the weights manifest is missing', { file, field: 'weightsManifest' });
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  manifest.forEach((group: unknown, gi: number) => {
    const field = `weightsManifest[${gi}]`;
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) fail('E-TFJS-FIELD', 'import', 'each weights group needs paths and weights', { file, field });
    const paths = (group.paths as unknown[]).map((p, pi) =>
      typeof p === 'string' ? join(dirname(file), p) : fail('E-TFJS-FIELD', 'import', 'a shard path is not a string', { file, field: `${field}.paths[${pi}]` }),
    );
    let expected = 0;
    (group.weights as unknown[]).forEach((w, wi) => {
      const wf = `${field}.weights[${wi}]`;
      const ok = isObject(w) && typeof w.name === 'string' && typeof w.dtype === 'string' && Array.isArray(w.shape) && w.shape.every((d) => Number.isInteger(d) && d >= 0);
      if (!ok) fail('E-TFJS-FIELD', 'import', 'a weight entry needs a name, a dtype and a shape of non-negative integers', { file, field: wf });
      expected += entryBytes(w as unknown as ManifestEntry, wf, file);
      specs.push(w as unknown as tf.io.WeightsManifestEntry);
    });
    const shard = Buffer.concat(
      paths.map((path) => {
        try {
          return readFileSync(path);
        } catch (e) {
          fail('E-TFJS-WEIGHTS', 'import', `cannot read a weights file listed in ${field}.paths: ${(e as Error).message}`, { file: path });
        }
      }),
    );
    if (shard.length !== expected) {
      const what = shard.length < expected ? 'truncated' : 'corrupt (too long)';
      fail('E-TFJS-WEIGHTS', 'import', `the weights file is ${what}: the manifest (${field}) describes ${expected} bytes but the file has ${shard.length}`, {
        file: paths.join(', '),
        field: `${field}.paths`,
      });
    }
    buffers.push(shard);
  });
  const all = Buffer.concat(buffers);
  return { specs, data: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer };
}

/** Reads and checks model.json and its weight shards. */
export function readModelFiles(modelJsonPath: string): ModelFiles {
  const json = readJson(modelJsonPath);
  const layers = checkTopology(json, modelJsonPath);
  const { specs, data } = readWeights(json, modelJsonPath);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs,
    weightData: data,
    format: json.format as string | undefined,
    generatedBy: json.generatedBy as string | undefined,
    convertedBy: json.convertedBy as string | null | undefined,
  };
  return { artifacts, json, layers };
}

export function readModelArtifacts(modelJsonPath: string): tf.io.ModelArtifacts {
  return readModelFiles(modelJsonPath).artifacts;
}

/** A tfjs IOHandler that loads model.json (+ shards) from disk: `tf.loadLayersModel(fileLoadHandler(p))`. */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return { load: async () => readModelArtifacts(modelJsonPath) };
}

/** What model.json says about a folder edgec saved: the files it wrote there. */
const SAVED_FORMAT = 'edgec-tfjs-save/1';

/** Whether `dir` is an earlier save (model.json marked by edgec, and only the files that save wrote). */
export function isSavedModelFolder(dir: string): boolean {
  try {
    const saved = (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { edgecSaved?: { format?: unknown; files?: unknown } }).edgecSaved;
    if (saved?.format !== SAVED_FORMAT || !Array.isArray(saved.files)) return false;
    const files = saved.files as unknown[];
    return readdirSync(dir).every((f) => files.includes(f));
  } catch {
    return false;
  }
}

export interface SaveOptions {
  /** Fields added at the top level of model.json (edgec reads `edgecName` and `edgecLabels`). */
  extra?: Record<string, unknown>;
  /** Files written beside model.json in the same atomic write (e.g. calibration.f32). */
  files?: Record<string, Uint8Array>;
  /** Replace a folder edgec did not save (never a protected one; see src/io/output-checks.ts). */
  force?: boolean;
}

/**
 * A tfjs IOHandler that saves into folder `dir` as model.json + weights.bin: `model.save(fileSaveHandler(dir))`.
 * The folder is written under a temporary name and renamed into place, so it is never half-written;
 * it replaces only a missing or empty folder or an earlier save (unless `force`).
 */
export function fileSaveHandler(dir: string, o: SaveOptions = {}): tf.io.IOHandler {
  const files = o.files ?? {};
  const out: OutputOptions = { force: o.force, isOwnOutput: isSavedModelFolder };
  return {
    save: async (a: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      if (a.modelTopology instanceof ArrayBuffer) throw new Error('binary model topology cannot be saved as model.json');
      const data = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
      await writeFolderAtomically(
        dir,
        (tmp) => {
          writeFileSync(join(tmp, 'weights.bin'), new Uint8Array(data));
          for (const [name, bytes] of Object.entries(files)) writeFileSync(join(tmp, name), bytes);
          const json = {
            format: 'layers-model',
            generatedBy: a.generatedBy,
            convertedBy: null,
            modelTopology: a.modelTopology,
            weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
            ...o.extra,
            edgecSaved: { format: SAVED_FORMAT, files: ['model.json', 'weights.bin', ...Object.keys(files)].sort() },
          };
          writeFileSync(join(tmp, 'model.json'), `${JSON.stringify(json)}\n`);
        },
        out,
      );
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    },
  };
}

/** Saves a LayersModel as model.json + weights.bin (+ `files`) in `dir`, atomically (see fileSaveHandler). */
export async function saveModelToDir(model: tf.LayersModel, dir: string, extra: Record<string, unknown> = {}, opts: Omit<SaveOptions, 'extra'> = {}): Promise<void> {
  await model.save(fileSaveHandler(dir, { ...opts, extra }));
}
