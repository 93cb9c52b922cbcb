/**
 * Reads one operator conformance case (schema `cmsisnn-testcase/1`, see
 * test/conformance/cmsis-nn/SCHEMA.md) and gives checked access to its fields. Every accessor that
 * finds a field missing or of the wrong kind throws an `EdgecError` naming the file and the field
 * path, so a malformed case never surfaces as a stack trace.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fail } from '../support/diagnostics.ts';

export type CaseDtype = 'int8' | 'int16' | 'int32' | 'int64' | 'int4x2_packed';
const DTYPES: readonly CaseDtype[] = ['int8', 'int16', 'int32', 'int64', 'int4x2_packed'];

export interface CaseTensor {
  role: string;
  dtype: CaseDtype;
  shape: number[];
  /** null when the case passes a NULL pointer (e.g. no bias). */
  data: number[] | null;
}

export interface ConformanceCase {
  file: string;
  name: string;
  op: string;
  actDtype: string;
  kernel: string;
  params: Record<string, unknown>;
  tensors: Record<string, CaseTensor>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fieldError(file: string, field: string, message: string): never {
  fail('E-CONF-FIELD', 'conformance', message, { file, field });
}

/** Parses and validates the envelope of a case file; op-specific fields are checked on access. */
export function parseCase(text: string, file: string): ConformanceCase {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail('E-CONF-JSON', 'conformance', `not valid JSON: ${(e as Error).message}`, { file });
  }
  if (!isObject(raw)) fail('E-CONF-JSON', 'conformance', 'the top level must be a JSON object', { file });
  if (raw.schema !== 'cmsisnn-testcase/1') {
    fieldError(file, 'schema', `expected "cmsisnn-testcase/1", found ${JSON.stringify(raw.schema)}`);
  }
  const str = (key: string): string => {
    const v = raw[key];
    if (typeof v !== 'string' || v.length === 0) fieldError(file, key, 'missing or not a non-empty string');
    return v;
  };
  if (!isObject(raw.params)) fieldError(file, 'params', 'missing or not an object');
  if (!isObject(raw.tensors)) fieldError(file, 'tensors', 'missing or not an object');
  const tensors: Record<string, CaseTensor> = {};
  for (const [role, t] of Object.entries(raw.tensors)) {
    tensors[role] = parseTensor(file, role, t);
  }
  if (!tensors.expected_output || tensors.expected_output.data === null) {
    fieldError(file, 'tensors.expected_output', 'missing, or has no data');
  }
  return {
    file,
    name: str('case'),
    op: str('op'),
    actDtype: str('act_dtype'),
    kernel: str('kernel'),
    params: raw.params,
    tensors,
  };
}

function parseTensor(file: string, role: string, t: unknown): CaseTensor {
  const where = `tensors.${role}`;
  if (!isObject(t)) fieldError(file, where, 'not an object');
  if (!DTYPES.includes(t.dtype as CaseDtype)) {
    fieldError(file, `${where}.dtype`, `unknown dtype ${JSON.stringify(t.dtype)}; expected one of ${DTYPES.join(', ')}`);
  }
  const dtype = t.dtype as CaseDtype;
  // A NULL pointer (e.g. no bias) has no shape and no data.
  if (t.null === true) return { role, dtype, shape: [], data: null };
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    fieldError(file, `${where}.shape`, 'missing or not a list of non-negative integers');
  }
  const shape = t.shape as number[];
  if (t.data === null || t.data === undefined) return { role, dtype, shape, data: null };
  if (!Array.isArray(t.data)) fieldError(file, `${where}.data`, 'not a list of integers');
  const [lo, hi] = dtypeRange(dtype);
  const data = t.data as unknown[];
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      fieldError(file, `${where}.data[${i}]`, `${JSON.stringify(v)} is not an ${dtype} value`);
    }
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = dtype === 'int4x2_packed' ? Math.ceil(count / 2) : count;
  if (data.length !== expected) {
    fieldError(file, `${where}.data`, `has ${data.length} values but shape [${shape.join(', ')}] needs ${expected}`);
  }
  return { role, dtype, shape, data: data as number[] };
}

function dtypeRange(dtype: CaseDtype): [number, number] {
  switch (dtype) {
    case 'int8':
      return [-128, 127];
    case 'int16':
      return [-32768, 32767];
    case 'int32':
      return [-2147483648, 2147483647];
    case 'int64':
      return [-(2 ** 53), 2 ** 53];
    case 'int4x2_packed':
      return [-128, 255];
  }
}

export function loadCase(path: string): ConformanceCase {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail('E-CONF-READ', 'conformance', `cannot read: ${(e as Error).message}`, { file: path });
  }
  return parseCase(text, basename(path));
}

/**
 * Checked access to a case's params and tensors. `int('input_dims.h')` walks the dotted path and
 * fails with the file and path when the value is absent or not an integer.
 */
export class CaseReader {
  constructor(readonly c: ConformanceCase) {}

  get name(): string {
    return this.c.name;
  }

  private lookup(path: string): unknown {
    let v: unknown = this.c.params;
    for (const key of path.split('.')) {
      if (!isObject(v) || !(key in v)) fieldError(this.c.file, `params.${path}`, 'missing');
      v = v[key];
    }
    return v;
  }

  has(path: string): boolean {
    let v: unknown = this.c.params;
    for (const key of path.split('.')) {
      if (!isObject(v) || !(key in v)) return false;
      v = v[key];
    }
    return v !== null && v !== undefined;
  }

  int(path: string): number {
    const v = this.lookup(path);
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      fieldError(this.c.file, `params.${path}`, `expected an integer, found ${JSON.stringify(v)}`);
    }
    return v;
  }

  bool(path: string): boolean {
    const v = this.lookup(path);
    if (typeof v !== 'boolean') fieldError(this.c.file, `params.${path}`, `expected true or false, found ${JSON.stringify(v)}`);
    return v;
  }

  str(path: string): string {
    const v = this.lookup(path);
    if (typeof v !== 'string') fieldError(this.c.file, `params.${path}`, `expected a string, found ${JSON.stringify(v)}`);
    return v;
  }

  ints(path: string): number[] {
    const v = this.lookup(path);
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) {
      fieldError(this.c.file, `params.${path}`, 'expected a list of integers');
    }
    return v as number[];
  }

  /** {n,h,w,c} with missing members defaulting to 1 (CMSIS-NN dims). */
  dims(path: string): { n: number; h: number; w: number; c: number } {
    const v = this.lookup(path);
    if (!isObject(v)) fieldError(this.c.file, `params.${path}`, 'expected an object {n,h,w,c}');
    const get = (k: string): number => (k in v ? this.int(`${path}.${k}`) : 1);
    return { n: get('n'), h: get('h'), w: get('w'), c: get('c') };
  }

  /** {h,w} pair such as stride, padding, dilation. */
  tile(path: string): { h: number; w: number } {
    return { h: this.int(`${path}.h`), w: this.int(`${path}.w`) };
  }

  tensor(role: string): CaseTensor {
    const t = this.c.tensors[role];
    if (!t) fieldError(this.c.file, `tensors.${role}`, 'missing');
    return t;
  }

  /** A tensor's data, which must be present. */
  data(role: string): number[] {
    const t = this.tensor(role);
    if (t.data === null) fieldError(this.c.file, `tensors.${role}.data`, 'is null but the op needs it');
    return t.data;
  }

  /** Data of an optional tensor (absent or NULL gives null). */
  optData(role: string): number[] | null {
    return this.c.tensors[role]?.data ?? null;
  }

  expected(): CaseTensor {
    return this.tensor('expected_output');
  }
}
