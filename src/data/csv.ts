/**
 * Numeric CSV tables, as researchers export recordings (one row per instant, one column per channel),
 * and sliding windows over them. A cell that is not a finite number is a located error (line and
 * column), never a silent NaN; a column of category names (an activity code, a label) is read only
 * when named in `categorical`, and then holds each row's index into that column's `categories`.
 *
 * Tolerated: a delimiter detected among ',' ';' and tab; a header line, detected or told; quoted
 * cells ("a ""b""" is `a "b"`, no line breaks inside quotes); a trailing ';' (WISDM) or a trailing
 * delimiter; blank lines; CRLF.
 */
import { readFileSync, statSync } from 'node:fs';
import { EdgecError, fail } from '../support/diagnostics.ts';

const MAX_BYTES = 1 << 28;
/** Cells held at once (8 bytes each): 512 MiB. */
const MAX_CELLS = 1 << 26;
const DELIMITERS = [',', ';', '\t'] as const;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export type Delimiter = (typeof DELIMITERS)[number];

export interface CsvOptions {
  delimiter?: Delimiter;
  /** 'auto' (default): the first line is a header when one of its cells is not a number where the second line's is. */
  header?: 'auto' | boolean;
  /** Columns (names or indices) of category names rather than numbers. */
  categorical?: readonly (string | number)[];
}

export interface CsvTable {
  /** Header names, or '0', '1', ... without a header. */
  columns: string[];
  rows: number;
  /** One array per column; a categorical column holds indices into its `categories`. */
  data: Float64Array[];
  /** Per column: the category names in order of first appearance, or undefined for a numeric column. */
  categories: (string[] | undefined)[];
}

interface Line {
  text: string;
  /** 1-based line number in the file. */
  number: number;
}

/** Splits one line; quoted cells may hold the delimiter and doubled quotes. */
function splitCells(line: Line, delimiter: string, file: string): string[] {
  const s = line.text;
  if (!s.includes('"')) return s.split(delimiter).map((c) => c.trim());
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    while (s[i] === ' ') i++;
    let cell = '';
    if (s[i] === '"') {
      for (i++; ; i++) {
        if (i >= s.length) fail('E-DATA-CSV', 'import', `line ${line.number}: a quoted cell is not closed`, { file, field: `line ${line.number}` });
        if (s[i] === '"' && s[i + 1] === '"') cell += s[i++];
        else if (s[i] === '"') break;
        else cell += s[i];
      }
      i++;
      while (s[i] === ' ') i++;
      if (i < s.length && s[i] !== delimiter) fail('E-DATA-CSV', 'import', `line ${line.number}: text after a quoted cell`, { file, field: `line ${line.number}, column ${cells.length + 1}` });
    } else {
      const end = s.indexOf(delimiter, i);
      cell = s.slice(i, end < 0 ? s.length : end).trim();
      i = end < 0 ? s.length : end;
    }
    cells.push(cell);
    if (i >= s.length) return cells;
    i++; // the delimiter
  }
}

/** Occurrences of `d` outside quotes, ignoring trailing ones. */
function countOutsideQuotes(s: string, d: string): number {
  let n = 0;
  let quoted = false;
  const end = s.replace(new RegExp(`[${d === '\t' ? '\\t' : d}\\s]+$`), '').length;
  for (let i = 0; i < end; i++) {
    if (s[i] === '"') quoted = !quoted;
    else if (s[i] === d && !quoted) n++;
  }
  return n;
}

/** The candidate found the same number of times on each of the first lines wins; the most frequent such. */
function detectDelimiter(lines: readonly Line[]): Delimiter {
  const sample = lines.slice(0, 10).map((l) => l.text);
  let best: Delimiter = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const counts = sample.map((s) => countOutsideQuotes(s, d));
    const c = counts[0] ?? 0;
    if (c > bestCount && counts.every((k) => k === c)) [best, bestCount] = [d, c];
  }
  if (bestCount > 0) return best;
  // No candidate is consistent: the most frequent on the first line.
  for (const d of DELIMITERS) {
    const c = countOutsideQuotes(sample[0] ?? '', d);
    if (c > bestCount) [best, bestCount] = [d, c];
  }
  return best;
}

const isNumber = (cell: string): boolean => NUMBER.test(cell) && Number.isFinite(Number(cell));

function cellsOf(line: Line, delimiter: Delimiter, file: string): string[] {
  // WISDM ends each line with ';' even though its delimiter is ','.
  const text = delimiter !== ';' ? line.text.replace(/;\s*$/, '') : line.text;
  const cells = splitCells({ text, number: line.number }, delimiter, file);
  if (cells.length > 1 && cells[cells.length - 1] === '') cells.pop(); // a trailing delimiter
  return cells;
}

