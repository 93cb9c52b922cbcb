/**
 * Deterministic mutants of a .tflite seed model. Most mutations are structure-aware: they find a real
 * field with the project's reader (tflite-map.ts) and overwrite it in place, or append a new value
 * and redirect the field to it (patch.ts), so many mutants get past the parser and reach the
 * importer, validator, planner, codegen and the C. Some are plain byte-level noise.
 *
 *   mutateTflite(seed, rng) -> 1..4 mutations (a truncation always last) -> { bytes, description }
 *
 * Every mutation returns a one-line description naming the field and the value written, or null
 * when it does not apply to this seed (then another one is drawn).
 */
import type { Rng } from './prng.ts';
import { describeNumber, describeString, HOSTILE_F32, HOSTILE_NAMES, HOSTILE_ZERO_POINTS } from './hostile.ts';
import { appendGarbage, byteFlips, header, modelVersion, randomBytes, randomWord, soffset, uoffset, vectorLength, vtable, type Mutation } from './mutate-bytes.ts';
import { enc, Patch } from './patch.ts';
import type { OperatorRef, TensorRef, TfliteMap, VectorRef } from './tflite-map.ts';

/** TFLite TensorType codes worth trying (int8 is 9). */
const TYPE_CODES = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 15, 16, 17, 18, 127, 255];
const TYPE_NAMES: Record<number, string> = {
  0: 'float32',
  1: 'float16',
  2: 'int32',
  3: 'uint8',
  4: 'int64',
  5: 'string',
  6: 'bool',
  7: 'int16',
  9: 'int8',
  10: 'float64',
  15: 'uint32',
  16: 'uint16',
  17: 'int4',
};
/** Builtin operator codes: supported ones, and a few the importer does not know. */
const BUILTIN_CODES = [0, 1, 2, 3, 4, 6, 9, 14, 17, 18, 22, 25, 27, 28, 34, 39, 40, 43, 44, 45, 70, 114, 5, 32, 53, 97, 127, 150, 200, 255];
const FUSED_CODES = [0, 1, 2, 3, 4, 5, 6, 127, 255];

/** The options each builtin operator's table holds (TFLite schema field order). */
type OptionKind = 'i32' | 'u8' | 'f32';
interface OptionField {
  index: number;
  name: string;
  kind: OptionKind;
  values: readonly number[];
}
const STRIDES = [0, -1, 2, 3, 7, 1 << 16, 0x7fffffff, -0x80000000];
const SIZES = [0, -1, 1, 2, 64, 1000, 1 << 16, 0x7fffffff];
const PADDING = { index: 0, name: 'padding', kind: 'u8', values: [0, 1, 2, 255] } as const;
const fusedAt = (index: number): OptionField => ({ index, name: 'fused_activation_function', kind: 'u8', values: FUSED_CODES });
const boolAt = (index: number, name: string): OptionField => ({ index, name, kind: 'u8', values: [0, 1, 2, 255] });
const i32At = (index: number, name: string, values: readonly number[]): OptionField => ({ index, name, kind: 'i32', values });
const f32At = (index: number, name: string, valid: readonly number[] = []): OptionField => ({ index, name, kind: 'f32', values: [...HOSTILE_F32, ...valid, ...valid] });
const POOL: OptionField[] = [PADDING, i32At(1, 'stride_w', STRIDES), i32At(2, 'stride_h', STRIDES), i32At(3, 'filter_width', SIZES), i32At(4, 'filter_height', SIZES), fusedAt(5)];
const OPTIONS: Record<string, OptionField[]> = {
  CONV_2D: [PADDING, i32At(1, 'stride_w', STRIDES), i32At(2, 'stride_h', STRIDES), fusedAt(3), i32At(4, 'dilation_w_factor', STRIDES), i32At(5, 'dilation_h_factor', STRIDES)],
  DEPTHWISE_CONV_2D: [
    PADDING,
    i32At(1, 'stride_w', STRIDES),
    i32At(2, 'stride_h', STRIDES),
    i32At(3, 'depth_multiplier', SIZES),
    fusedAt(4),
    i32At(5, 'dilation_w_factor', STRIDES),
    i32At(6, 'dilation_h_factor', STRIDES),
  ],
  AVERAGE_POOL_2D: POOL,
  MAX_POOL_2D: POOL,
  FULLY_CONNECTED: [fusedAt(0), boolAt(1, 'weights_format'), boolAt(2, 'keep_num_dims'), boolAt(3, 'asymmetric_quantize_inputs')],
  SOFTMAX: [f32At(0, 'beta', [0.5, 2, 1e-3, 100])],
  ADD: [fusedAt(0), boolAt(1, 'pot_scale_int16')],
  CONCATENATION: [i32At(0, 'axis', [-5, -1, 0, 1, 2, 3, 4, 100]), fusedAt(1)],
  SVDF: [i32At(0, 'rank', SIZES), fusedAt(1), boolAt(2, 'asymmetric_quantize_inputs')],
  UNIDIRECTIONAL_SEQUENCE_LSTM: [fusedAt(0), f32At(1, 'cell_clip', [0.25, 1, 8, 1000]), f32At(2, 'proj_clip'), boolAt(3, 'time_major'), boolAt(4, 'asymmetric_quantize_inputs')],
  STRIDED_SLICE: [
    i32At(0, 'begin_mask', [0, 1, 15, -1]),
    i32At(1, 'end_mask', [0, 1, 15, -1]),
    i32At(2, 'ellipsis_mask', [0, 1]),
    i32At(3, 'new_axis_mask', [0, 1]),
    i32At(4, 'shrink_axis_mask', [0, 1, 15, -1]),
    boolAt(5, 'offset'),
  ],
  MEAN: [boolAt(0, 'keep_dims')],
  RESHAPE: [],
};

