/**
 * PhysioNet WFDB records: the header (`.hea`), the signal files (`.dat`, formats 212, 16 and 80) and
 * MIT-format annotation files (`.atr`). Written from the WFDB format descriptions (header(5),
 * signal(5), annot(5) in the WFDB Software Package); no code was taken from any WFDB reader.
 *
 * Every file is treated as hostile: each field is matched against its grammar, every count is capped
 * before anything is allocated, file lengths are checked against the header before a byte is decoded,
 * and a record whose checksum or initial value disagrees with its samples is refused, since a corrupted
 * recording must not silently train a model. Every refusal is a located EdgecError.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EdgecError, fail } from '../support/diagnostics.ts';

/** Largest sample count (all signals together) we allocate for: 2^28 int16 values = 512 MiB. */
export const MAX_SAMPLES = 2 ** 28;
const MAX_SIGNALS = 1024;
const MAX_HEADER_BYTES = 1 << 20;
const MAX_ANNOTATION_BYTES = 1 << 28;

export interface WfdbSignal {
  /** Signal file name, relative to the header's folder (a bare name: no folders, no `..`). */
  file: string;
  /** Storage format: 212, 16 and 80 are decoded; others are parsed and refused when read. */
  format: number;
  samplesPerFrame: number;
  skew: number;
  /** Bytes to skip at the start of the signal file (the `+offset` of the format field). */
  byteOffset: number;
  /** ADC units per physical unit (0 or absent in the header means 200, as WFDB defines). */
  gain: number;
  /** Digital value of physical zero; defaults to adcZero. */
  baseline: number;
  units: string;
  adcResolution: number;
  adcZero: number;
  /** First sample's digital value, when the header gives it (checked on read). */
  initialValue?: number;
  /** 16-bit sum of every sample, when the header gives it (checked on read). */
  checksum?: number;
  blockSize: number;
  description: string;
}

export interface WfdbHeader {
  record: string;
  /** Samples per second per signal. */
  fs: number;
  nSamples: number;
  signals: WfdbSignal[];
  /** `#` lines, without the `#`, in file order (MIT-BIH keeps age, sex and medications there). */
  comments: string[];
}

export interface WfdbRecord {
  header: WfdbHeader;
  /** One array per signal, digital (ADC) units. */
  digital: Int16Array[];
}

const INT = /^[+-]?\d{1,15}$/;
const NUM = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?$/;
const BARE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

/** Hostile text is quoted in messages, but never more than 40 characters of it. */
const clip = (s: string | undefined): string => ((s ?? '').length > 40 ? `${s!.slice(0, 40)}...` : (s ?? ''));

interface Token {
  text: string;
  start: number;
}

function tokens(line: string): Token[] {
  return Array.from(line.matchAll(/\S+/g), (m) => ({ text: m[0], start: m.index! }));
}

function intField(text: string | undefined, name: string, file: string, line: number, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  if (text === undefined || !INT.test(text)) fail('E-DATA-WFDB-HEADER', 'import', `${name} '${clip(text)}' is not an integer`, { file, field: `line ${line}: ${name}` });
  return Number(text);
}

function parseRecordLine(t: Token[], file: string, line: number): Omit<WfdbHeader, 'signals' | 'comments'> & { nsig: number } {
  const where = (field: string) => ({ file, field: `line ${line}: ${field}` });
  const [name, nsigText, fsText, nText] = t.map((x) => x.text);
  if (name!.includes('/')) fail('E-DATA-WFDB-HEADER', 'import', `multi-segment record '${clip(name)}' is not supported`, where('record'));
  if (!BARE_NAME.test(name!)) fail('E-DATA-WFDB-HEADER', 'import', `record name '${clip(name)}' is not a WFDB record name`, where('record'));
  const nsig = intField(nsigText, 'signal count', file, line);
  if (nsig < 0 || nsig > MAX_SIGNALS) fail('E-DATA-WFDB-HEADER', 'import', `signal count ${nsig} is outside 0..${MAX_SIGNALS}`, where('signal count'));
  // fs[/counter frequency[(base counter)]]: only the sampling frequency matters here.
  let fs = 250; // WFDB's default when the field is absent or zero
  if (fsText !== undefined) {
    const f = fsText.split('/')[0]!;
    if (!NUM.test(f)) fail('E-DATA-WFDB-HEADER', 'import', `sampling frequency '${clip(fsText)}' is not a number`, where('frequency'));
    const v = Number(f);
    if (!Number.isFinite(v) || v < 0) fail('E-DATA-WFDB-HEADER', 'import', `sampling frequency ${f} is not a positive number`, where('frequency'));
    if (v > 0) fs = v;
  }
  // Base time and date may follow; they do not affect the samples.
  const nSamples = nText === undefined ? 0 : intField(nText, 'sample count', file, line);
  if (nSamples < 0) fail('E-DATA-WFDB-HEADER', 'import', `sample count ${nSamples} is negative`, where('sample count'));
  if (nSamples * Math.max(nsig, 1) > MAX_SAMPLES) {
    fail('E-DATA-WFDB-HEADER', 'import', `${nsig} signals of ${nSamples} samples exceed the ${MAX_SAMPLES}-sample limit`, where('sample count'));
  }
  return { record: name!, nsig, fs, nSamples };
}

