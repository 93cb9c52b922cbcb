/**
 * NumPy `.npy` arrays (format versions 1.0, 2.0 and 3.0), read and written without Python:
 *
 *   offset 0   "\x93NUMPY" major minor
 *   offset 8   header length: uint16 LE (1.0) | uint32 LE (2.0, 3.0)
 *   then       the header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 *              padded with spaces and ended by '\n' (latin-1; UTF-8 in 3.0)
 *   then       the data, shape product * item size bytes, nothing after
 *
 * The header is read by a small strict parser of exactly that literal (strings, True/False, tuples of
 * integers): nothing is evaluated. A Fortran-ordered array is transposed into C order, so `data` is
 * always row-major. 64-bit integers come back as BigInt arrays so that no value is rounded silently.
 */
import { readFileSync, statSync } from 'node:fs';
import { EdgecError, fail } from '../support/diagnostics.ts';

/** Largest element count we allocate for. */
export const MAX_ELEMENTS = 2 ** 28;
const MAX_HEADER = 1 << 16;
const MAX_BYTES = 2 ** 31 - 1;
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export type NpyData = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface NpyArray {
  shape: number[];
  /** The header's descr, e.g. '<f4', '|u1', '>i2'. */
  dtype: string;
  /** Row-major (C order); a '|b1' array holds 0 and 1. */
  data: NpyData;
}

type HeaderValue = string | boolean | number[];

