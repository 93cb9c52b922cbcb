/**
 * Fuzz cases: an id names everything needed to regenerate a case's files, byte for byte.
 *
 *   id = "<seed model>@<seed>.<index>"      e.g. "hello_world_int8@1.42", "har@7.3"
 *   seed model "har"  -> examples/har/model (model.json + weights.bin + calibration windows)
 *   any other name    -> test/models/<name>.tflite
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../support/paths.ts';
import { CALIBRATION_WINDOWS, mutateTfjs, type TfjsSeed } from './mutate-tfjs.ts';
import { mutateTflite } from './mutate-tflite.ts';
import { Rng } from './prng.ts';
import { mapTflite, type TfliteMap } from './tflite-map.ts';

export const TFJS_SEED = 'har';

/**
 * The default schedule: the HAR model.json every fourth case, and .tflite models that compile and
 * verify in a few seconds (dtln, kws_ref and resnet8 take much longer per verified mutant).
 */
export const DEFAULT_MODELS: readonly string[] = [
  TFJS_SEED,
  'hello_world_int8',
  'network_tester_model',
  'ad01_int8',
  TFJS_SEED,
  'keyword_scrambled_8bit',
  'micro_speech_quantized',
  'magic_wand_strokes_int8',
  TFJS_SEED,
  'classify_heartbeats_cnn_quantized',
  'simple_add_model',
  'mnist_lstm_int8',
];

export interface FuzzCase {
  id: string;
  seedModel: string;
  kind: 'tflite' | 'tfjs';
  description: string;
  /** Files of the case folder, by name. */
  files: Map<string, Uint8Array>;
  /** The model file and the calibration file (tfjs only), relative to the case folder. */
  model: string;
  calib?: string;
}

export function caseId(seedModel: string, seed: number, index: number): string {
  return `${seedModel}@${seed}.${index}`;
}

export function parseCaseId(id: string): { seedModel: string; seed: number; index: number } {
  const m = /^([A-Za-z0-9_.-]+)@(-?\d+)\.(\d+)$/.exec(id);
  if (!m) throw new Error(`not a fuzz case id: '${id}' (expected <model>@<seed>.<index>, e.g. hello_world_int8@1.42)`);
  return { seedModel: m[1]!, seed: Number(m[2]), index: Number(m[3]) };
}

/** A filesystem-safe name for a case folder. */
export function caseDirName(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_');
}

const tfliteMaps = new Map<string, TfliteMap>();
let tfjsSeed: TfjsSeed | null = null;

export function tfliteSeedPath(name: string): string {
  return join(PACKAGE_ROOT, 'test', 'models', `${name}.tflite`);
}

function tfliteMap(name: string): TfliteMap {
  let m = tfliteMaps.get(name);
  if (!m) {
    const bytes = new Uint8Array(readFileSync(tfliteSeedPath(name)));
    m = mapTflite(bytes, `${name}.tflite`);
    tfliteMaps.set(name, m);
  }
  return m;
}

export function loadTfjsSeed(): TfjsSeed {
  if (!tfjsSeed) {
    const dir = join(PACKAGE_ROOT, 'examples', 'har', 'model');
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as TfjsSeed['json'];
    const weights = new Uint8Array(readFileSync(join(dir, 'weights.bin')));
    const raw = readFileSync(join(dir, 'calibration.f32'));
    const calibration = new Float32Array(new Uint8Array(raw).buffer);
    const topo = json.modelTopology as { config: { layers: { config: { batch_input_shape?: (number | null)[] } }[] } };
    const shape = topo.config.layers[0]!.config.batch_input_shape!;
    const windowSize = shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
    tfjsSeed = { json, weights, calibration, windowSize };
  }
  return tfjsSeed;
}

/** The unmutated seed as a case (the same files a mutant of it has, without mutations). */
export function seedCase(seedModel: string): FuzzCase {
  if (seedModel === TFJS_SEED) {
    const s = loadTfjsSeed();
    const calib = s.calibration.slice(0, CALIBRATION_WINDOWS * s.windowSize);
    const files = new Map<string, Uint8Array>([
      ['model.json', new TextEncoder().encode(JSON.stringify(s.json))],
      ['weights.bin', s.weights],
      ['calib.f32', new Uint8Array(calib.buffer)],
    ]);
    return { id: `${seedModel}@seed`, seedModel, kind: 'tfjs', description: 'unmutated', files, model: 'model.json', calib: 'calib.f32' };
  }
  const model = `${seedModel}.tflite`;
  return { id: `${seedModel}@seed`, seedModel, kind: 'tflite', description: 'unmutated', files: new Map([[model, tfliteMap(seedModel).bytes]]), model };
}

/** Regenerates the case named by `id`. */
export function makeCase(id: string): FuzzCase {
  const { seedModel } = parseCaseId(id);
  const r = new Rng(id);
  if (seedModel === TFJS_SEED) {
    const m = mutateTfjs(loadTfjsSeed(), r);
    return { id, seedModel, kind: 'tfjs', description: m.description, files: m.files, model: 'model.json', calib: 'calib.f32' };
  }
  const m = mutateTflite(tfliteMap(seedModel), r);
  const model = `${seedModel}.tflite`;
  return { id, seedModel, kind: 'tflite', description: m.description, files: new Map([[model, m.bytes]]), model };
}