function parseSignalLine(line: string, t: Token[], file: string, lineNo: number): WfdbSignal {
  const where = (field: string) => ({ file, field: `line ${lineNo}: ${field}` });
  const f = t.map((x) => x.text);
  const name = f[0]!;
  if (!BARE_NAME.test(name) || name === '.' || name === '..') {
    fail('E-DATA-WFDB-HEADER', 'import', `signal file '${clip(name)}' is not a plain file name beside the header`, where('file'));
  }
  // format[xsamples per frame][:skew][+byte offset]
  const fm = /^(\d{1,4})(?:x(\d{1,4}))?(?::(\d{1,9}))?(?:\+(\d{1,12}))?$/.exec(f[1] ?? '');
  if (!fm) fail('E-DATA-WFDB-HEADER', 'import', `format '${clip(f[1])}' is not format[xN][:skew][+offset]`, where('format'));
  const format = Number(fm[1]);
  // gain[(baseline)][/units]
  let gain = 200;
  let baseline: number | undefined;
  let units = 'mV';
  if (f[2] !== undefined) {
    const gm = /^([^(/]+)(?:\(([^)]*)\))?(?:\/(\S+))?$/.exec(f[2]);
    if (!gm || !NUM.test(gm[1]!)) fail('E-DATA-WFDB-HEADER', 'import', `gain '${clip(f[2])}' is not gain[(baseline)][/units]`, where('gain'));
    const g = Number(gm[1]);
    if (!Number.isFinite(g)) fail('E-DATA-WFDB-HEADER', 'import', `gain ${gm[1]} is not finite`, where('gain'));
    if (g !== 0) gain = g;
    if (gm[2] !== undefined) baseline = intField(gm[2], 'baseline', file, lineNo);
    if (gm[3] !== undefined) units = gm[3];
  }
  const adcResolution = intField(f[3], 'ADC resolution', file, lineNo, 0);
  if (adcResolution < 0 || adcResolution > 32) fail('E-DATA-WFDB-HEADER', 'import', `ADC resolution ${adcResolution} is outside 0..32`, where('ADC resolution'));
  const adcZero = intField(f[4], 'ADC zero', file, lineNo, 0);
  const blockSize = intField(f[7], 'block size', file, lineNo, 0);
  if (blockSize < 0) fail('E-DATA-WFDB-HEADER', 'import', `block size ${blockSize} is negative`, where('block size'));
  return {
    file: name,
    format,
    samplesPerFrame: fm[2] === undefined ? 1 : Number(fm[2]),
    skew: fm[3] === undefined ? 0 : Number(fm[3]),
    byteOffset: fm[4] === undefined ? 0 : Number(fm[4]),
    gain,
    baseline: baseline ?? adcZero,
    units,
    adcResolution: adcResolution || ({ 212: 12, 16: 16, 80: 8 } as Record<number, number>)[format] || 12,
    adcZero,
    initialValue: f[5] === undefined ? undefined : intField(f[5], 'initial value', file, lineNo),
    checksum: f[6] === undefined ? undefined : intField(f[6], 'checksum', file, lineNo),
    blockSize,
    description: t[8] ? line.slice(t[8].start).trim() : '',
  };
}