function encodeOption(kind: OptionKind, v: number): Uint8Array {
  return kind === 'u8' ? enc.u8(v) : kind === 'f32' ? enc.f32(v) : enc.i32(v);
}

const int32 = (p: Patch, v: VectorRef, i: number) => p.readI32(v.start + 4 * i);

function pickTensor(m: TfliteMap, r: Rng, ok: (t: TensorRef) => boolean = () => true): TensorRef | null {
  const c = m.tensors.filter(ok);
  return c.length ? r.pick(c) : null;
}

function pickOp(m: TfliteMap, r: Rng, ok: (o: OperatorRef) => boolean = () => true): OperatorRef | null {
  const c = m.operators.filter(ok);
  return c.length ? r.pick(c) : null;
}

const tensorLabel = (t: TensorRef) => `tensor ${t.index}${t.name ? ` '${t.name.length > 40 ? `${t.name.slice(0, 40)}...` : t.name}'` : ''}`;
const opLabel = (o: OperatorRef) => `op ${o.index} ${o.op}`;
const isConst = (m: TfliteMap, t: TensorRef) => (m.buffers[t.buffer]?.data?.length ?? 0) > 0;

// ---- tensors ----------------------------------------------------------------------------------

const tensorShape: Mutation = (m, p, r) => {
  const t = pickTensor(m, r, (x) => x.shape !== null && x.shape.length > 0);
  if (!t) return null;
  const s = t.shape!;
  const dims = Array.from({ length: s.length }, (_, i) => int32(p, s, i));
  const kind = r.pick(['dim', 'dim', 'swap', 'extra', 'drop', 'empty', 'huge-all']);
  switch (kind) {
    case 'dim': {
      const i = r.int(dims.length);
      const v = r.pick([0, -1, -2, 2, 3, dims[i]! + 1, dims[i]! * 2, 1 << 16, 1 << 24, 0x7fffffff, -0x80000000]);
      p.i32(s.start + 4 * i, v);
      return `${tensorLabel(t)} shape[${i}] ${dims[i]} -> ${v}`;
    }
    case 'swap': {
      if (dims.length < 2) return null;
      const i = r.int(dims.length);
      const j = (i + 1 + r.int(dims.length - 1)) % dims.length;
      if (dims[i] === dims[j]) return null;
      p.i32(s.start + 4 * i, dims[j]!);
      p.i32(s.start + 4 * j, dims[i]!);
      return `${tensorLabel(t)} shape dims ${i} and ${j} swapped: [${dims}] -> [${dims.map((d, k) => (k === i ? dims[j] : k === j ? dims[i] : d))}]`;
    }
    case 'extra': {
      const extra = r.pick([1, 2, 0, -1]);
      const n = r.range(1, 3);
      const next = [...dims, ...Array.from({ length: n }, () => extra)];
      p.replaceVector(s.at, enc.i32s(next), next.length);
      return `${tensorLabel(t)} shape [${dims}] -> [${next}]`;
    }
    case 'drop': {
      if (dims.length < 2) return null;
      p.u32(s.lengthPos, dims.length - 1);
      return `${tensorLabel(t)} shape [${dims}] -> [${dims.slice(0, -1)}] (rank ${dims.length - 1})`;
    }
    case 'empty':
      p.u32(s.lengthPos, 0);
      return `${tensorLabel(t)} shape [${dims}] -> [] (scalar)`;
    default: {
      const v = r.pick([1 << 12, 1 << 16, 0x7fffffff]);
      dims.forEach((_, i) => p.i32(s.start + 4 * i, v));
      return `${tensorLabel(t)} shape [${dims}] -> every dim ${v}`;
    }
  }
};