/** Tokens of the header literal: punctuation, quoted strings, True/False and integers. */
function tokenize(text: string, bad: (m: string) => never): string[] {
  const out: string[] = [];
  const re = /\s*(?:([{}():,])|('[^'\\]*'|"[^"\\]*")|(True|False)|(\d+)L?|(\S))/y;
  for (;;) {
    const start = re.lastIndex;
    if (/^\s*$/.test(text.slice(start))) return out;
    const m = re.exec(text);
    if (!m || m[5] !== undefined) bad(`header: unexpected '${text.slice(start).trim().slice(0, 12)}' at character ${start}`);
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
  }
}

/** dict := '{' (string ':' value ',')* [string ':' value] '}' ; value := string | True | False | tuple of ints */
function parseHeader(text: string, bad: (m: string) => never): Map<string, HeaderValue> {
  const t = tokenize(text, bad);
  let i = 0;
  const expect = (tok: string) => {
    if (t[i] !== tok) bad(`header: expected '${tok}', found '${t[i] ?? 'end'}'`);
    i++;
  };
  const isString = (tok: string | undefined) => tok !== undefined && (tok.startsWith("'") || tok.startsWith('"'));
  const value = (): HeaderValue => {
    const tok = t[i++];
    if (isString(tok)) return tok!.slice(1, -1);
    if (tok === 'True' || tok === 'False') return tok === 'True';
    if (tok !== '(') bad(`header: unexpected '${tok ?? 'end'}' as a value`);
    const dims: number[] = [];
    while (t[i] !== ')') {
      if (!/^\d+$/.test(t[i] ?? '')) bad(`header: shape holds '${t[i] ?? 'end'}', not an integer`);
      dims.push(Number(t[i++]));
      if (t[i] !== ')') expect(',');
    }
    i++;
    return dims;
  };
  const dict = new Map<string, HeaderValue>();
  expect('{');
  while (t[i] !== '}') {
    if (!isString(t[i])) bad(`header: expected a key, found '${t[i] ?? 'end'}'`);
    const key = t[i++]!.slice(1, -1);
    expect(':');
    if (dict.has(key)) bad(`header: key '${key}' appears twice`);
    dict.set(key, value());
    if (t[i] !== '}') expect(',');
  }
  i++;
  if (i !== t.length) bad('header: text after the closing brace');
  return dict;
}

interface Dtype {
  little: boolean;
  size: number;
  make: (n: number) => NpyData;
  /** A view of little-endian bytes in their own, aligned buffer. */
  wrap: (b: ArrayBuffer) => NpyData;
  get: (v: DataView, at: number, little: boolean) => number | bigint;
}

const KINDS: Record<string, Omit<Dtype, 'little'>> = {
  f4: { size: 4, make: (n) => new Float32Array(n), wrap: (b) => new Float32Array(b), get: (v, a, l) => v.getFloat32(a, l) },
  f8: { size: 8, make: (n) => new Float64Array(n), wrap: (b) => new Float64Array(b), get: (v, a, l) => v.getFloat64(a, l) },
  i1: { size: 1, make: (n) => new Int8Array(n), wrap: (b) => new Int8Array(b), get: (v, a) => v.getInt8(a) },
  u1: { size: 1, make: (n) => new Uint8Array(n), wrap: (b) => new Uint8Array(b), get: (v, a) => v.getUint8(a) },
  b1: { size: 1, make: (n) => new Uint8Array(n), wrap: (b) => new Uint8Array(b), get: (v, a) => v.getUint8(a) },
  i2: { size: 2, make: (n) => new Int16Array(n), wrap: (b) => new Int16Array(b), get: (v, a, l) => v.getInt16(a, l) },
  u2: { size: 2, make: (n) => new Uint16Array(n), wrap: (b) => new Uint16Array(b), get: (v, a, l) => v.getUint16(a, l) },
  i4: { size: 4, make: (n) => new Int32Array(n), wrap: (b) => new Int32Array(b), get: (v, a, l) => v.getInt32(a, l) },
  u4: { size: 4, make: (n) => new Uint32Array(n), wrap: (b) => new Uint32Array(b), get: (v, a, l) => v.getUint32(a, l) },
  i8: { size: 8, make: (n) => new BigInt64Array(n), wrap: (b) => new BigInt64Array(b), get: (v, a, l) => v.getBigInt64(a, l) },
  u8: { size: 8, make: (n) => new BigUint64Array(n), wrap: (b) => new BigUint64Array(b), get: (v, a, l) => v.getBigUint64(a, l) },
};

function parseDtype(descr: string, bad: (m: string) => never): Dtype {
  const m = /^([<>|=])([fiub]\d)$/.exec(descr);
  const kind = m ? KINDS[m[2]!] : undefined;
  if (!m || !kind) bad(`dtype '${descr}' is not supported (f4 f8 i1 u1 b1 i2 u2 i4 u4 i8 u8, either byte order)`);
  if (m[1] === '|' && kind.size > 1) bad(`dtype '${descr}' has no byte order`);
  return { ...kind, little: m[1] !== '>' };
}

/** Element count of a shape, refused past MAX_ELEMENTS before anything is allocated. */
function elementCount(shape: readonly number[], bad: (m: string) => never): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d)) bad(`shape (${shape.join(', ')}) has a dimension that is not an integer`);
    n *= d;
    if (n > MAX_ELEMENTS) bad(`shape (${shape.join(', ')}) exceeds the ${MAX_ELEMENTS}-element limit`);
  }
  return n;
}

/** Row-major copy of a column-major array: element (i0..ik) sits at sum(i_j * prod(shape[<j])). */
function fortranToC(src: NpyData, shape: readonly number[], make: (n: number) => NpyData): NpyData {
  const out = make(src.length);
  const stride = shape.map((_, j) => shape.slice(0, j).reduce((a, b) => a * b, 1));
  const idx = shape.map(() => 0);
  let from = 0;
  for (let i = 0; i < src.length; i++) {
    (out as Float64Array)[i] = (src as Float64Array)[from]!;
    // Advance the last index fastest (C order), keeping `from` as the Fortran offset.
    for (let j = shape.length - 1; j >= 0; j--) {
      idx[j]!++;
      from += stride[j]!;
      if (idx[j]! < shape[j]!) break;
      from -= idx[j]! * stride[j]!;
      idx[j] = 0;
    }
  }
  return out;
}