/** Parses a `.hea` text: record line, one line per signal; `#` comment lines and blank lines anywhere. */
export function parseWfdbHeader(text: string, file: string): WfdbHeader {
  const comments: string[] = [];
  let head: ReturnType<typeof parseRecordLine> | undefined;
  const signals: WfdbSignal[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      comments.push(line.slice(1).trim());
      return;
    }
    const t = tokens(line);
    if (!head) head = parseRecordLine(t, file, i + 1);
    else if (signals.length < head.nsig) signals.push(parseSignalLine(line, t, file, i + 1));
    else fail('E-DATA-WFDB-HEADER', 'import', `line ${i + 1} follows the ${head.nsig} signal lines but is not a comment`, { file, field: `line ${i + 1}` });
  });
  if (!head) fail('E-DATA-WFDB-HEADER', 'import', 'no record line', { file });
  if (signals.length !== head.nsig) fail('E-DATA-WFDB-HEADER', 'import', `the record line announces ${head.nsig} signals, the header describes ${signals.length}`, { file, field: 'signal count' });
  return { record: head.record, fs: head.fs, nSamples: head.nSamples, signals, comments };
}

/** Reads a whole file, refusing one larger than `max` bytes before reading it. */
function readBytes(path: string, code: string, max: number): Uint8Array {
  try {
    const size = statSync(path).size;
    if (size > max) fail(code, 'import', `file has ${size} bytes, more than the ${max} this reader accepts`, { file: path });
    return readFileSync(path);
  } catch (e) {
    if (e instanceof EdgecError) throw e;
    return fail(code, 'import', `cannot read: ${(e as Error).message}`, { file: path });
  }
}

/** Bytes `total` interleaved samples take in a format (format 212 packs two samples in three bytes). */
const BYTES: Record<number, (total: number) => number> = { 212: (n) => Math.ceil((n * 3) / 2), 16: (n) => n * 2, 80: (n) => n };

/**
 * Decodes one file's samples, interleaved frame by frame (signal 0 at t=0, signal 1 at t=0, ...,
 * signal 0 at t=1, ...), straight into one array per signal.
 *
 *   format 212, one 3-byte group per two samples a, b:
 *     byte 0: a bits 7..0 | byte 1: b bits 11..8 (high nibble), a bits 11..8 (low nibble) | byte 2: b bits 7..0
 *   format 16: little-endian two's complement; format 80: offset binary (byte - 128).
 */
function decode(format: number, bytes: Uint8Array, start: number, outs: Int16Array[]): void {
  const n = outs.length;
  const total = n * outs[0]!.length;
  let sig = 0;
  let t = 0;
  const put = (v: number) => {
    outs[sig]![t] = v;
    if (++sig === n) [sig, t] = [0, t + 1];
  };
  if (format === 16) {
    for (let k = 0; k < total; k++) put(bytes[start + 2 * k]! | (bytes[start + 2 * k + 1]! << 8));
  } else if (format === 80) {
    for (let k = 0; k < total; k++) put(bytes[start + k]! - 128);
  } else {
    for (let k = 0; k < total; k += 2) {
      const p = start + (k >> 1) * 3;
      const b1 = bytes[p + 1]!;
      put(((bytes[p]! | ((b1 & 0x0f) << 8)) << 20) >> 20); // sign-extend 12 bits
      if (k + 1 < total) put(((bytes[p + 2]! | ((b1 & 0xf0) << 4)) << 20) >> 20);
    }
  }
}

interface FileGroup {
  file: string;
  signals: number[];
}

/** Signals sharing a file are consecutive lines in the header; their samples are interleaved. */
function groupByFile(header: WfdbHeader, path: string): FileGroup[] {
  const groups: FileGroup[] = [];
  header.signals.forEach((s, i) => {
    const last = groups[groups.length - 1];
    if (last?.file === s.file) last.signals.push(i);
    else if (groups.some((g) => g.file === s.file)) fail('E-DATA-WFDB-HEADER', 'import', `signal ${i} returns to file '${s.file}' after another file`, { file: path, field: `signal ${i}` });
    else groups.push({ file: s.file, signals: [i] });
  });
  return groups;
}

