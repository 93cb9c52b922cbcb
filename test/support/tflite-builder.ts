/**
 * Test helper: writes small .tflite files (TFLite schema v3, identifier "TFL3") from plain data, so
 * tests can build models with any operator, option, quantization or name. Written for this project
 * from the public schema's field indices (no flatc output).
 *
 * Layout: children are written after their parents, so every uoffset points forward; a table's
 * vtable sits just before the table (its soffset is positive). Everything is 4-aligned, 8 where an
 * int64 vector needs it.
 */

type Scalar = { t: 'u8' | 'i8' | 'u16' | 'i32' | 'u32' | 'f32'; v: number };
type Ref = FbTable | FbVector | FbString;
type Field = Scalar | Ref;

export class FbTable {
  constructor(readonly fields: (Field | undefined)[]) {}
}
export class FbVector {
  constructor(
    readonly kind: 'i32' | 'u8' | 'f32' | 'i64' | 'ref',
    readonly items: readonly (number | Ref)[],
  ) {}
}
export class FbString {
  constructor(readonly value: string) {}
}

export const u8 = (v: number): Scalar => ({ t: 'u8', v });
export const i32 = (v: number): Scalar => ({ t: 'i32', v });
export const u32 = (v: number): Scalar => ({ t: 'u32', v });
export const f32 = (v: number): Scalar => ({ t: 'f32', v });
export const table = (...fields: (Field | undefined)[]) => new FbTable(fields);
export const vec = (kind: FbVector['kind'], items: readonly (number | Ref)[]) => new FbVector(kind, items);
export const str = (s: string) => new FbString(s);

const SIZE: Record<Scalar['t'], number> = { u8: 1, i8: 1, u16: 2, i32: 4, u32: 4, f32: 4 };

class Writer {
  private buf = new DataView(new ArrayBuffer(1 << 16));
  private bytes = new Uint8Array(this.buf.buffer);
  len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.len + n));
    next.set(this.bytes);
    this.bytes = next;
    this.buf = new DataView(next.buffer);
  }

  align(a: number): void {
    while (this.len % a !== 0) this.put('u8', 0);
  }

  put(t: Scalar['t'] | 'i64', v: number, at = this.len): number {
    const size = t === 'i64' ? 8 : SIZE[t];
    if (at === this.len) {
      this.ensure(size);
      this.len += size;
    }
    const d = this.buf;
    if (t === 'u8') d.setUint8(at, v);
    else if (t === 'i8') d.setInt8(at, v);
    else if (t === 'u16') d.setUint16(at, v, true);
    else if (t === 'i32') d.setInt32(at, v, true);
    else if (t === 'u32') d.setUint32(at, v, true);
    else if (t === 'f32') d.setFloat32(at, v, true);
    else d.setBigInt64(at, BigInt(v), true);
    return at;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.len);
  }
}

/** Writes `ref`, returns its position; the caller patches its uoffset. */
function write(w: Writer, ref: Ref): number {
  if (ref instanceof FbString) {
    w.align(4);
    const bytes = Buffer.from(ref.value, 'utf8');
    const at = w.put('u32', bytes.length);
    for (const b of bytes) w.put('u8', b);
    w.put('u8', 0);
    return at;
  }
  if (ref instanceof FbVector) {
    // The length sits just before the elements, which an int64 vector needs 8-aligned.
    w.align(ref.kind === 'i64' ? 8 : 4);
    if (ref.kind === 'i64') w.put('u32', 0);
    const at = w.put('u32', ref.items.length);
    const slots: number[] = [];
    for (const item of ref.items) {
      if (ref.kind === 'ref') slots.push(w.put('u32', 0));
      else w.put(ref.kind, item as number);
    }
    ref.items.forEach((item, i) => {
      if (ref.kind !== 'ref') return;
      const pos = write(w, item as Ref);
      w.put('u32', pos - slots[i]!, slots[i]!);
    });
    return at;
  }
  // Table: vtable [u16 vtable bytes, u16 table bytes, u16 offset per field], then the table.
  w.align(4);
  const n = ref.fields.length;
  const vtableBytes = 4 + 2 * n;
  const vt = w.len;
  for (let i = 0; i < vtableBytes / 2; i++) w.put('u16', 0);
  w.align(4);
  const start = w.put('i32', 0);
  w.put('i32', start - vt, start);
  const refs: { slot: number; ref: Ref }[] = [];
  ref.fields.forEach((f, i) => {
    if (!f) return;
    const size = f instanceof FbTable || f instanceof FbVector || f instanceof FbString ? 4 : SIZE[f.t];
    w.align(size);
    const at = w.len;
    if (f instanceof FbTable || f instanceof FbVector || f instanceof FbString) refs.push({ slot: w.put('u32', 0), ref: f });
    else w.put(f.t, f.v);
    w.put('u16', at - start, vt + 4 + 2 * i);
  });
  w.put('u16', vtableBytes, vt);
  w.put('u16', w.len - start, vt + 2);
  for (const r of refs) {
    const pos = write(w, r.ref);
    w.put('u32', pos - r.slot, r.slot);
  }
  return start;
}

