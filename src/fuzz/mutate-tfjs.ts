/**
 * Deterministic mutants of a tfjs model folder (model.json + weights.bin) and its calibration
 * windows. Most mutations edit the parsed JSON (layer configs, names, the weights manifest) or the
 * float32 weights at a named entry, so the folder still loads and the mutant reaches tfjs, the
 * importer, the passes, quantization and codegen; some break the JSON text or the files themselves.
 *
 *   seed folder -> { json, weights, calibration } -> 1..3 mutations -> files of the case folder:
 *     model.json, weights.bin (unless removed), calib.f32
 */
import type { Rng } from './prng.ts';
import { describeNumber, describeString, HOSTILE_F32, HOSTILE_NAMES, TFJS_VALID_NAMES } from './hostile.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export interface TfjsSeed {
  json: Obj;
  weights: Uint8Array;
  /** Real windows of the seed model's input size (float32, back to back). */
  calibration: Float32Array;
  windowSize: number;
}

export interface TfjsMutant {
  /** File name -> bytes, written into the case folder; model.json is always present. */
  files: Map<string, Uint8Array>;
  description: string;
}

/** Calibration windows in a case: few, so a verified case stays quick. */
export const CALIBRATION_WINDOWS = 16;

interface State {
  json: Json;
  weights: Uint8Array | null;
  calibration: Float32Array | null;
  /** Set by a text-level mutation: model.json is written as these bytes instead. */
  text: Uint8Array | null;
}

type Mutation = (s: State, r: Rng) => string | null;

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function layersOf(s: State): Obj[] {
  const topo = isObj(s.json) ? s.json.modelTopology : undefined;
  const cfg = isObj(topo) ? topo.config : undefined;
  const layers = isObj(cfg) ? cfg.layers : undefined;
  return Array.isArray(layers) ? (layers.filter(isObj) as Obj[]) : [];
}

function manifestOf(s: State): Obj[] {
  const m = isObj(s.json) ? s.json.weightsManifest : undefined;
  const g = Array.isArray(m) && isObj(m[0]) ? m[0] : undefined;
  return g && Array.isArray(g.weights) ? (g.weights.filter(isObj) as Obj[]) : [];
}

const configOf = (l: Obj): Obj | null => (isObj(l.config) ? l.config : null);
const layerName = (l: Obj) => String(configOf(l)?.name ?? '?');

/** Values for each config field, by field name (any layer that has the field). */
const FIELD_VALUES: Record<string, readonly Json[]> = {
  filters: [0, -1, 1, 1_000_000, 2 ** 31, 1.5, '16', null],
  units: [0, -1, 1, 100_000, 2 ** 31, 2.5, '5', null],
  kernel_size: [[0], [-1], [1000], [5, 5], [], 0, null, [0, 5], [1, 0], [1, 1000], [1000, 5], [1, 5, 5]],
  strides: [[0], [-1], [1000], [2, 2], [1, 0], [0, 1], [1, 1000], null, []],
  pool_size: [[1, 0], [0, 2], [1, -2], [1, 1000], [1000, 1000], [2], null],
  dilation_rate: [[0], [1000], [2], [1, 0], [1, 64], [3, 3], null],
  depth_multiplier: [0, -1, 2, 1000, 1.5, null],
  padding: ['causal', 'bogus', 'full', null, 7],
  activation: ['swish', '', null, 42, 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'linear', 'softplus', 'hard_sigmoid', 'softmax', 'gelu', 'mish'],
  use_bias: [false, true, 'yes'],
  target_shape: [[64, 16], [1, 65, 16], [1, -1, 16], [0, 64, 16], [1, 64, 16, 1], [-1, -1, 16], 'x', [1, 1024, 1]],
  batch_input_shape: [[null, 0, 6], [null, -1, 6], [null, 128], [null, 128, 6, 1], [null, 100_000, 6], [null, 128, 0], null, [1, 128, 6], [null, 3, 6], [null, 1, 1], [null, 128.5, 6]],
  data_format: ['channels_first', 'bogus'],
  keepdims: [true],
  dtype: ['int32', 'float16', 'string', 'bool'],
};