const tensorType: Mutation = (m, p, r) => {
  const t = pickTensor(m, r);
  if (!t) return null;
  const v = r.pick(TYPE_CODES.filter((c) => c !== t.type));
  if (p.setField(t.t, 1, enc.u8(v)) < 0) return null;
  return `${tensorLabel(t)} type ${TYPE_NAMES[t.type] ?? t.type} -> ${TYPE_NAMES[v] ?? v}`;
};

const tensorBuffer: Mutation = (m, p, r) => {
  const t = pickTensor(m, r);
  if (!t) return null;
  const others = m.tensors.filter((x) => x.buffer !== t.buffer && isConst(m, x)).map((x) => x.buffer);
  const v = r.pick([0, m.buffers.length, m.buffers.length + 1, 0x7fffffff, 0xffffffff, ...(others.length ? [r.pick(others), r.pick(others)] : [])]);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  if (p.setField(t.t, 2, b) < 0) return null;
  return `${tensorLabel(t)} buffer ${t.buffer} -> ${v >>> 0} (${m.buffers.length} buffers${v < m.buffers.length ? `, ${m.buffers[v]?.data?.length ?? 0} data bytes` : ''})`;
};

function setString(p: Patch, at: number | null, s: string): void {
  const bytes = enc.utf8(s);
  const withNul = new Uint8Array(bytes.length + 1);
  withNul.set(bytes);
  if (at !== null) p.replaceVector(at, withNul, bytes.length);
}

const tensorName: Mutation = (m, p, r) => {
  const t = pickTensor(m, r);
  if (!t) return null;
  const kind = r.pick(['hostile', 'hostile', 'hostile', 'duplicate', 'collide', 'bad-utf8']);
  let value: string;
  let label: string;
  if (kind === 'duplicate') {
    const other = pickTensor(m, r, (x) => x.index !== t.index);
    if (!other) return null;
    value = other.name;
    label = `the name of tensor ${other.index}`;
  } else if (kind === 'collide') {
    value = t.name.replace(/[^A-Za-z0-9]/g, (c) => (c === '_' ? '.' : '_')) || 'x.y';
    label = `${describeString(value)} (same C identifier after sanitizing)`;
  } else if (kind === 'bad-utf8') {
    if (!t.nameRef) return null;
    const raw = new Uint8Array([0x61, 0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0x00]);
    p.replaceVector(t.nameRef.at, raw, raw.length - 1);
    return `${tensorLabel(t)} name -> invalid UTF-8 bytes 61 ff fe c0 80 ed a0 80`;
  } else {
    value = r.pick(HOSTILE_NAMES);
    label = describeString(value);
  }
  if (t.nameRef) setString(p, t.nameRef.at, value);
  else {
    // No name field: add one pointing to a new string (the u32 offset lives in the appended field data).
    const fieldPos = p.setField(t.t, 3, enc.i32(0));
    if (fieldPos < 0) return null;
    setString(p, fieldPos, value);
  }
  return `${tensorLabel(t)} name -> ${label}`;
};

const tensorVariable: Mutation = (m, p, r) => {
  const t = pickTensor(m, r);
  if (!t) return null;
  const v = t.t.table.bool(5) ? 0 : 1;
  if (p.setField(t.t, 5, enc.u8(v)) < 0) return null;
  return `${tensorLabel(t)} is_variable -> ${v === 1}`;
};

// ---- quantization -----------------------------------------------------------------------------