export function serialize(root: FbTable): Uint8Array {
  const w = new Writer();
  w.put('u32', 0);
  for (const c of 'TFL3') w.put('u8', c.charCodeAt(0));
  const at = write(w, root);
  w.put('u32', at, 0);
  return w.result();
}

// ---------------------------------------------------------------------------------------------
// TFLite models

export const TYPE = { float32: 0, float16: 1, int32: 2, int64: 4, int16: 7, int8: 9 } as const;

export interface TfTensor {
  name: string;
  shape: number[];
  type: keyof typeof TYPE;
  /** Constant bytes (little-endian), or none for an activation. */
  data?: Uint8Array;
  quant?: { scale: number[]; zeroPoint: number[]; axis?: number };
  variable?: boolean;
}

export interface TfOperator {
  builtin: number;
  inputs: number[];
  outputs: number[];
  /** The builtin options table (field values by index) and its union type code. */
  options?: { type: number; fields: (Field | undefined)[] };
}

export interface TfModel {
  tensors: TfTensor[];
  operators: TfOperator[];
  inputs: number[];
  outputs: number[];
}

export function buildTflite(m: TfModel): Uint8Array {
  const codes = [...new Set(m.operators.map((o) => o.builtin))];
  // Buffer 0 is the empty buffer every activation points at.
  const buffers = [table(), ...m.tensors.filter((t) => t.data).map((t) => table(vec('u8', Array.from(t.data!))))];
  let next = 1;
  const tensors = m.tensors.map((t) =>
    table(
      vec('i32', t.shape),
      u8(TYPE[t.type]),
      u32(t.data ? next++ : 0),
      str(t.name),
      t.quant ? table(undefined, undefined, vec('f32', t.quant.scale), vec('i64', t.quant.zeroPoint), undefined, undefined, i32(t.quant.axis ?? 0)) : undefined,
      t.variable ? u8(1) : undefined,
    ),
  );
  const operators = m.operators.map((o) =>
    table(u32(codes.indexOf(o.builtin)), vec('i32', o.inputs), vec('i32', o.outputs), o.options ? u8(o.options.type) : undefined, o.options ? table(...o.options.fields) : undefined),
  );
  const subgraph = table(vec('ref', tensors), vec('i32', m.inputs), vec('i32', m.outputs), vec('ref', operators), str('main'));
  const opcodes = codes.map((c) => table(u8(Math.min(c, 127)), undefined, i32(1), i32(c)));
  return serialize(table(u32(3), vec('ref', opcodes), vec('ref', [subgraph]), str('edgec test model'), vec('ref', buffers)));
}

/** The IEEE 754 half-precision bits nearest a value (round to nearest even; overflow to infinity). */
export function float16Bits(v: number): number {
  const u = new Uint32Array(Float32Array.of(v).buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  // Keep 10 of the 23 fraction bits (more of them shifted out below the normal range), rounding half to even;
  // a carry out of the fraction lands in the exponent, as it should.
  const full = e > 0 ? mant : mant | 0x800000;
  const shift = e > 0 ? 13 : 14 - e;
  if (shift > 24) return sign;
  let h = Math.floor(full / 2 ** shift);
  const rem = full - h * 2 ** shift;
  const half = 2 ** (shift - 1);
  if (rem > half || (rem === half && h & 1)) h++;
  return sign | ((e > 0 ? e << 10 : 0) + h);
}

/** Little-endian bytes of typed values (float16: the nearest half-precision values). */
export function bytesOf(values: ArrayLike<number>, type: 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float16'): Uint8Array {
  if (type === 'float32') return new Uint8Array(Float32Array.from(values).buffer);
  if (type === 'float16') return new Uint8Array(Uint16Array.from(Array.from(values, float16Bits)).buffer);
  if (type === 'int64') return new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
  const a = type === 'int8' ? Int8Array.from(values) : type === 'int16' ? Int16Array.from(values) : Int32Array.from(values);
  return new Uint8Array(a.buffer);
}