function setConfigField(s: State, r: Rng): string | null {
  const layers = layersOf(s).filter((l) => configOf(l) && Object.keys(FIELD_VALUES).some((f) => f in configOf(l)!));
  if (layers.length === 0) return null;
  const l = r.pick(layers);
  const c = configOf(l)!;
  const fields = Object.keys(FIELD_VALUES).filter((f) => f in c || (f === 'keepdims' && String(l.class_name).startsWith('Global')));
  const f = r.pick(fields);
  const v = r.pick(FIELD_VALUES[f]!);
  const old = JSON.stringify(c[f] ?? null);
  c[f] = v;
  return `layer '${layerName(l)}' (${String(l.class_name)}) ${f} ${old} -> ${JSON.stringify(v)}`;
}

const configStructure: Mutation = (s, r) => {
  const layers = layersOf(s);
  if (layers.length === 0) return null;
  const l = r.pick(layers);
  const kind = r.pick(['class', 'class', 'no-config', 'config-null', 'drop-key', 'extra-key']);
  const name = layerName(l);
  switch (kind) {
    case 'class': {
      const v = r.pick(['Lambda', 'LSTM', 'Conv3D', '', 42, null, 'Dense', 'Conv1D', 'Flatten', 'Dropout', 'BatchNormalization', 'InputLayer', 'Activation', 'DepthwiseConv2D']);
      const old = l.class_name;
      l.class_name = v;
      return `layer '${name}' class ${String(old)} -> ${JSON.stringify(v)}`;
    }
    case 'no-config':
      delete l.config;
      return `layer '${name}' config removed`;
    case 'config-null':
      l.config = r.pick([null, [], 'config']);
      return `layer '${name}' config -> ${JSON.stringify(l.config)}`;
    case 'drop-key': {
      const c = configOf(l);
      if (!c) return null;
      const keys = Object.keys(c).filter((k) => !k.endsWith('initializer') && !k.endsWith('regularizer') && !k.endsWith('constraint'));
      if (keys.length === 0) return null;
      const k = r.pick(keys);
      delete c[k];
      return `layer '${name}' config key ${k} removed`;
    }
    default: {
      const c = configOf(l);
      if (!c) return null;
      c.__proto__fuzz = { nested: [1, 2, 3] };
      c.groups = r.pick([2, 0, -1]);
      return `layer '${name}' config gains groups ${String(c.groups)} and an unknown key`;
    }
  }
};

const layerList: Mutation = (s, r) => {
  const topo = isObj(s.json) ? s.json.modelTopology : undefined;
  const cfg = isObj(topo) ? topo.config : undefined;
  if (!isObj(cfg) || !Array.isArray(cfg.layers)) return null;
  const layers = cfg.layers;
  const kind = r.pick(['remove', 'duplicate', 'swap', 'empty', 'null', 'class-name']);
  if (kind === 'remove' && layers.length > 1) {
    const i = r.int(layers.length);
    const [gone] = layers.splice(i, 1);
    return `layer ${i} ('${isObj(gone) ? layerName(gone) : '?'}') removed`;
  }
  if (kind === 'duplicate') {
    const i = r.int(layers.length);
    layers.splice(i, 0, JSON.parse(JSON.stringify(layers[i])) as Json);
    return `layer ${i} duplicated (same name twice)`;
  }
  if (kind === 'swap' && layers.length > 2) {
    const i = 1 + r.int(layers.length - 2);
    [layers[i], layers[i + 1]] = [layers[i + 1]!, layers[i]!];
    return `layers ${i} and ${i + 1} swapped`;
  }
  if (kind === 'empty') {
    cfg.layers = [];
    return 'layer list emptied';
  }
  if (kind === 'null') {
    cfg.layers = null;
    return 'layer list -> null';
  }
  if (isObj(topo)) {
    topo.class_name = r.pick(['Model', 'Functional', 'Sequentialx', null]);
    return `model class_name -> ${JSON.stringify(topo.class_name)}`;
  }
  return null;
};

