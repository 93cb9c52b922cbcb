/**
 * The dataset loaders (src/data): WFDB records and MIT annotations checked against figures another
 * decoder produced (data/mitbih/README.md, test/fixtures/data), round trips through small encoders
 * written here, and hostile files, each of which must be a located EdgecError.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AAMI_CLASSES, aamiClass, DS1, DS2, loadBeats, RR_FEATURES } from '../../src/data/mitbih.ts';
import { csvWindows, parseCsv, readCsv } from '../../src/data/csv.ts';
import { npyToFloat32, parseNpy, readNpy, writeNpy } from '../../src/data/npy.ts';
import { parseWfdbHeader, readMitAnnotations, readWfdbRecord, toPhysical } from '../../src/data/wfdb.ts';
import { EdgecError, type Location } from '../../src/support/diagnostics.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';

const MITBIH = join(PACKAGE_ROOT, 'data', 'mitbih');
const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures', 'data');
const TMP = mkdtempSync(join(tmpdir(), 'edgec-data-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function errorOf(f: () => unknown): { code: string; location?: Location; message: string } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof EdgecError)) throw e;
    const d = e.diagnostics[0]!;
    return { code: d.code, location: d.location, message: d.message };
  }
  throw new Error('accepted');
}

/** A fresh folder holding the given files. */
function folder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(TMP, 'case-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

// ---- tiny WFDB encoders (the test's own, so the reader is checked against an independent writer) ----

function interleave(signals: number[][]): number[] {
  return signals[0]!.flatMap((_, t) => signals.map((s) => s[t]!));
}

function encode16(signals: number[][]): Uint8Array {
  const v = interleave(signals);
  const out = new Uint8Array(v.length * 2);
  v.forEach((x, i) => {
    out[2 * i] = x & 0xff;
    out[2 * i + 1] = (x >> 8) & 0xff;
  });
  return out;
}

function encode212(signals: number[][]): Uint8Array {
  const v = interleave(signals);
  const out = new Uint8Array(Math.ceil((v.length * 3) / 2));
  for (let k = 0; k < v.length; k += 2) {
    const a = v[k]! & 0xfff;
    const b = (v[k + 1] ?? 0) & 0xfff;
    const p = (k / 2) * 3;
    out[p] = a & 0xff;
    out[p + 1] = ((a >> 8) & 0x0f) | ((b >> 8) << 4);
    if (k + 1 < v.length) out[p + 2] = b & 0xff;
  }
  return out;
}

const checksum = (s: number[]) => (s.reduce((a, b) => (a + b) & 0xffff, 0) << 16) >> 16;

function header(record: string, file: string, format: string, signals: number[][]): string {
  const lines = signals.map((s, i) => `${file} ${format} 100(5)/uV 12 0 ${s[0]} ${checksum(s)} 0 lead ${i}`);
  return `${record} ${signals.length} 250 ${signals[0]!.length}\n${lines.join('\n')}\n`;
}

// ---- MIT annotation encoder: one word per (code, value), little-endian ----
const word = (code: number, value: number) => [value & 0xff, ((code << 2) | (value >> 8)) & 0xff];
/** SKIP: a signed 32-bit interval, high 16 bits first (PDP-11 order). */
const skip = (n: number) => [...word(59, 0), (n >>> 16) & 0xff, n >>> 24, n & 0xff, (n >>> 8) & 0xff];
const aux = (text: string) => [...word(63, text.length), ...Buffer.from(text, 'latin1'), ...(text.length % 2 ? [0] : [])];

describe('WFDB records', () => {
  const rec100 = readWfdbRecord(MITBIH, '100');

  it('reads record 100: header, initial values, checksums', () => {
    const h = rec100.header;
    expect([h.record, h.fs, h.nSamples, h.signals.length]).toEqual(['100', 360, 650000, 2]);
    expect(h.comments).toEqual(['unnecessary comment', '69 M 1085 1629 x1', 'Aldomet, Inderal']);
    expect(h.signals.map((s) => [s.file, s.format, s.gain, s.baseline, s.adcResolution, s.initialValue, s.checksum, s.description])).toEqual([
      ['100.dat', 212, 200, 1024, 11, 995, -22131, 'MLII'],
      ['100.dat', 212, 200, 1024, 11, 1011, 20052, 'V5'],
    ]);
    expect(rec100.digital.map((d) => [d.length, d[0]])).toEqual([
      [650000, 995],
      [650000, 1011],
    ]);
    expect(rec100.digital.map((d) => checksum(Array.from(d)))).toEqual([-22131, 20052]);
    expect(toPhysical(rec100.digital[0]!, h.signals[0]!)[0]).toBeCloseTo((995 - 1024) / 200, 6);
  });

  it('decodes the first 1000 samples of record 100 as an independent decoder did', () => {
    const ref = readCsv(join(FIXTURES, 'mitbih_100_adc_head.csv'));
    expect(ref.columns).toEqual(['sample', 'MLII', 'V5']);
    expect(ref.rows).toBe(1000);
    expect(Array.from(rec100.digital[0]!.subarray(0, 1000))).toEqual(Array.from(ref.data[1]!));
    expect(Array.from(rec100.digital[1]!.subarray(0, 1000))).toEqual(Array.from(ref.data[2]!));
  });

  it('verifies every record of data/mitbih (lengths, initial values, checksums)', () => {
    for (const r of [...DS1, ...DS2]) expect(readWfdbRecord(MITBIH, r).digital[0]!.length).toBe(650000);
  });

  it('round-trips formats 16, 212 (odd sample count too) and 80 with negative values', () => {
    const a = [-2048, -1, 0, 1, 2047, -1000, 5];
    const b = [3, -3, 1024, -1024, 17, -17, 0];
    const one = [-7, 100, -2048, 2047, 1]; // 5 samples, one signal: the last 3-byte group is half used
    const d16 = folder({ 'r.hea': header('r', 'r.dat', '16', [a.map((x) => x * 16), b]), 'r.dat': encode16([a.map((x) => x * 16), b]) });
    expect(readWfdbRecord(d16, 'r').digital.map((d) => Array.from(d))).toEqual([a.map((x) => x * 16), b]);
    const d212 = folder({ 'r.hea': header('r', 'r.dat', '212', [a, b]), 'r.dat': encode212([a, b]), 'o.hea': header('o', 'o.dat', '212', [one]), 'o.dat': encode212([one]) });
    const r = readWfdbRecord(d212, 'r');
    expect(r.digital.map((d) => Array.from(d))).toEqual([a, b]);
    expect(r.header.signals[0]).toMatchObject({ gain: 100, baseline: 5, units: 'uV', description: 'lead 0' });
    expect(Array.from(toPhysical(r.digital[0]!, r.header.signals[0]!))).toEqual(a.map((x) => (x - 5) / 100).map(Math.fround));
    expect(Array.from(readWfdbRecord(d212, 'o').digital[0]!)).toEqual(one);
    const s80 = [-128, -1, 0, 127];
    const d80 = folder({ 'r.hea': header('r', 'r.dat', '80', [s80]), 'r.dat': Uint8Array.from(s80, (x) => x + 128) });
    expect(Array.from(readWfdbRecord(d80, 'r').digital[0]!)).toEqual(s80);
  });

  it('parses optional fields and their defaults', () => {
    const h = parseWfdbHeader('# c\n\nrec 2 360/1000(0) 10 12:00:00 01/01/2000\na.dat 16+24\na.dat 16+24 0/mV 16 7\n', 'x.hea');
    expect(h.fs).toBe(360);
    expect(h.signals[0]).toMatchObject({ byteOffset: 24, gain: 200, baseline: 0, adcZero: 0, units: 'mV', adcResolution: 16, initialValue: undefined, checksum: undefined });
    expect(h.signals[1]).toMatchObject({ gain: 200, baseline: 7, adcZero: 7 });
  });
});

describe('hostile WFDB files', () => {
  const hea100 = readFileSync(join(MITBIH, '100.hea'), 'latin1');
  const dat100 = readFileSync(join(MITBIH, '100.dat'));

  it('refuses a truncated signal file before decoding it', () => {
    const dir = folder({ '100.hea': hea100, '100.dat': dat100.subarray(0, 1000) });
    const e = errorOf(() => readWfdbRecord(dir, '100'));
    expect(e.code).toBe('E-DATA-WFDB-SIGNAL');
    expect(e.location?.file).toBe(join(dir, '100.dat'));
    expect(e.location?.offset).toBe(1000);
  });

  it('refuses a header claiming 1e12 samples without allocating them', () => {
    const e = errorOf(() => parseWfdbHeader(hea100.replace('650000', '1000000000000'), '100.hea'));
    expect(e).toMatchObject({ code: 'E-DATA-WFDB-HEADER', location: { file: '100.hea', field: 'line 2: sample count' } });
  });

  it('refuses a signal file whose checksum disagrees with its header (one byte flipped)', () => {
    const bad = Uint8Array.from(dat100);
    bad[300001]! ^= 0x10;
    const dir = folder({ '100.hea': hea100, '100.dat': bad });
    const e = errorOf(() => readWfdbRecord(dir, '100'));
    expect(e.code).toBe('E-DATA-WFDB-SIGNAL');
    expect(e.location).toMatchObject({ file: join(dir, '100.dat') });
    expect(e.message).toMatch(/checksum/);
  });

  it('refuses a first sample that is not the initial value', () => {
    const dir = folder({ '100.hea': hea100.replace(' 995 ', ' 996 '), '100.dat': dat100 });
    expect(errorOf(() => readWfdbRecord(dir, '100'))).toMatchObject({ code: 'E-DATA-WFDB-SIGNAL', location: { field: 'signal 0 (MLII)' } });
  });

  for (const [what, text, field] of [
    ['a non-numeric sample count', '100 2 360 lots\n', 'line 1: sample count'],
    ['a NaN frequency', '100 1 NaN 10\n', 'line 1: frequency'],
    ['a negative signal count', '100 -2 360 10\n', 'line 1: signal count'],
    ['a NaN gain', '100 1 360 10\n100.dat 212 NaN 11 1024\n', 'line 2: gain'],
    ['a non-numeric ADC zero', '100 1 360 10\n100.dat 212 200 11 zero\n', 'line 2: ADC zero'],
    ['a signal file outside the folder', '100 1 360 10\n../100.dat 212 200\n', 'line 2: file'],
    ['a malformed format', '100 1 360 10\n100.dat 212y 200\n', 'line 2: format'],
    ['too few signal lines', '100 2 360 10\n100.dat 212 200\n', 'signal count'],
    ['an extra line', '100 1 360 10\n100.dat 212 200\nstray\n', 'line 3'],
  ] as const) {
    it(`refuses a header with ${what}`, () => {
      const e = errorOf(() => parseWfdbHeader(text, 'h.hea'));
      expect(e.code).toBe('E-DATA-WFDB-HEADER');
      expect(e.location).toMatchObject({ file: 'h.hea', field });
    });
  }

  it('refuses unsupported formats and absent sample counts when reading', () => {
    const dir = folder({ 'a.hea': '100 1 360 10\n100.dat 310 200\n', 'b.hea': '100 1 360\n100.dat 212 200\n' });
    expect(errorOf(() => readWfdbRecord(dir, 'a'))).toMatchObject({ code: 'E-DATA-WFDB-HEADER', location: { field: 'signal 0' } });
    expect(errorOf(() => readWfdbRecord(dir, 'b'))).toMatchObject({ code: 'E-DATA-WFDB-HEADER', location: { field: 'sample count' } });
  });
});

describe('MIT annotations', () => {
  const annotations = (r: string) => readMitAnnotations(join(MITBIH, `${r}.atr`));
  const counts = (r: string) => {
    const c = [0, 0, 0, 0, 0];
    for (const a of annotations(r)) {
      const k = aamiClass(a.symbol);
      if (k !== undefined) c[k]!++;
    }
    return c;
  };

  it('reads record 100: symbols, times, the aux text', () => {
    const a = annotations('100');
    expect(a.slice(0, 3)).toEqual([
      { sample: 18, code: 28, symbol: '+', subtype: 0, chan: 0, num: 0, aux: '(N' },
      { sample: 77, code: 1, symbol: 'N', subtype: 0, chan: 0, num: 0 },
      { sample: 370, code: 1, symbol: 'N', subtype: 0, chan: 0, num: 0 },
    ]);
    expect(counts('100')).toEqual([2239, 33, 1, 0, 0]);
  });

  it('counts each AAMI class as data/mitbih/README.md does, per record and per split', () => {
    const table = new Map<string, number[]>();
    for (const line of readFileSync(join(MITBIH, 'README.md'), 'utf8').split('\n')) {
      const m = /^\| (\d{3})[^|]* \| DS\d \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|/.exec(line);
      if (m) table.set(m[1]!, m.slice(2, 7).map(Number));
    }
    expect(table.size).toBe(25);
    const total = (records: readonly string[]) => records.map(counts).reduce((s, c) => s.map((v, k) => v + c[k]!));
    for (const r of [...DS1, ...DS2]) expect([r, counts(r)]).toEqual([r, table.get(r)]);
    expect(total(DS1)).toEqual([23860, 919, 3509, 396, 6]);
    expect(total(DS2)).toEqual([26978, 1771, 3195, 387, 7]);
  });

  it('decodes SKIP, NUM, SUB, CHN and AUX', () => {
    const bytes = Uint8Array.from([
      ...skip(0x10002), // 65538, high half first
      ...word(1, 10), // N at 65548
      ...[...word(61, 3), ...word(62, 2), ...word(60, 7)], // its subtype, chan, num
      ...aux('abc'), // padded to 4 bytes
      ...word(5, 1023), // V: chan and num carry on, subtype does not
      ...word(0, 0),
    ]);
    const dir = folder({ 'x.atr': bytes });
    expect(readMitAnnotations(join(dir, 'x.atr'))).toEqual([
      { sample: 65548, code: 1, symbol: 'N', subtype: 3, chan: 2, num: 7, aux: 'abc' },
      { sample: 66571, code: 5, symbol: 'V', subtype: 0, chan: 2, num: 7 },
    ]);
  });

  for (const [what, bytes, offset] of [
    ['ending mid-AUX', [...word(1, 5), ...word(63, 10), 0x61, 0x62, 0x63], 2],
    ['without its end-of-file word', [...word(1, 5), ...word(1, 5)], 4],
    ['with an odd length', [...word(1, 5), 0x00], 2],
    ['ending inside a SKIP', [...word(59, 0), 0x01], 2],
    ['skipping before the start', [...skip(-1), ...word(0, 0)], 0],
    ['with an undefined code', [...word(55, 1), ...word(0, 0)], 0],
    ['with an AUX before any annotation', [...aux('ab'), ...word(0, 0)], 0],
  ] as const) {
    it(`refuses an annotation file ${what}`, () => {
      const dir = folder({ 'x.atr': Uint8Array.from(bytes) });
      expect(errorOf(() => readMitAnnotations(join(dir, 'x.atr')))).toMatchObject({ code: 'E-DATA-WFDB-ANNOT', location: { file: join(dir, 'x.atr'), offset } });
    });
  }
});

describe('MIT-BIH beats', () => {
  it('cuts windows centred on the R peaks, decimated, with RR features', () => {
    const beats = loadBeats(MITBIH, ['100'], { before: 90, after: 162, decimate: 2 });
    const rec = readWfdbRecord(MITBIH, '100');
    const peaks = readMitAnnotations(join(MITBIH, '100.atr')).filter((a) => aamiClass(a.symbol) !== undefined);
    const fits = peaks.filter((a) => a.sample >= 90 && a.sample + 162 <= 650000);
    expect(beats.x.length).toBe(fits.length);
    expect(beats.x.every((x) => x.length === 126)).toBe(true);
    expect(AAMI_CLASSES.map((_, k) => beats.y.filter((y) => y === k).length)).toEqual([2239 - (peaks.length - fits.length), 33, 1, 0, 0]);
    // Window 0, sample 3 = mean of digital samples s-90+6, s-90+7, in mV.
    const s = beats.sample[0]!;
    const d = rec.digital[0]!;
    expect(beats.x[0]![3]).toBeCloseTo(((d[s - 84]! + d[s - 83]!) / 2 - 1024) / 200, 5);
    expect(RR_FEATURES).toEqual(['pre', 'post', 'local', 'record']);
    const i = peaks.findIndex((p) => p.sample === s);
    expect(beats.rr[0]![0]).toBeCloseTo((s - peaks[i - 1]!.sample) / 360, 5);
    expect(beats.rr[0]![1]).toBeCloseTo((peaks[i + 1]!.sample - s) / 360, 5);
    expect(beats.rr[0]![3]).toBeCloseTo((peaks.at(-1)!.sample - peaks[0]!.sample) / (peaks.length - 1) / 360, 5);
    expect(new Set(beats.record)).toEqual(new Set(['100']));
  });

  it('refuses options it cannot honour', () => {
    expect(errorOf(() => loadBeats(MITBIH, ['100'], { before: 90, after: 161, decimate: 2 })).code).toBe('E-DATA-OPTIONS');
    expect(errorOf(() => loadBeats(MITBIH, ['100'], { before: 90, after: 90, lead: 2 }))).toMatchObject({ code: 'E-DATA-OPTIONS', location: { field: 'lead' } });
  });
});

describe('CSV', () => {
  it('detects the delimiter and the header', () => {
    for (const [text, columns] of [
      ['t,ax,ay\n0,1.5,-2\n1,2e3,3\n', ['t', 'ax', 'ay']],
      ['t;ax;ay\n0;1.5;-2\n1;2e3;3\n', ['t', 'ax', 'ay']],
      ['t\tax\tay\r\n0\t1.5\t-2\r\n\r\n1\t2e3\t3\r\n', ['t', 'ax', 'ay']],
      ['"time, s","a ""x""",ay\n0,1.5,-2\n1,2e3,3\n', ['time, s', 'a "x"', 'ay']],
      ['0,1.5,-2\n1,2e3,3\n', ['0', '1', '2']],
      ['0;1.5;-2;\n1;2e3;3;\n', ['0', '1', '2']],
    ] as const) {
      const t = parseCsv(text, 'x.csv');
      expect(t.columns).toEqual(columns);
      expect(t.data.map((c) => Array.from(c))).toEqual([
        [0, 1],
        [1.5, 2000],
        [-2, 3],
      ]);
    }
    expect(parseCsv('1,2\n3,4\n', 'x.csv', { header: true }).columns).toEqual(['1', '2']);
    expect(parseCsv('1;2\n', 'x.csv', { delimiter: ',', header: false, categorical: [0] }).categories[0]).toEqual(['1;2']);
  });

  it('reads a WISDM file (trailing ";", a categorical activity column)', () => {
    const path = join(PACKAGE_ROOT, 'data', 'wisdm2019-watch', 'data_1600_accel_watch.txt');
    const t = readCsv(path, { categorical: [1] });
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(t.rows).toBe(lines.length);
    expect(t.columns.length).toBe(6);
    expect(t.categories[1]).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(t.data[3]![0]).toBeCloseTo(Number(lines[0]!.split(',')[3]), 6);
  });

  for (const [what, text, field] of [
    ['a word in a numeric column', 't,ax\n0,1\n1,one\n', 'line 3, column 2'],
    ['a NaN', 't,ax\n0,NaN\n', 'line 2, column 2'],
    ['an infinite number', 't,ax\n0,1e999\n', 'line 2, column 2'],
    ['an empty cell', 't,ax,ay\n\n0,,1\n', 'line 3, column 2'],
    ['a short row', 't,ax\n0,1\n1\n', 'line 3'],
    ['an open quote', 't,ax\n0,"1\n', 'line 2'],
  ] as const) {
    it(`locates ${what}`, () => {
      expect(errorOf(() => parseCsv(text, 'x.csv'))).toMatchObject({ code: 'E-DATA-CSV', location: { file: 'x.csv', field } });
    });
  }

  it('cuts time-major windows and skips those spanning two labels', () => {
    const t = parseCsv('a,b,label\n0,10,walk\n1,11,walk\n2,12,walk\n3,13,run\n4,14,run\n5,15,run\n6,16,run\n', 'x.csv', { categorical: ['label'] });
    const w = csvWindows(t, { columns: ['b', 'a'], labelColumn: 'label', window: 2, hop: 1 });
    expect(w.start).toEqual([0, 1, 3, 4, 5]);
    expect(w.x[0]).toEqual(Float32Array.of(10, 0, 11, 1));
    expect(w.labels).toEqual(['walk', 'run']);
    expect(w.y).toEqual([0, 0, 1, 1, 1]);
    const numeric = csvWindows(parseCsv('x,y\n0,5\n1,5\n2,3\n3,3\n', 'n.csv'), { columns: [0], labelColumn: 'y', window: 2, hop: 2 });
    expect([numeric.labels, numeric.y]).toEqual([
      ['3', '5'],
      [1, 0],
    ]);
    expect(csvWindows(t, { columns: [0], window: 3, hop: 3 }).x.length).toBe(2);
    expect(errorOf(() => csvWindows(t, { columns: ['c'], window: 2, hop: 1 })).code).toBe('E-DATA-CSV');
    expect(errorOf(() => csvWindows(t, { columns: ['a'], window: 0, hop: 1 })).code).toBe('E-DATA-OPTIONS');
  });
});

// ---- .npy files written by hand: magic, version, header length, header text, data ----
function npy(headerText: string, data: Uint8Array, major = 1): Uint8Array {
  const head = Buffer.from(headerText, major === 3 ? 'utf8' : 'latin1');
  const len = major === 1 ? [head.length & 0xff, head.length >> 8] : [head.length & 0xff, (head.length >> 8) & 0xff, 0, 0];
  return Uint8Array.from([0x93, ...Buffer.from('NUMPY'), major, 0, ...len, ...head, ...data]);
}

function bytesOf(values: number[], size: number, set: (v: DataView, at: number, x: number) => void): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => set(v, i * size, x));
  return out;
}

