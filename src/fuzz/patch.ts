/**
 * A mutable copy of a flatbuffer: writes in place, and appends new data after the end of the file
 * (a longer vector, a longer string, a new vtable) with the referring offset redirected to it.
 * Appended data always lies after everything that refers to it, so the redirected u32 offsets stay
 * forward offsets, as the format requires.
 *
 *   [ original file ........................ ][pad][appended vector][pad][new vtable][field data]
 *         ^ uoffset at `at` ------------------------^        ^ table soffset (negative) --^
 */
import type { TableRef } from './tflite-map.ts';

export class Patch {
  private buf: Uint8Array;
  private used: number;

  constructor(seed: Uint8Array) {
    this.buf = new Uint8Array(seed.length + 4096);
    this.buf.set(seed);
    this.used = seed.length;
  }

  get length(): number {
    return this.used;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.used);
  }

  private view(): DataView {
    return new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** In-place writes; a write that would fall outside the current file is dropped. */
  private fits(pos: number, size: number): boolean {
    return Number.isInteger(pos) && pos >= 0 && pos + size <= this.used;
  }

  u8(pos: number, v: number): void {
    if (this.fits(pos, 1)) this.buf[pos] = v & 0xff;
  }
  u16(pos: number, v: number): void {
    if (this.fits(pos, 2)) this.view().setUint16(pos, v & 0xffff, true);
  }
  i32(pos: number, v: number): void {
    if (this.fits(pos, 4)) this.view().setInt32(pos, v | 0, true);
  }
  u32(pos: number, v: number): void {
    if (this.fits(pos, 4)) this.view().setUint32(pos, v >>> 0, true);
  }
  f32(pos: number, v: number): void {
    if (this.fits(pos, 4)) this.view().setFloat32(pos, v, true);
  }
  i64(pos: number, v: number): void {
    if (this.fits(pos, 8)) this.view().setBigInt64(pos, BigInt(Math.trunc(v)), true);
  }
  readU32(pos: number): number {
    return this.fits(pos, 4) ? this.view().getUint32(pos, true) : 0;
  }
  readI32(pos: number): number {
    return this.fits(pos, 4) ? this.view().getInt32(pos, true) : 0;
  }
  readU8(pos: number): number {
    return this.fits(pos, 1) ? this.buf[pos]! : 0;
  }
  readU16(pos: number): number {
    return this.fits(pos, 2) ? this.view().getUint16(pos, true) : 0;
  }

  /** Appends `data` at the next multiple of `align`; returns its position. */
  append(data: Uint8Array, align = 4): number {
    const pos = Math.ceil(this.used / align) * align;
    const need = pos + data.length;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.used));
      this.buf = grown;
    }
    this.buf.fill(0, this.used, pos);
    this.buf.set(data, pos);
    this.used = need;
    return pos;
  }

  truncate(length: number): void {
    this.used = Math.max(0, Math.min(this.used, length));
  }

  /**
   * Appends a vector ([u32 length][elements]) and points the u32 offset stored at `at` to it.
   * `length` may differ from the element bytes (a lying length).
   */
  replaceVector(at: number, elements: Uint8Array, length: number, align = 4): number {
    const v = new Uint8Array(4 + elements.length);
    new DataView(v.buffer).setUint32(0, length >>> 0, true);
    v.set(elements, 4);
    // Elements of 8 bytes (int64 zero points) start 8-aligned, as a real builder would place them.
    const pad = align === 8 ? 4 : 0;
    const pos = this.append(new Uint8Array([...new Uint8Array(pad), ...v]), align) + pad;
    this.u32(at, pos - at);
    return pos;
  }

  /** The table's current vtable (an earlier mutation may have replaced it), or null if unreadable. */
  private vtableOf(t: TableRef): { pos: number; size: number } | null {
    const pos = t.pos - this.readI32(t.pos);
    const size = this.readU16(pos);
    if (!this.fits(pos, Math.max(size, 4)) || size < 4 || size % 2 !== 0) return null;
    return { pos, size };
  }

  /** Absolute position of field `index` in the current bytes (0 when absent). */
  fieldPos(t: TableRef, index: number): number {
    const vt = this.vtableOf(t);
    if (!vt || 4 + 2 * index >= vt.size) return 0;
    const rel = this.readU16(vt.pos + 4 + 2 * index);
    return rel === 0 ? 0 : t.pos + rel;
  }

  /**
   * Writes scalar field `index` of a table: in place when the field is present; otherwise gives the
   * table a new vtable (a copy with the field added) whose entry points to the value appended after
   * the end of the file. Returns where the value now is, or -1 when the table's vtable is unreadable
   * or the end of the file is beyond a vtable entry's 16-bit reach from the table.
   */
  setField(t: TableRef, index: number, value: Uint8Array): number {
    const old = this.vtableOf(t);
    if (!old) return -1;
    const present = this.fieldPos(t, index);
    if (present !== 0) {
      for (let i = 0; i < value.length; i++) this.u8(present + i, value[i]!);
      return present;
    }
    const dataPos = this.append(value, value.length >= 8 ? 8 : 4);
    const rel = dataPos - t.pos;
    if (rel > 0xffff) return -1;
    const oldEntries = (old.size - 4) / 2;
    const entries = Math.max(oldEntries, index + 1);
    const vt = new Uint8Array(4 + 2 * entries);
    const dv = new DataView(vt.buffer);
    dv.setUint16(0, vt.length, true);
    dv.setUint16(2, Math.min(0xffff, Math.max(this.readU16(old.pos + 2), rel + value.length)), true);
    for (let k = 0; k < oldEntries; k++) dv.setUint16(4 + 2 * k, this.readU16(old.pos + 4 + 2 * k), true);
    dv.setUint16(4 + 2 * index, rel, true);
    const vtPos = this.append(vt, 2);
    this.i32(t.pos, t.pos - vtPos);
    return dataPos;
  }

  /** Gives the table a new vtable in which field `index` is absent (the table itself is untouched). */
  dropField(t: TableRef, index: number): boolean {
    const old = this.vtableOf(t);
    if (!old || this.fieldPos(t, index) === 0) return false;
    const vt = new Uint8Array(old.size);
    const dv = new DataView(vt.buffer);
    dv.setUint16(0, old.size, true);
    dv.setUint16(2, this.readU16(old.pos + 2), true);
    for (let k = 0; k < (old.size - 4) / 2; k++) dv.setUint16(4 + 2 * k, k === index ? 0 : this.readU16(old.pos + 4 + 2 * k), true);
    const vtPos = this.append(vt, 2);
    this.i32(t.pos, t.pos - vtPos);
    return true;
  }
}

/** Little-endian encodings of scalar values and element arrays. */
export const enc = {
  u8: (v: number) => new Uint8Array([v & 0xff]),
  i32: (v: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v | 0, true);
    return b;
  },
  f32: (v: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return b;
  },
  i64: (v: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(Math.trunc(v)), true);
    return b;
  },
  i32s: (vs: readonly number[]) => {
    const b = new Uint8Array(4 * vs.length);
    vs.forEach((v, i) => new DataView(b.buffer).setInt32(4 * i, v | 0, true));
    return b;
  },
  f32s: (vs: readonly number[]) => {
    const b = new Uint8Array(4 * vs.length);
    vs.forEach((v, i) => new DataView(b.buffer).setFloat32(4 * i, v, true));
    return b;
  },
  i64s: (vs: readonly number[]) => {
    const b = new Uint8Array(8 * vs.length);
    vs.forEach((v, i) => new DataView(b.buffer).setBigInt64(8 * i, BigInt(Math.trunc(v)), true));
    return b;
  },
  utf8: (s: string) => new TextEncoder().encode(s),
};