/** Renames a layer and (usually) its weights in the manifest, so the hostile name reaches codegen. */
const layerNameMutation: Mutation = (s, r) => {
  const layers = layersOf(s).filter((l) => configOf(l)?.name !== undefined);
  if (layers.length === 0) return null;
  const l = r.pick(layers);
  const old = layerName(l);
  const kind = r.pick(['hostile', 'hostile', 'valid', 'valid', 'valid', 'same-as-other', 'collide']);
  let name: string;
  if (kind === 'same-as-other') name = layerName(r.pick(layers.filter((x) => x !== l).concat([l])));
  else if (kind === 'collide') name = r.pick([`${old}.`, old.toUpperCase(), `${old}-`]);
  else if (kind === 'valid') name = r.pick(TFJS_VALID_NAMES);
  else name = r.pick(HOSTILE_NAMES);
  configOf(l)!.name = name;
  const consistent = r.chance(0.85);
  if (consistent) {
    for (const w of manifestOf(s)) if (typeof w.name === 'string' && w.name.startsWith(`${old}/`)) w.name = `${name}/${w.name.slice(old.length + 1)}`;
  }
  return `layer '${old}' renamed to ${describeString(name)}${consistent ? ' (weights renamed too)' : ' (weights not renamed)'}`;
};

const modelNames: Mutation = (s, r) => {
  if (!isObj(s.json)) return null;
  const kind = r.pick(['edgecName', 'edgecName', 'labels', 'labels', 'config-name']);
  if (kind === 'edgecName') {
    const v = r.chance(0.8) ? r.pick([...HOSTILE_NAMES, ...TFJS_VALID_NAMES]) : r.pick([42, null, ['a'], { x: 1 }] as Json[]);
    s.json.edgecName = v;
    return `edgecName -> ${typeof v === 'string' ? describeString(v) : JSON.stringify(v)}`;
  }
  if (kind === 'labels') {
    const v: Json = r.pick<Json>([
      HOSTILE_NAMES.slice(0, 5),
      HOSTILE_NAMES.slice(5, 10),
      [r.pick(HOSTILE_NAMES), 'b', 'c', 'd', 'e'],
      Array.from({ length: 10_000 }, (_, i) => `label${i}`),
      [1, 2, 3, 4, 5],
      [null, { a: 1 }, [2], true, 'x'],
      'walking',
      [],
    ]);
    s.json.edgecLabels = v;
    return `edgecLabels -> ${JSON.stringify(v).slice(0, 60)}${JSON.stringify(v).length > 60 ? '...' : ''}`;
  }
  const topo = s.json.modelTopology;
  const cfg = isObj(topo) ? topo.config : undefined;
  if (!isObj(cfg)) return null;
  cfg.name = r.pick(HOSTILE_NAMES);
  return `model config name -> ${describeString(String(cfg.name))}`;
};