function readGroup(dir: string, header: WfdbHeader, group: FileGroup, hea: string, digital: Int16Array[]): void {
  const first = header.signals[group.signals[0]!]!;
  for (const i of group.signals) {
    const s = header.signals[i]!;
    const where = { file: hea, field: `signal ${i}` };
    if (!BYTES[s.format]) fail('E-DATA-WFDB-HEADER', 'import', `format ${s.format} is not supported (212, 16 and 80 are)`, where);
    if (s.format !== first.format || s.byteOffset !== first.byteOffset) fail('E-DATA-WFDB-HEADER', 'import', `signals in '${s.file}' disagree on format or byte offset`, where);
    if (s.samplesPerFrame !== 1) fail('E-DATA-WFDB-HEADER', 'import', `${s.samplesPerFrame} samples per frame: multi-frequency records are not supported`, where);
    if (s.skew !== 0) fail('E-DATA-WFDB-HEADER', 'import', `skew ${s.skew}: skewed signals are not supported`, where);
  }
  const path = join(dir, group.file);
  const total = header.nSamples * group.signals.length;
  const need = first.byteOffset + BYTES[first.format]!(total);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    fail('E-DATA-WFDB-SIGNAL', 'import', `cannot read: ${(e as Error).message}`, { file: path });
  }
  // Checked before reading, so a header cannot make us read (or allocate) more than the file holds.
  const slack = first.format === 212 && total % 2 === 1 ? 1 : 0; // an odd count may fill its last group
  if (size < need || size > need + slack) {
    fail('E-DATA-WFDB-SIGNAL', 'import', `file has ${size} bytes; ${group.signals.length} signals of ${header.nSamples} samples in format ${first.format} take ${need}`, {
      file: path,
      offset: Math.min(size, need),
    });
  }
  const bytes = readBytes(path, 'E-DATA-WFDB-SIGNAL', need + slack);
  if (bytes.length !== size) fail('E-DATA-WFDB-SIGNAL', 'import', 'file changed while being read', { file: path });
  const outs = group.signals.map(() => new Int16Array(header.nSamples));
  decode(first.format, bytes, first.byteOffset, outs);
  group.signals.forEach((sig, j) => {
    checkSignal(outs[j]!, header.signals[sig]!, sig, path);
    digital[sig] = outs[j]!;
  });
}

/** The header's initial value and checksum must describe the samples read. */
function checkSignal(d: Int16Array, s: WfdbSignal, index: number, path: string): void {
  const where = { file: path, field: `signal ${index} (${s.description || s.file})` };
  if (s.initialValue !== undefined && d.length > 0 && d[0] !== s.initialValue) {
    fail('E-DATA-WFDB-SIGNAL', 'import', `first sample is ${d[0]}, the header's initial value ${s.initialValue}`, where);
  }
  if (s.checksum === undefined) return;
  let sum = 0;
  for (let t = 0; t < d.length; t++) sum = (sum + d[t]!) & 0xffff;
  if (sum !== (s.checksum & 0xffff)) {
    fail('E-DATA-WFDB-SIGNAL', 'import', `checksum of the samples is ${(sum << 16) >> 16}, the header's ${s.checksum}: the file is corrupt or not this record's`, where);
  }
}

/** Reads `<dir>/<record>.hea` and its signal files; checks lengths, initial values and checksums. */
export function readWfdbRecord(dir: string, record: string): WfdbRecord {
  const hea = join(dir, `${record}.hea`);
  if (!BARE_NAME.test(record)) fail('E-DATA-WFDB-HEADER', 'import', `record name '${clip(record)}' is not a WFDB record name`, { file: hea });
  const header = parseWfdbHeader(Buffer.from(readBytes(hea, 'E-DATA-WFDB-HEADER', MAX_HEADER_BYTES)).toString('latin1'), hea);
  if (header.signals.length > 0 && header.nSamples === 0) {
    fail('E-DATA-WFDB-HEADER', 'import', 'the record line gives no sample count; this reader needs one to check the signal files', { file: hea, field: 'sample count' });
  }
  const digital: Int16Array[] = new Array(header.signals.length);
  for (const group of groupByFile(header, hea)) readGroup(dir, header, group, hea, digital);
  return { header, digital };
}