/** Scales set to a hostile value, or multiplied by a factor (valid, but with multipliers and shifts near their limits). */
const quantScale: Mutation = (m, p, r) => {
  const t = pickTensor(m, r, (x) => (x.scale?.length ?? 0) > 0);
  if (!t) return null;
  const s = t.scale!;
  const relative = r.chance(0.5);
  const v = relative ? r.pick([2 ** -24, 2 ** -12, 2 ** -6, 0.5000001, 0.9999999, 1.0000001, 2, 2 ** 6, 2 ** 12, 2 ** 24]) : r.pick(HOSTILE_F32);
  const all = s.length > 1 && r.chance(0.3);
  const i = r.int(s.length);
  const view = new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
  for (let k = 0; k < s.length; k++) if (all || k === i) p.f32(s.start + 4 * k, relative ? view.getFloat32(s.start + 4 * k, true) * v : v);
  return `${tensorLabel(t)} quantization scale${all ? ` (all ${s.length})` : `[${i}]`} ${relative ? `times ${describeNumber(v)}` : `-> ${describeNumber(v)}`}`;
};

const quantZeroPoint: Mutation = (m, p, r) => {
  const t = pickTensor(m, r, (x) => (x.zeroPoint?.length ?? 0) > 0);
  if (!t) return null;
  const z = t.zeroPoint!;
  const v = r.pick(HOSTILE_ZERO_POINTS);
  const i = r.int(z.length);
  p.i64(z.start + 8 * i, v);
  return `${tensorLabel(t)} (${TYPE_NAMES[t.type] ?? t.type}) zero_point[${i}] -> ${v}`;
};

const quantLength: Mutation = (m, p, r) => {
  const t = pickTensor(m, r, (x) => (x.scale?.length ?? 0) > 0);
  if (!t) return null;
  const s = t.scale!;
  const which = r.pick(['scale', 'zero_point']);
  const v = which === 'scale' ? s : t.zeroPoint;
  if (!v) return null;
  const n = r.pick([0, 1, v.length - 1, v.length + 1, v.length * 2, 3].filter((k) => k >= 0 && k !== v.length));
  if (n < v.length) p.u32(v.lengthPos, n);
  else if (which === 'scale') p.replaceVector(v.at, enc.f32s(Array.from({ length: n }, (_, k) => 0.01 * (k + 1))), n);
  else p.replaceVector(v.at, enc.i64s(Array.from({ length: n }, () => 0)), n, 8);
  return `${tensorLabel(t)} quantization ${which} vector length ${v.length} -> ${n}${t.shape ? ` (shape rank ${t.shape.length})` : ''}`;
};

const quantAxis: Mutation = (m, p, r) => {
  const t = pickTensor(m, r, (x) => x.quant !== null && (x.scale?.length ?? 0) > 0);
  if (!t) return null;
  const v = r.pick([-1, 1, 2, 3, 4, 7, 0x7fffffff, -0x80000000]);
  if (p.setField(t.quant!, 6, enc.i32(v)) < 0) return null;
  return `${tensorLabel(t)} quantized_dimension -> ${v} (${t.scale!.length} scales)`;
};

// ---- operators --------------------------------------------------------------------------------

const opIndex: Mutation = (m, p, r) => {
  const o = pickOp(m, r, (x) => (x.inputs?.length ?? 0) > 0 && (x.outputs?.length ?? 0) > 0);
  if (!o) return null;
  const out = r.chance(0.35);
  const v = (out ? o.outputs : o.inputs)!;
  const i = r.int(v.length);
  const old = int32(p, v, i);
  const later = m.operators.filter((x) => x.index > o.index && x.outputs && x.outputs.length > 0);
  const earlier = m.operators.filter((x) => x.index < o.index && x.outputs && x.outputs.length > 0);
  const graphIn = m.inputs && m.inputs.length > 0 ? int32(p, m.inputs, 0) : 0;
  const consts = m.tensors.filter((x) => isConst(m, x)).map((x) => x.index);
  const choices: [string, number][] = [
    ['-1 (absent)', -1],
    ['-2', -2],
    ['one past the last tensor', m.tensors.length],
    ['0x7fffffff', 0x7fffffff],
    ['-0x80000000', -0x80000000],
    ['a random tensor', r.int(m.tensors.length)],
  ];
  if (!out) {
    choices.push(['its own output (cycle)', int32(p, o.outputs!, 0)]);
    if (later.length) choices.push(['a later op output (reads before it is produced)', int32(p, r.pick(later).outputs!, 0)]);
    if (consts.length) choices.push(['a constant tensor', r.pick(consts)]);
  } else {
    choices.push(['the graph input', graphIn]);
    choices.push(['its own input (in-place)', int32(p, o.inputs!, 0)]);
    if (earlier.length) choices.push(['an earlier op output (two producers)', int32(p, r.pick(earlier).outputs!, 0)]);
    if (consts.length) choices.push(['a constant tensor (writes into weights)', r.pick(consts)]);
  }
  const [label, value] = r.pick(choices);
  p.i32(v.start + 4 * i, value);
  return `${opLabel(o)} ${out ? 'output' : 'input'}[${i}] ${old} -> ${value}: ${label}`;
};