describe('npy', () => {
  it('round-trips writeNpy', () => {
    for (const shape of [[], [5], [2, 3, 4], [0, 3]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);
      const bytes = writeNpy(shape, data);
      const headerEnd = bytes[8]! + 10;
      expect(headerEnd % 64).toBe(0);
      expect(bytes[headerEnd - 1]).toBe(0x0a);
      expect(parseNpy(bytes)).toEqual({ shape, dtype: '<f4', data });
    }
    const path = join(TMP, 'a.npy');
    writeFileSync(path, writeNpy([2, 2], Float32Array.of(1, 2, 3, 4)));
    expect(npyToFloat32(readNpy(path))).toEqual(Float32Array.of(1, 2, 3, 4));
    expect(errorOf(() => writeNpy([2, 2], Float32Array.of(1))).code).toBe('E-DATA-NPY');
  });

  it("reads hand-written '<f8' (2, 3), '|i1', version 2.0, big-endian and 64-bit files", () => {
    const f8 = npy(
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }          \n",
      bytesOf([1.5, -2, 3, 4, 5e-300, -6], 8, (v, a, x) => v.setFloat64(a, x, true)),
    );
    expect(parseNpy(f8)).toEqual({ shape: [2, 3], dtype: '<f8', data: Float64Array.of(1.5, -2, 3, 4, 5e-300, -6) });
    const i1 = npy("{'descr': '|i1', 'fortran_order': False, 'shape': (4,), }\n", Uint8Array.of(0x80, 0xff, 0, 0x7f));
    expect(parseNpy(i1)).toEqual({ shape: [4], dtype: '|i1', data: Int8Array.of(-128, -1, 0, 127) });
    const v2 = npy(
      '{"descr":"<i2","fortran_order":False,"shape":(3,)}\n',
      bytesOf([-300, 0, 300], 2, (v, a, x) => v.setInt16(a, x, true)),
      2,
    );
    expect(parseNpy(v2)).toEqual({ shape: [3], dtype: '<i2', data: Int16Array.of(-300, 0, 300) });
    const v3 = npy(
      "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n",
      bytesOf([0.25, -8], 4, (v, a, x) => v.setFloat32(a, x, false)),
      3,
    );
    expect(parseNpy(v3).data).toEqual(Float32Array.of(0.25, -8));
    const i8 = npy(
      "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n",
      bytesOf([-5, 7], 8, (v, a, x) => v.setBigInt64(a, BigInt(x), true)),
    );
    expect(parseNpy(i8).data).toEqual(BigInt64Array.of(-5n, 7n));
    expect(npyToFloat32(parseNpy(i8))).toEqual(Float32Array.of(-5, 7));
    const b1 = npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n", Uint8Array.of(1, 0, 1));
    expect(parseNpy(b1).data).toEqual(Uint8Array.of(1, 0, 1));
  });

  it('transposes a Fortran-ordered array into C order', () => {
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    const f = npy(
      "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }\n",
      bytesOf([1, 4, 2, 5, 3, 6], 4, (v, a, x) => v.setInt32(a, x, true)),
    );
    expect(parseNpy(f)).toEqual({ shape: [2, 3], dtype: '<i4', data: Int32Array.of(1, 2, 3, 4, 5, 6) });
    // (2, 2, 2): element [i][j][k] = 100i + 10j + k, stored with i fastest.
    const fortran3 = [0, 100, 10, 110, 1, 101, 11, 111];
    const g = npy(
      "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 2, 2), }\n",
      bytesOf(fortran3, 2, (v, a, x) => v.setInt16(a, x, true)),
    );
    expect(Array.from(parseNpy(g).data as Int16Array)).toEqual([0, 1, 10, 11, 100, 101, 110, 111]);
  });

  const good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
  for (const [what, bytes, offset] of [
    ['a wrong magic', Uint8Array.from([0x93, ...Buffer.from('NUMPX'), 1, 0, 0, 0]), 0],
    ['a file shorter than the magic', Uint8Array.of(0x93, 0x4e), 0],
    ['an unknown version', npy(good, new Uint8Array(8), 4), 6],
    ['truncated data', npy(good, new Uint8Array(7)), 10 + good.length],
    ['trailing bytes', npy(good, new Uint8Array(9)), 10 + good.length],
    ['a header longer than the file', npy(good, new Uint8Array(8)).subarray(0, 30), 8],
    ['code in the header', npy("{'descr': __import__('os').system('x'), 'fortran_order': False, 'shape': (2,), }\n", new Uint8Array(8)), 10],
    ['an unknown key', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", new Uint8Array(8)), 10],
    ['a missing key', npy("{'descr': '<f4', 'shape': (2,), }\n", new Uint8Array(8)), 10],
    ['a complex dtype', npy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }\n", new Uint8Array(16)), 10],
    ['a structured dtype', npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }\n", new Uint8Array(8)), 10],
    ['an absurd shape', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }\n", new Uint8Array(8)), 10],
    ['a negative dimension', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }\n", new Uint8Array(8)), 10],
    ['a boolean that is not 0 or 1', npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }\n", Uint8Array.of(1, 2)), 10 + good.length + 1],
  ] as const) {
    it(`refuses ${what}`, () => {
      expect(errorOf(() => parseNpy(bytes, 'x.npy'))).toMatchObject({ code: 'E-DATA-NPY', location: { file: 'x.npy', offset } });
    });
  }
});

describe('data/index.ts', () => {
  it('re-exports the loaders', async () => {
    const index = await import('../../src/data/index.ts');
    for (const name of [
      'readWfdbRecord',
      'readMitAnnotations',
      'parseWfdbHeader',
      'toPhysical',
      'loadBeats',
      'readCsv',
      'csvWindows',
      'readNpy',
      'parseNpy',
      'writeNpy',
      'npyToFloat32',
      'loadRecordings',
      'makeWindows',
    ]) {
      expect(typeof (index as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
