/**
 * A small, bounds-checked FlatBuffers reader: enough to walk a .tflite file by field index without
 * generated code. Every offset is checked against the buffer, so a truncated or corrupt file gives a
 * diagnostic naming the file, the byte offset and what was being read, never a crash or a hang.
 *
 *   file:   [u32 root table offset][4-byte identifier]...
 *   table:  [i32 soffset to its vtable] fields...
 *   vtable: [u16 vtable bytes][u16 table bytes][u16 field offset]*   (0 = field absent)
 *   vector: [u32 length] elements...        string: vector of bytes
 */
import { fail } from '../support/diagnostics.ts';

export class FlatBuffer {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  check(offset: number, size: number, what: string): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.bytes.length) {
      fail('E-TFLITE-BOUNDS', 'import', `${what} at byte ${offset} (+${size}) lies outside the ${this.bytes.length}-byte file (truncated or corrupt)`, { file: this.file, offset });
    }
  }

  u8(o: number, what = 'a byte'): number {
    this.check(o, 1, what);
    return this.view.getUint8(o);
  }
  u16(o: number, what = 'a u16'): number {
    this.check(o, 2, what);
    return this.view.getUint16(o, true);
  }
  i32(o: number, what = 'an i32'): number {
    this.check(o, 4, what);
    return this.view.getInt32(o, true);
  }
  u32(o: number, what = 'a u32'): number {
    this.check(o, 4, what);
    return this.view.getUint32(o, true);
  }

  identifier(): string {
    this.check(0, 8, 'the file header');
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }

  root(): Table {
    return new Table(this, this.u32(0, 'the root table offset'), 'root');
  }
}

export class Table {
  private readonly vtable: number;
  private readonly vtableSize: number;

  constructor(
    readonly fb: FlatBuffer,
    readonly pos: number,
    readonly name: string,
  ) {
    this.vtable = pos - fb.i32(pos, `the vtable offset of ${name}`);
    this.vtableSize = fb.u16(this.vtable, `the vtable of ${name}`);
    if (this.vtableSize < 4 || this.vtableSize % 2 !== 0) fail('E-TFLITE-CORRUPT', 'import', `the vtable of ${name} has an invalid size ${this.vtableSize}`, { file: fb.file, offset: this.vtable });
    fb.check(this.vtable, this.vtableSize, `the vtable of ${name}`);
  }

  /** Absolute position of field `index`, or 0 when absent. */
  field(index: number): number {
    const at = 4 + 2 * index;
    if (at >= this.vtableSize) return 0;
    const rel = this.fb.u16(this.vtable + at);
    return rel === 0 ? 0 : this.pos + rel;
  }

  has(index: number): boolean {
    return this.field(index) !== 0;
  }

  int(index: number, fallback = 0, kind: 'u8' | 'i8' | 'i32' | 'u32' = 'i32'): number {
    const p = this.field(index);
    if (p === 0) return fallback;
    switch (kind) {
      case 'u8':
        return this.fb.u8(p, `field ${index} of ${this.name}`);
      case 'i8':
        return (this.fb.u8(p, `field ${index} of ${this.name}`) << 24) >> 24;
      case 'u32':
        return this.fb.u32(p, `field ${index} of ${this.name}`);
      case 'i32':
        return this.fb.i32(p, `field ${index} of ${this.name}`);
    }
  }

  float(index: number, fallback = 0): number {
    const p = this.field(index);
    if (p === 0) return fallback;
    this.fb.check(p, 4, `field ${index} of ${this.name}`);
    return this.fb.view.getFloat32(p, true);
  }

  bool(index: number): boolean {
    return this.int(index, 0, 'u8') !== 0;
  }

  private indirect(index: number): number {
    const p = this.field(index);
    return p === 0 ? 0 : p + this.fb.u32(p, `the offset of field ${index} of ${this.name}`);
  }

  table(index: number, name: string): Table | null {
    const p = this.indirect(index);
    return p === 0 ? null : new Table(this.fb, p, name);
  }

  string(index: number): string {
    const p = this.indirect(index);
    if (p === 0) return '';
    const n = this.fb.u32(p, `the length of string field ${index} of ${this.name}`);
    this.fb.check(p + 4, n, `string field ${index} of ${this.name}`);
    return new TextDecoder().decode(this.fb.bytes.subarray(p + 4, p + 4 + n));
  }

  /** Vector header: element start and length (length 0 when absent). */
  vector(index: number, elementSize: number): { start: number; length: number } {
    const p = this.indirect(index);
    if (p === 0) return { start: 0, length: 0 };
    const length = this.fb.u32(p, `the length of vector field ${index} of ${this.name}`);
    this.fb.check(p + 4, length * elementSize, `vector field ${index} of ${this.name} (${length} elements)`);
    return { start: p + 4, length };
  }

  ints(index: number): number[] {
    const v = this.vector(index, 4);
    return Array.from({ length: v.length }, (_, i) => this.fb.view.getInt32(v.start + 4 * i, true));
  }

  floats(index: number): number[] {
    const v = this.vector(index, 4);
    return Array.from({ length: v.length }, (_, i) => this.fb.view.getFloat32(v.start + 4 * i, true));
  }

  int64s(index: number): number[] {
    const v = this.vector(index, 8);
    return Array.from({ length: v.length }, (_, i) => Number(this.fb.view.getBigInt64(v.start + 8 * i, true)));
  }

  bytes(index: number): Uint8Array {
    const v = this.vector(index, 1);
    return this.fb.bytes.subarray(v.start, v.start + v.length);
  }

  tables(index: number, name: string): Table[] {
    const v = this.vector(index, 4);
    return Array.from({ length: v.length }, (_, i) => {
      const at = v.start + 4 * i;
      return new Table(this.fb, at + this.fb.u32(at, `element ${i} of ${name}`), `${name}[${i}]`);
    });
  }
}