const opIndexCount: Mutation = (m, p, r) => {
  const o = pickOp(m, r, (x) => x.inputs !== null && x.outputs !== null);
  if (!o) return null;
  const out = r.chance(0.3);
  const v = (out ? o.outputs : o.inputs)!;
  const values = Array.from({ length: v.length }, (_, i) => int32(p, v, i));
  const kind = r.pick(['fewer', 'more', 'none']);
  if (kind === 'fewer' && v.length > 1) {
    p.u32(v.lengthPos, v.length - 1);
    return `${opLabel(o)} ${out ? 'outputs' : 'inputs'} [${values}] -> [${values.slice(0, -1)}]`;
  }
  if (kind === 'none') {
    p.u32(v.lengthPos, 0);
    return `${opLabel(o)} ${out ? 'outputs' : 'inputs'} [${values}] -> []`;
  }
  const next = [...values, r.pick([values[0] ?? 0, -1, r.int(m.tensors.length)])];
  p.replaceVector(v.at, enc.i32s(next), next.length);
  return `${opLabel(o)} ${out ? 'outputs' : 'inputs'} [${values}] -> [${next}]`;
};

const opcodeIndex: Mutation = (m, p, r) => {
  const o = pickOp(m, r);
  if (!o) return null;
  const v = r.pick([m.opcodes.length, m.opcodes.length + 5, 0xffffffff, 0x80000000, ...m.opcodes.map((c) => c.index).filter((i) => i !== o.opcode)]);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  if (p.setField(o.t, 0, b) < 0) return null;
  const to = m.opcodes[v]?.op ?? `out of range (${m.opcodes.length} opcodes)`;
  return `${opLabel(o)} opcode_index ${o.opcode} -> ${v >>> 0}: ${to}`;
};

const builtinCode: Mutation = (m, p, r) => {
  if (m.opcodes.length === 0) return null;
  const c = r.pick(m.opcodes);
  const v = r.pick(BUILTIN_CODES);
  const deprecated = r.chance(0.5);
  if (deprecated) {
    if (p.setField(c.t, 0, enc.u8(v > 127 ? 127 : v)) < 0) return null;
    if (c.t.table.has(3)) p.setField(c.t, 3, enc.i32(v > 127 ? 127 : v));
  } else {
    if (p.setField(c.t, 3, enc.i32(v)) < 0) return null;
    p.setField(c.t, 0, enc.u8(v > 127 ? 127 : v));
  }
  return `operator_codes[${c.index}] ${c.op} -> builtin code ${v}${deprecated ? ' (deprecated field)' : ''}`;
};

const customCode: Mutation = (m, p, r) => {
  if (m.opcodes.length === 0) return null;
  const c = r.pick(m.opcodes);
  const name = r.pick(['TFLite_Detection_PostProcess', ...HOSTILE_NAMES.slice(0, 6)]);
  const fieldPos = p.setField(c.t, 1, enc.i32(0));
  if (fieldPos < 0) return null;
  setString(p, fieldPos, name);
  return `operator_codes[${c.index}] ${c.op} -> custom code ${describeString(name)}`;
};

const option: Mutation = (m, p, r) => {
  const o = pickOp(m, r, (x) => (OPTIONS[x.op]?.length ?? 0) > 0 && x.options !== null);
  if (!o) return null;
  const f = r.pick(OPTIONS[o.op]!);
  const v = r.pick(f.values);
  if (p.setField(o.options!, f.index, encodeOption(f.kind, v)) < 0) return null;
  return `${opLabel(o)} option ${f.name} -> ${describeNumber(v)}`;
};