const manifestEntry: Mutation = (s, r) => {
  const ws = manifestOf(s);
  if (ws.length === 0) return null;
  const w = r.pick(ws);
  const shape = Array.isArray(w.shape) ? (w.shape as number[]) : [];
  const kind = r.pick(['shape', 'shape', 'dtype', 'quantization', 'name', 'remove', 'duplicate']);
  const label = `weights manifest entry '${String(w.name)}'`;
  switch (kind) {
    case 'shape': {
      const next = r.pick<Json>([
        [...shape].reverse(),
        [...shape, 1],
        shape.slice(1),
        shape.map((d, i) => (i === 0 ? 0 : d)),
        shape.map((d, i) => (i === shape.length - 1 ? d + 1 : d)),
        shape.map((d, i) => (i === 0 ? -d : d)),
        shape.map((d) => d * 2),
        [shape.reduce((a, b) => a * b, 1)],
        [1e9],
        null,
        [1.5],
      ]);
      w.shape = next;
      return `${label} shape [${shape}] -> ${JSON.stringify(next)}`;
    }
    case 'dtype':
      w.dtype = r.pick(['int32', 'float64', 'string', 'complex64', 'bool', 'uint8', 'float16', null, 7]);
      return `${label} dtype -> ${JSON.stringify(w.dtype)}`;
    case 'quantization':
      w.quantization = r.pick<Json>([{ dtype: 'uint8', scale: 0.01, min: -1 }, { dtype: 'uint16', scale: 0, min: 0 }, { dtype: 'float16' }, { dtype: 'int4' }, { dtype: 'uint8' }]);
      return `${label} quantization -> ${JSON.stringify(w.quantization)}`;
    case 'name':
      w.name = r.pick(['nope/kernel', `${String(w.name)}_x`, '', r.pick(ws).name ?? 'x']);
      return `${label} renamed to ${JSON.stringify(w.name)}`;
    case 'remove':
      ws.splice(ws.indexOf(w), 1);
      manifestWeightsSet(s, ws);
      return `${label} removed from the manifest`;
    default:
      ws.splice(ws.indexOf(w), 0, JSON.parse(JSON.stringify(w)) as Obj);
      manifestWeightsSet(s, ws);
      return `${label} listed twice`;
  }
};

function manifestWeightsSet(s: State, ws: Obj[]): void {
  const m = isObj(s.json) ? s.json.weightsManifest : undefined;
  if (Array.isArray(m) && isObj(m[0])) m[0].weights = ws;
}

const manifestPaths: Mutation = (s, r) => {
  const m = isObj(s.json) ? s.json.weightsManifest : undefined;
  const kind = r.pick(['paths', 'paths', 'group', 'manifest']);
  if (kind === 'manifest' && isObj(s.json)) {
    s.json.weightsManifest = r.pick<Json>([null, [], {}, 'weights.bin', [{}]]);
    return `weightsManifest -> ${JSON.stringify(s.json.weightsManifest)}`;
  }
  if (!Array.isArray(m) || !isObj(m[0])) return null;
  if (kind === 'group') {
    m.push(JSON.parse(JSON.stringify(m[0])) as Json);
    return 'weights manifest group listed twice (same shard, same names)';
  }
  const v = r.pick<Json>([[], ['nope.bin'], ['weights.bin', 'weights.bin'], ['../../../../package.json'], ['.'], [42], [null], ['/dev/null'], ['weights.bin\u0000.txt'], 'weights.bin']);
  m[0].paths = v;
  return `weights manifest paths -> ${JSON.stringify(v)}`;
};

/** Float32 offsets of each manifest entry in weights.bin (seed layout: float32, in order). */
function entryOffsets(s: State): { name: string; start: number; count: number }[] {
  let at = 0;
  return manifestOf(s).flatMap((w) => {
    const shape = Array.isArray(w.shape) ? (w.shape as Json[]) : [];
    if (!shape.every((d) => typeof d === 'number')) return [];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const e = { name: String(w.name), start: at, count };
    at += count;
    return [e];
  });
}

const weightValues: Mutation = (s, r) => {
  if (!s.weights) return null;
  const entries = entryOffsets(s).filter((e) => e.count > 0 && (e.start + e.count) * 4 <= s.weights!.length);
  if (entries.length === 0) return null;
  const e = r.pick(entries);
  const f = new DataView(s.weights.buffer, s.weights.byteOffset, s.weights.byteLength);
  const v = r.pick([...HOSTILE_F32, 3.4e38, -3.4e38, 1e20, 65504]);
  const kind = r.pick(['one', 'one', 'all']);
  if (kind === 'one') {
    const i = r.int(e.count);
    f.setFloat32(4 * (e.start + i), v, true);
    return `weight '${e.name}'[${i}] -> ${describeNumber(v)}`;
  }
  for (let i = 0; i < e.count; i++) f.setFloat32(4 * (e.start + i), v, true);
  return `weight '${e.name}': all ${e.count} values -> ${describeNumber(v)}`;
};