/** Physical units (mV for ECG): (digital - baseline) / gain. */
export function toPhysical(digital: Int16Array, signal: Pick<WfdbSignal, 'baseline' | 'gain'>): Float32Array {
  const out = new Float32Array(digital.length);
  for (let i = 0; i < digital.length; i++) out[i] = (digital[i]! - signal.baseline) / signal.gain;
  return out;
}

export interface MitAnnotation {
  /** Sample index (time in samples from the record's start). */
  sample: number;
  code: number;
  symbol: string;
  subtype: number;
  chan: number;
  num: number;
  aux?: string;
}

/**
 * Mnemonics of the annotation codes 0..49, from the WFDB Software Package (10.x): the code values of
 * lib/ecgcodes.h and the `cstring` table of lib/annot.c (https://github.com/bemoody/wfdb); codes
 * it leaves undefined print as `[n]`, as WFDB's ecgstr() does.
 */
const MIT_SYMBOLS: readonly string[] = [
  ...[' ', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', 'E', 'j', '/', 'Q', '~', '[15]', '|', '[17]', 's', 'T', '*'],
  ...['D', '"', '=', 'p', 'B', '^', 't', '+', 'u', '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(', ')', 'r'],
  ...Array.from({ length: 8 }, (_, i) => `[${42 + i}]`),
];

const SKIP = 59;
const NUM_CODE = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;

/**
 * Reads an MIT-format annotation file: 16-bit little-endian words, code = word >> 10, value = word & 1023.
 *
 *   code 1..49 : an annotation; value = samples since the previous one
 *   0, value 0 : end of file           0, value > 0 : a null annotation (WFDB's NOTQRS)
 *   SKIP (59)  : the next two words are a signed 32-bit interval, high half first (PDP-11 order)
 *   NUM (60), CHN (62) : set num / chan of the annotation just read and of those after it
 *   SUB (61)   : subtype of the annotation just read
 *   AUX (63)   : value bytes of text follow, padded to an even length; aux of the annotation just read
 */
export function readMitAnnotations(path: string): MitAnnotation[] {
  const bytes = readBytes(path, 'E-DATA-WFDB-ANNOT', MAX_ANNOTATION_BYTES);
  const bad: (message: string, offset: number) => never = (message, offset) => fail('E-DATA-WFDB-ANNOT', 'import', message, { file: path, offset });
  const word = (p: number): number => {
    if (p + 2 > bytes.length) bad('file ends before its end-of-file word', p);
    return bytes[p]! | (bytes[p + 1]! << 8);
  };
  const out: MitAnnotation[] = [];
  let time = 0;
  let chan = 0;
  let num = 0;
  let last: MitAnnotation | undefined;
  for (let p = 0; ; ) {
    const at = p;
    const w = word(p);
    p += 2;
    if (w === 0) break;
    const code = w >> 10;
    const value = w & 1023;
    if (code === SKIP) {
      const interval = (word(p) << 16) | word(p + 2) | 0;
      p += 4;
      time += interval;
      if (time < 0) bad(`SKIP of ${interval} moves before the record's start`, at);
    } else if (code === NUM_CODE || code === CHN) {
      if (code === NUM_CODE) num = value;
      else chan = value;
      if (last) last[code === NUM_CODE ? 'num' : 'chan'] = value;
    } else if (code === SUB || code === AUX) {
      if (!last) bad(`${code === SUB ? 'SUB' : 'AUX'} before any annotation`, at);
      if (code === SUB) last.subtype = value;
      else {
        const padded = value + (value & 1);
        if (p + padded > bytes.length) bad(`AUX of ${value} bytes runs past the end of the file`, at);
        // Writers count a terminating NUL in the length (MIT-BIH does); the text ends at the first NUL, as in C.
        last.aux = Buffer.from(bytes.subarray(p, p + value))
          .toString('latin1')
          .split('\u0000')[0]!;
        p += padded;
      }
    } else if (code < 50) {
      time += value;
      last = { sample: time, code, symbol: MIT_SYMBOLS[code]!, subtype: 0, chan, num };
      out.push(last);
    } else {
      bad(`annotation code ${code} is not defined`, at);
    }
  }
  return out;
}