const optionTable: Mutation = (m, p, r) => {
  const o = pickOp(m, r);
  if (!o) return null;
  const kind = r.pick(['drop', 'type', 'other']);
  if (kind === 'drop') {
    if (!p.dropField(o.t, 4)) return null;
    return `${opLabel(o)} builtin_options removed`;
  }
  if (kind === 'type') {
    const v = r.pick([0, 1, 2, 5, 8, 127, 255]);
    if (p.setField(o.t, 3, enc.u8(v)) < 0) return null;
    return `${opLabel(o)} builtin_options_type -> ${v}`;
  }
  // Another op's options table (type confusion): only a forward offset can be written.
  const at = o.t.table.field(4);
  const other = m.operators.find((x) => x.options && x.op !== o.op && at !== 0 && x.options.pos > at);
  if (!other) return null;
  p.u32(at, other.options!.pos - at);
  return `${opLabel(o)} builtin_options -> the options table of ${opLabel(other)}`;
};

const reshapeShape: Mutation = (m, p, r) => {
  const o = pickOp(m, r, (x) => x.op === 'RESHAPE' && x.outputs !== null);
  if (!o) return null;
  const t = m.tensors[int32(p, o.outputs!, 0)];
  if (!t?.shape) return null;
  const dims = Array.from({ length: t.shape.length }, (_, i) => int32(p, t.shape!, i));
  const next = dims.map((d, i) => (i === dims.length - 1 ? d + r.pick([1, -1, 7]) : d));
  p.replaceVector(t.shape.at, enc.i32s(next), next.length);
  return `${opLabel(o)} output ${tensorLabel(t)} shape [${dims}] -> [${next}] (element count changes)`;
};

// ---- buffers, graph inputs and outputs, subgraphs ---------------------------------------------

const bufferData: Mutation = (m, p, r) => {
  const withData = m.buffers.filter((x) => (x.data?.length ?? 0) > 0);
  if (withData.length === 0) return null;
  const b = r.pick(withData);
  if (!b.data) return null;
  const d = b.data;
  const kind = r.pick(['shorter', 'longer', 'empty', 'huge', 'external', 'values']);
  switch (kind) {
    case 'shorter':
      p.u32(d.lengthPos, d.length - 1);
      return `buffers[${b.index}].data length ${d.length} -> ${d.length - 1}`;
    case 'longer':
      p.u32(d.lengthPos, d.length + r.pick([1, 4, 64]));
      return `buffers[${b.index}].data length ${d.length} -> longer (reads into the bytes that follow)`;
    case 'empty':
      p.u32(d.lengthPos, 0);
      return `buffers[${b.index}].data length ${d.length} -> 0 (a constant becomes an activation)`;
    case 'huge': {
      const v = r.pick([0x7fffffff, 0xffffffff, 0x10000000]);
      p.u32(d.lengthPos, v);
      return `buffers[${b.index}].data length ${d.length} -> ${v}`;
    }
    case 'external': {
      const off = r.pick([2, 8, p.length - 4, p.length + 100, 2 ** 40]);
      const size = r.pick([0, 4, d.length, 0x7fffffff]);
      if (p.setField(b.t, 1, enc.i64(off)) < 0) return null;
      p.setField(b.t, 2, enc.i64(size));
      return `buffers[${b.index}] offset -> ${off}, size -> ${size} (external data)`;
    }
    default: {
      const v = r.pick([0x00, 0x7f, 0x80, 0xff]);
      for (let i = 0; i < d.length; i++) p.u8(d.start + i, v);
      return `buffers[${b.index}].data: all ${d.length} bytes -> 0x${v.toString(16)}`;
    }
  }
};

/** Extreme but valid constant values: int8 -128/127, int16 and int32 limits (saturation and overflow paths). */
const tensorValues: Mutation = (m, p, r) => {
  const t = pickTensor(m, r, (x) => isConst(m, x) && [9, 7, 2].includes(x.type));
  if (!t) return null;
  const d = m.buffers[t.buffer]!.data!;
  const size = t.type === 9 ? 1 : t.type === 7 ? 2 : 4;
  const limits = t.type === 9 ? [-128, 127] : t.type === 7 ? [-32768, 32767] : [-0x80000000, 0x7fffffff];
  const v = r.pick([...limits, 0]);
  const all = r.chance(0.5);
  const n = Math.floor(d.length / size);
  const at = r.int(Math.max(1, n));
  for (let i = all ? 0 : at; i < (all ? n : at + 1); i++) {
    for (let b = 0; b < size; b++) p.u8(d.start + size * i + b, Number((BigInt(v) >> BigInt(8 * b)) & 0xffn));
  }
  return `${tensorLabel(t)} (${TYPE_NAMES[t.type]}) ${all ? `all ${n} values` : `value ${at}`} -> ${v}`;
};