/** A weight tensor, or one slice of it, scaled by a factor: valid, but with extreme per-channel ranges. */
const weightScale: Mutation = (s, r) => {
  if (!s.weights) return null;
  const entries = entryOffsets(s).filter((e) => e.count > 1 && (e.start + e.count) * 4 <= s.weights!.length);
  if (entries.length === 0) return null;
  const e = r.pick(entries);
  const f = new DataView(s.weights.buffer, s.weights.byteOffset, s.weights.byteLength);
  const factor = r.pick([1e-6, 1e-3, 1e3, 1e6, -1]);
  const stride = r.pick([1, 2, 5]);
  const offset = r.int(stride);
  for (let i = offset; i < e.count; i += stride) f.setFloat32(4 * (e.start + i), f.getFloat32(4 * (e.start + i), true) * factor, true);
  return `weight '${e.name}': every ${stride === 1 ? '' : `${stride}th (from ${offset}) `}value times ${factor}`;
};

const weightsFile: Mutation = (s, r) => {
  if (!s.weights) return null;
  const kind = r.pick(['missing', 'short', 'short', 'long', 'empty']);
  const n = s.weights.length;
  if (kind === 'missing') {
    s.weights = null;
    return 'weights.bin missing';
  }
  if (kind === 'short') {
    const keep = r.pick([n - 1, n - 4, Math.floor(n / 2), 4]);
    s.weights = s.weights.slice(0, keep);
    return `weights.bin truncated to ${keep} of ${n} bytes`;
  }
  if (kind === 'long') {
    const extra = r.pick([1, 4, 1000]);
    const next = new Uint8Array(n + extra);
    next.set(s.weights);
    s.weights = next;
    return `weights.bin ${extra} byte(s) longer`;
  }
  s.weights = new Uint8Array(0);
  return 'weights.bin empty';
};

const jsonText: Mutation = (s, r) => {
  const text = new TextEncoder().encode(JSON.stringify(s.json));
  const kind = r.pick(['truncate', 'delete', 'insert', 'replace', 'nested', 'bad-utf8', 'bom']);
  const at = r.int(text.length);
  switch (kind) {
    case 'truncate':
      s.text = text.slice(0, at);
      return `model.json truncated to ${at} of ${text.length} bytes`;
    case 'delete':
      s.text = new Uint8Array([...text.slice(0, at), ...text.slice(at + 1)]);
      return `model.json byte ${at} deleted`;
    case 'insert': {
      const c = r.pick(['{', ']', ',', '"', '\\', '\u0000']);
      s.text = new Uint8Array([...text.slice(0, at), ...new TextEncoder().encode(c), ...text.slice(at)]);
      return `model.json ${JSON.stringify(c)} inserted at byte ${at}`;
    }
    case 'replace': {
      const v = r.pick(['', 'null', '[]', '{}', '"model"', '1e999', '{"modelTopology": 1}', '{"format": "graph-model"}']);
      s.text = new TextEncoder().encode(v);
      return `model.json -> ${JSON.stringify(v)}`;
    }
    case 'nested': {
      const depth = r.pick([1000, 100_000]);
      s.text = new TextEncoder().encode(`{"modelTopology": ${'['.repeat(depth)}${']'.repeat(depth)}}`);
      return `model.json -> modelTopology nested ${depth} arrays deep`;
    }
    case 'bad-utf8':
      s.text = new Uint8Array([...text.slice(0, at), 0xff, 0xfe, 0xc0, ...text.slice(at)]);
      return `model.json: invalid UTF-8 bytes inserted at ${at}`;
    default:
      s.text = new Uint8Array([0xef, 0xbb, 0xbf, ...text]);
      return 'model.json starts with a UTF-8 byte order mark';
  }
};