const HOST_LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Parses the bytes of a .npy file; `file` locates errors. */
export function parseNpy(bytes: Uint8Array, file = '<npy>'): NpyArray {
  let at = 0;
  const bad: (message: string) => never = (message) => fail('E-DATA-NPY', 'import', message, { file, offset: at });
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) bad('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6]!;
  at = 6;
  if (major < 1 || major > 3 || bytes[7] !== 0) bad(`format version ${major}.${bytes[7]} is not supported (1.0, 2.0, 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  at = 8;
  if (major > 1 && bytes.length < 12) bad('file ends inside the header length');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (headerLength > MAX_HEADER) bad(`header of ${headerLength} bytes is longer than the ${MAX_HEADER} accepted`);
  if (start + headerLength > bytes.length) bad(`file ends inside the ${headerLength}-byte header`);
  at = start;
  const text = Buffer.from(bytes.subarray(start, start + headerLength)).toString(major === 3 ? 'utf8' : 'latin1');
  if (/'descr'\s*:\s*\[/.test(text)) bad('structured (record) dtypes are not supported');
  const dict = parseHeader(text, bad);
  for (const key of dict.keys()) if (!['descr', 'fortran_order', 'shape'].includes(key)) bad(`header: unknown key '${key}'`);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') bad("header: 'descr' is missing or not a string");
  if (typeof fortran !== 'boolean') bad("header: 'fortran_order' is missing or not True/False");
  if (!Array.isArray(shape)) bad("header: 'shape' is missing or not a tuple");
  const dtype = parseDtype(descr, bad);
  const count = elementCount(shape, bad);
  at = start + headerLength;
  const need = count * dtype.size;
  if (bytes.length - at !== need) bad(`data holds ${bytes.length - at} bytes; shape (${shape.join(', ')}) of '${descr}' takes ${need}`);
  let data: NpyData;
  if (dtype.size === 1 || dtype.little === HOST_LITTLE) {
    // A copy in its own, aligned buffer (a Buffer's slice() would share, and misalign, the file's).
    const copy = new Uint8Array(need);
    copy.set(bytes.subarray(at, at + need));
    data = dtype.wrap(copy.buffer);
  } else {
    data = dtype.make(count);
    for (let i = 0; i < count; i++) (data as Float64Array)[i] = dtype.get(view, at + i * dtype.size, dtype.little) as number;
  }
  if (descr.endsWith('b1')) {
    const k = (data as Uint8Array).findIndex((v) => v > 1);
    if (k >= 0) fail('E-DATA-NPY', 'import', `boolean element ${k} is ${data[k]}, not 0 or 1`, { file, offset: at + k });
  }
  if (fortran && shape.length > 1) data = fortranToC(data, shape, dtype.make);
  return { shape: [...shape], dtype: descr, data };
}

/** Reads a .npy file. */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    const size = statSync(path).size;
    if (size > MAX_BYTES) fail('E-DATA-NPY', 'import', `file has ${size} bytes, more than the ${MAX_BYTES} this reader accepts`, { file: path });
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof EdgecError) throw e;
    return fail('E-DATA-READ', 'import', `cannot read: ${(e as Error).message}`, { file: path });
  }
  return parseNpy(bytes, path);
}

/** Any array as float32 (64-bit integers through Number, rounding past 2^24 like any float32 cast). */
export function npyToFloat32(arr: NpyArray): Float32Array {
  const d = arr.data;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float32Array.from(d, (v) => Number(v));
  return d instanceof Float32Array ? d.slice() : Float32Array.from(d);
}

/** A version 1.0 '<f4' C-order .npy file; the header is padded so the data starts on a 64-byte boundary. */
export function writeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== data.length) {
    fail('E-DATA-NPY', 'import', `shape (${shape.join(', ')}) does not hold ${data.length} elements`, { field: 'shape' });
  }
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set(MAGIC);
  out.set([1, 0, header.length & 0xff, header.length >> 8], 6);
  out.set(Buffer.from(header, 'latin1'), 10);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(10 + header.length + i * 4, v, true));
  return out;
}