const graphIo: Mutation = (m, p, r) => {
  const out = r.chance(0.5);
  const v = out ? m.outputs : m.inputs;
  if (!v || v.length === 0) return null;
  const values = Array.from({ length: v.length }, (_, i) => int32(p, v, i));
  const consts = m.tensors.filter((x) => isConst(m, x)).map((x) => x.index);
  const inner = m.operators.flatMap((o) => (o.outputs ? [int32(p, o.outputs, 0)] : []));
  const kind = r.pick(['value', 'value', 'duplicate', 'empty']);
  const label = out ? 'subgraph outputs' : 'subgraph inputs';
  if (kind === 'empty') {
    p.u32(v.lengthPos, 0);
    return `${label} [${values}] -> []`;
  }
  if (kind === 'duplicate') {
    const next = [...values, values[0]!];
    p.replaceVector(v.at, enc.i32s(next), next.length);
    return `${label} [${values}] -> [${next}]`;
  }
  const i = r.int(v.length);
  const x = r.pick([-1, m.tensors.length, 0x7fffffff, ...(consts.length ? [r.pick(consts)] : []), ...(inner.length ? [r.pick(inner)] : []), ...(m.inputs ? [int32(p, m.inputs, 0)] : [])]);
  p.i32(v.start + 4 * i, x);
  return `${label}[${i}] ${values[i]} -> ${x}`;
};

const subgraphCount: Mutation = (m, p, r) => {
  const f = m.model.table.field(2);
  if (f === 0) return null;
  const lengthPos = f + p.readU32(f);
  const v = r.pick([0, 2, 0x7fffffff]);
  p.u32(lengthPos, v);
  return `subgraphs vector length 1 -> ${v}`;
};

const MUTATIONS: readonly (readonly [number, string, Mutation])[] = [
  [10, 'tensor-shape', tensorShape],
  [5, 'tensor-type', tensorType],
  [5, 'tensor-buffer', tensorBuffer],
  [7, 'tensor-name', tensorName],
  [2, 'tensor-variable', tensorVariable],
  [6, 'quant-scale', quantScale],
  [5, 'quant-zero-point', quantZeroPoint],
  [4, 'quant-length', quantLength],
  [4, 'quant-axis', quantAxis],
  [10, 'op-index', opIndex],
  [3, 'op-index-count', opIndexCount],
  [4, 'opcode-index', opcodeIndex],
  [5, 'builtin-code', builtinCode],
  [1, 'custom-code', customCode],
  [10, 'option', option],
  [2, 'option-table', optionTable],
  [2, 'reshape-shape', reshapeShape],
  [4, 'buffer-data', bufferData],
  [6, 'tensor-values', tensorValues],
  [4, 'graph-io', graphIo],
  [1, 'subgraph-count', subgraphCount],
  [3, 'vector-length', vectorLength],
  [4, 'uoffset', uoffset],
  [3, 'soffset', soffset],
  [3, 'vtable', vtable],
  [1, 'header', header],
  [1, 'model-version', modelVersion],
  [6, 'byte-flips', byteFlips],
  [4, 'random-bytes', randomBytes],
  [3, 'random-word', randomWord],
  [1, 'append-garbage', appendGarbage],
];

/** Names of every mutation, for documentation and tests. */

export interface Mutant {
  bytes: Uint8Array;
  description: string;
}

/** One to four mutations of `seed` (a truncation, if drawn, is applied last). */
export function mutateTflite(map: TfliteMap, r: Rng): Mutant {
  const p = new Patch(map.bytes);
  const count = r.weighted([
    [70, 1],
    [20, 2],
    [7, 3],
    [3, 4],
  ] as const);
  const done: string[] = [];
  for (let attempt = 0; done.length < count && attempt < 50; attempt++) {
    const [, name, fn] = r.weighted(MUTATIONS.map((e) => [e[0], e] as const));
    const d = fn(map, p, r);
    if (d) done.push(`${name}: ${d}`);
  }
  if (r.chance(0.04)) {
    const keep = r.pick([0, 4, 7, 8, 12, Math.floor(p.length / 2), p.length - 1, r.int(p.length)]);
    p.truncate(keep);
    done.push(`truncate: to ${keep} of ${map.bytes.length} bytes`);
  }
  return { bytes: p.bytes(), description: done.join('; ') };
}