/** Parses CSV text; `file` locates errors. */
export function parseCsv(text: string, file: string, options: CsvOptions = {}): CsvTable {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((t, i) => {
    if (t.trim() !== '') lines.push({ text: t, number: i + 1 });
  });
  if (lines.length === 0) fail('E-DATA-CSV', 'import', 'no rows', { file });
  const delimiter = options.delimiter ?? detectDelimiter(lines);
  const first = cellsOf(lines[0]!, delimiter, file);
  const second = lines[1] ? cellsOf(lines[1], delimiter, file) : undefined;
  const header = options.header === undefined || options.header === 'auto' ? first.some((c, j) => !isNumber(c) && (second ? isNumber(second[j] ?? '') : true)) : options.header;
  const columns = header ? first : first.map((_, j) => String(j));
  const width = columns.length;
  const body = header ? lines.slice(1) : lines;
  if (body.length * width > MAX_CELLS) fail('E-DATA-CSV', 'import', `${body.length} rows of ${width} columns exceed the ${MAX_CELLS}-cell limit`, { file });
  const categorical = new Set((options.categorical ?? []).map((c) => columnIndex(columns, c, file)));
  const categories = columns.map((_, j) => (categorical.has(j) ? [] : undefined)) as (string[] | undefined)[];
  const data = columns.map(() => new Float64Array(body.length));
  body.forEach((line, r) => {
    const cells = cellsOf(line, delimiter, file);
    if (cells.length !== width) fail('E-DATA-CSV', 'import', `line ${line.number} has ${cells.length} cells, the table ${width}`, { file, field: `line ${line.number}` });
    cells.forEach((cell, j) => {
      const names = categories[j];
      if (names) {
        let k = names.indexOf(cell);
        if (k < 0) k = names.push(cell) - 1;
        data[j]![r] = k;
      } else if (isNumber(cell)) {
        data[j]![r] = Number(cell);
      } else {
        fail('E-DATA-CSV', 'import', `line ${line.number}, column ${j + 1} (${columns[j]}): '${cell.slice(0, 40)}' is not a finite number`, {
          file,
          field: `line ${line.number}, column ${j + 1}`,
        });
      }
    });
  });
  return { columns, rows: body.length, data, categories };
}

/** Reads a CSV file (at most 256 MiB). */
export function readCsv(path: string, options: CsvOptions = {}): CsvTable {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_BYTES) fail('E-DATA-CSV', 'import', `file has ${size} bytes, more than the ${MAX_BYTES} this reader accepts`, { file: path });
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof EdgecError) throw e;
    return fail('E-DATA-READ', 'import', `cannot read: ${(e as Error).message}`, { file: path });
  }
  return parseCsv(text, path, options);
}

function columnIndex(columns: readonly string[], c: string | number, file?: string): number {
  const j = typeof c === 'number' ? c : columns.indexOf(c);
  if (!Number.isInteger(j) || j < 0 || j >= columns.length) fail('E-DATA-CSV', 'import', `no column ${JSON.stringify(c)} (columns: ${columns.join(', ')})`, { file, field: String(c) });
  return j;
}

export interface CsvWindowOptions {
  /** Channels, in order (names or indices). */
  columns: readonly (string | number)[];
  labelColumn?: string | number;
  /** Rows per window. */
  window: number;
  /** Rows between window starts. */
  hop: number;
}

export interface CsvWindows {
  /** Each window [window * channels], time-major (all channels of row 0, then row 1, ...). */
  x: Float32Array[];
  /** First row of each window. */
  start: number[];
  /** Index into `labels` of each window's label. */
  y?: number[];
  /** Label names: a categorical column's categories, or a numeric column's distinct values ascending. */
  labels?: string[];
}

/**
 * Windows of `window` rows every `hop` rows. With a label column, a window whose rows carry two
 * labels is skipped, not given the majority label: such a window shows a transition, and labelling
 * it with either activity teaches the model the boundary wrong.
 */
export function csvWindows(table: CsvTable, options: CsvWindowOptions): CsvWindows {
  const { window: size, hop } = options;
  for (const [name, v] of [
    ['window', size],
    ['hop', hop],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1) fail('E-DATA-OPTIONS', 'import', `${name} must be a positive integer, not ${v}`, { field: name });
  }
  const channels = options.columns.map((c) => table.data[columnIndex(table.columns, c)]!);
  if (channels.length === 0) fail('E-DATA-OPTIONS', 'import', 'no columns to window', { field: 'columns' });
  const label = options.labelColumn === undefined ? undefined : columnIndex(table.columns, options.labelColumn);
  const labelData = label === undefined ? undefined : table.data[label]!;
  let labels: string[] | undefined;
  let indexOf: ((v: number) => number) | undefined;
  if (label !== undefined && labelData) {
    const names = table.categories[label];
    const values = names ? undefined : [...new Set(labelData)].sort((a, b) => a - b);
    labels = names ? [...names] : values!.map(String);
    indexOf = names ? (v) => v : (v) => values!.indexOf(v);
  }
  const out: CsvWindows = { x: [], start: [], ...(labels ? { y: [], labels } : {}) };
  for (let start = 0; start + size <= table.rows; start += hop) {
    if (labelData) {
      const l = labelData[start]!;
      if (!labelData.subarray(start, start + size).every((v) => v === l)) continue;
      out.y!.push(indexOf!(l));
    }
    const x = new Float32Array(size * channels.length);
    for (let t = 0; t < size; t++) for (let c = 0; c < channels.length; c++) x[t * channels.length + c] = channels[c]![start + t]!;
    out.x.push(x);
    out.start.push(start);
  }
  return out;
}