const calibration: Mutation = (s, r) => {
  if (!s.calibration) return null;
  const kind = r.pick(['value', 'all', 'empty', 'short', 'one-window', 'constant', 'scale']);
  const c = s.calibration;
  switch (kind) {
    case 'value': {
      const v = r.pick([NaN, Infinity, -Infinity, 1e30, -1e30, 3.4e38]);
      const i = r.int(c.length);
      c[i] = v;
      return `calibration value ${i} -> ${describeNumber(v)}`;
    }
    case 'all': {
      const v = r.pick([NaN, Infinity, 1e30, 0]);
      c.fill(v);
      return `every calibration value -> ${describeNumber(v)}`;
    }
    case 'empty':
      s.calibration = new Float32Array(0);
      return 'calibration file empty (no windows)';
    case 'short':
      s.calibration = c.slice(0, c.length - 1);
      return 'calibration file one float short of whole windows';
    case 'one-window':
      s.calibration = c.slice(0, c.length / CALIBRATION_WINDOWS);
      return 'calibration: one window only';
    case 'constant':
      c.fill(0.25);
      return 'calibration: every window the same constant (zero range)';
    default: {
      const factor = r.pick([1e-6, 1e-3, 1e3, 1e6]);
      for (let i = 0; i < c.length; i++) c[i] = c[i]! * factor;
      return `calibration: every value times ${factor}`;
    }
  }
};

const MUTATIONS: readonly (readonly [number, string, Mutation])[] = [
  [16, 'config-field', setConfigField],
  [6, 'config-structure', configStructure],
  [4, 'layer-list', layerList],
  [10, 'layer-name', layerNameMutation],
  [7, 'model-names', modelNames],
  [8, 'manifest-entry', manifestEntry],
  [4, 'manifest-paths', manifestPaths],
  [10, 'weight-values', weightValues],
  [5, 'weight-scale', weightScale],
  [5, 'weights-file', weightsFile],
  [5, 'json-text', jsonText],
  [6, 'calibration', calibration],
];

/** The model's input size from (possibly mutated) batch_input_shape, or null when unusable. */
function inputSize(s: State): number | null {
  const first = layersOf(s)[0];
  const shape = first ? configOf(first)?.batch_input_shape : undefined;
  if (!Array.isArray(shape) || shape.length < 2) return null;
  const dims = shape.slice(1);
  if (!dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) return null;
  const n = (dims as number[]).reduce((a, b) => a * b, 1);
  return n <= 1 << 20 ? n : null;
}

/** Calibration windows of `size` values: the seed's real windows when the size matches, else seeded noise. */
function windowsOfSize(seed: TfjsSeed, size: number, r: Rng): Float32Array {
  if (size === seed.windowSize) return seed.calibration.slice(0, CALIBRATION_WINDOWS * size);
  return Float32Array.from({ length: CALIBRATION_WINDOWS * size }, () => (r.float() + r.float() + r.float() - 1.5) * 2);
}

export function mutateTfjs(seed: TfjsSeed, r: Rng): TfjsMutant {
  const s: State = { json: JSON.parse(JSON.stringify(seed.json)) as Json, weights: seed.weights.slice(), calibration: null, text: null };
  const count = r.weighted([
    [75, 1],
    [20, 2],
    [5, 3],
  ] as const);
  const done: string[] = [];
  let calibrationWanted = false;
  for (let attempt = 0; done.length < count && attempt < 50; attempt++) {
    const [, name, fn] = r.weighted(MUTATIONS.map((e) => [e[0], e] as const));
    if (name === 'calibration') {
      calibrationWanted = true; // applied once the input size is known
      done.push('calibration');
      continue;
    }
    if (s.text && name !== 'weights-file') continue; // the JSON is already text
    const d = fn(s, r);
    if (d) done.push(`${name}: ${d}`);
  }
  const size = inputSize(s) ?? seed.windowSize;
  s.calibration = windowsOfSize(seed, size, r);
  if (calibrationWanted) {
    const d = calibration(s, r);
    done[done.indexOf('calibration')] = `calibration: ${d}`;
  }
  const files = new Map<string, Uint8Array>();
  files.set('model.json', s.text ?? new TextEncoder().encode(JSON.stringify(s.json)));
  if (s.weights) files.set('weights.bin', s.weights);
  const c = s.calibration!;
  files.set('calib.f32', new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  return { files, description: done.join('; ') };
}
