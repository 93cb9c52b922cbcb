/**
 * Labelled windows for `edgec report --data`: the model's float input (after the preprocessing the
 * model card states) and each window's true class, in one of two forms:
 *
 *   FILE.json   {"x": [[...window...], ...], "y": [2, 0, "walking", ...]}
 *               each window a flat list of the input's values (row-major); each label a class index
 *               or one of the model's labels
 *   X.npy       float windows, shape (N, ...) with N * window size values, and --data-labels Y.npy:
 *               N integer class indices
 *
 * Every problem (wrong sizes, a label out of range, not a number) is a located E-DATA-* diagnostic.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { EdgecError, fail } from '../../support/diagnostics.ts';
import { npyToFloat32, readNpy } from '../../data/npy.ts';

export interface LabelledWindows {
  x: Float32Array[];
  y: number[];
}

/** Largest JSON file read (the windows are held in memory as numbers). */
const MAX_JSON_BYTES = 256 << 20;

const bad = (file: string, message: string, field?: string): never => fail('E-DATA-LABELLED', 'import', message, field ? { file, field } : { file });

function labelIndex(v: unknown, i: number, classes: number, labels: readonly string[] | null, file: string): number {
  if (typeof v === 'string') {
    const k = labels?.indexOf(v) ?? -1;
    if (k < 0) bad(file, `label ${JSON.stringify(v).slice(0, 60)} is not one of the model's labels${labels ? ` (${labels.join(', ')})` : ' (the model names none: use class indices)'}`, `y[${i}]`);
    return k;
  }
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= classes)
    bad(file, `expected a class index from 0 to ${classes - 1} or a label name, found ${JSON.stringify(v)?.slice(0, 60)}`, `y[${i}]`);
  return v as number;
}

function readJson(file: string, windowSize: number, classes: number, labels: readonly string[] | null): LabelledWindows {
  let text: string;
  try {
    if (statSync(file).size > MAX_JSON_BYTES) bad(file, `more than ${MAX_JSON_BYTES >> 20} MB of JSON: use the .npy form`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof EdgecError) throw e;
    return fail('E-DATA-READ', 'import', `cannot read: ${(e as Error).message}`, { file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return bad(file, `not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const o = json as { x?: unknown; y?: unknown };
  if (typeof o !== 'object' || o === null || !Array.isArray(o.x) || !Array.isArray(o.y)) return bad(file, 'expected an object {"x": [[...], ...], "y": [...]}');
  if (o.x.length !== o.y.length) bad(file, `${o.x.length} windows but ${o.y.length} labels`, 'y');
  if (o.x.length === 0) bad(file, 'no windows', 'x');
  const x = o.x.map((w, i) => {
    if (!Array.isArray(w) || w.length !== windowSize) bad(file, `window ${i} has ${Array.isArray(w) ? w.length : 'no'} values; the model's input takes ${windowSize}`, `x[${i}]`);
    if (!(w as unknown[]).every((v) => typeof v === 'number' && Number.isFinite(v))) bad(file, `window ${i} holds a value that is not a finite number`, `x[${i}]`);
    return Float32Array.from(w as number[]);
  });
  return { x, y: o.y.map((v, i) => labelIndex(v, i, classes, labels, file)) };
}

function readNpyPair(file: string, labelsFile: string, windowSize: number, classes: number): LabelledWindows {
  const xs = readNpy(file);
  const flat = npyToFloat32(xs);
  const n = xs.shape[0] ?? 0;
  if (n === 0 || flat.length !== n * windowSize) bad(file, `shape (${xs.shape.join(', ')}) is not N windows of ${windowSize} values`, 'shape');
  if (!flat.every(Number.isFinite)) bad(file, 'holds a value that is not a finite number');
  const ys = readNpy(labelsFile);
  if (ys.shape.length !== 1 || ys.shape[0] !== n) bad(labelsFile, `shape (${ys.shape.join(', ')}): expected (${n},), one class index per window of ${file}`, 'shape');
  const y = Array.from(ys.data as ArrayLike<number | bigint>, (v, i) => labelIndex(typeof v === 'bigint' ? Number(v) : v, i, classes, null, labelsFile));
  return { x: Array.from({ length: n }, (_, i) => flat.slice(i * windowSize, (i + 1) * windowSize)), y };
}

export function readLabelledWindows(file: string, labelsFile: string | undefined, windowSize: number, classes: number, labels: readonly string[] | null): LabelledWindows {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') {
    if (labelsFile !== undefined) bad(labelsFile, '--data-labels goes with a .npy --data file; a JSON file holds its labels ("y")');
    return readJson(file, windowSize, classes, labels);
  }
  if (ext === '.npy') {
    if (labelsFile === undefined) bad(file, 'a .npy --data file needs its labels: --data-labels Y.npy (one class index per window)');
    return readNpyPair(file, labelsFile!, windowSize, classes);
  }
  return bad(file, `expected a .json file {"x": [...], "y": [...]} or a .npy file with --data-labels, not '${ext || 'a file without extension'}'`);
}
