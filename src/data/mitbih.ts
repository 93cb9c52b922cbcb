/**
 * Heartbeat windows from the MIT-BIH Arrhythmia Database (data/mitbih) for the ECG example: one
 * window per annotated beat, centred on the cardiologists' R-peak mark, labelled with its AAMI class
 * (EC57), and the RR-interval features beat classifiers add beside the waveform.
 *
 * The inter-patient split of de Chazal et al. (2004) keeps every patient on one side only (DS1 trains,
 * DS2 tests); data/mitbih/README.md lists which of its records are here and counts each class.
 */
import { join } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import { readMitAnnotations, readWfdbRecord, toPhysical } from './wfdb.ts';

export const AAMI_CLASSES = ['N', 'S', 'V', 'F', 'Q'] as const;

/** MIT beat symbol -> AAMI class index; symbols not listed (rhythm, noise, comments) are not beats. */
const AAMI_OF = new Map<string, number>([
  ...['N', 'L', 'R', 'e', 'j'].map((s) => [s, 0] as const),
  ...['A', 'a', 'J', 'S'].map((s) => [s, 1] as const),
  ...['V', 'E'].map((s) => [s, 2] as const),
  ['F', 3],
  ...['/', 'f', 'Q'].map((s) => [s, 4] as const),
]);

export function aamiClass(symbol: string): number | undefined {
  return AAMI_OF.get(symbol);
}

export const DS1 = ['106', '118', '119', '124', '201', '203', '207', '208', '209', '215', '220', '223'] as const;
export const DS2 = ['100', '105', '200', '210', '213', '214', '219', '221', '222', '228', '232', '233', '234'] as const;

/** The order of each beat's `rr` features, all in seconds. */
export const RR_FEATURES = ['pre', 'post', 'local', 'record'] as const;
/** Beats in the local RR average: the interval ending at this beat and the 9 before it. */
const LOCAL_BEATS = 10;

export interface BeatOptions {
  /** Samples before the R peak in the window. */
  before: number;
  /** Samples from the R peak on: the window is samples [s - before, s + after). */
  after: number;
  /** Signal index (0 = MLII in every record here). */
  lead?: number;
  /** Average each run of this many samples into one (a box filter, then keep every `decimate`-th). */
  decimate?: number;
}

export interface Beats {
  /** Each window (before + after) / decimate samples, in mV. */
  x: Float32Array[];
  /** AAMI class index (AAMI_CLASSES). */
  y: number[];
  record: string[];
  /** The R peak's sample index in its record. */
  sample: number[];
  /** [pre, post, local, record] RR intervals in seconds (RR_FEATURES). */
  rr: Float32Array[];
}

function checkOptions(o: BeatOptions): Required<BeatOptions> {
  const full = { lead: 0, decimate: 1, ...o };
  const int = (name: keyof BeatOptions, min: number) => {
    if (!Number.isSafeInteger(full[name]) || full[name] < min) fail('E-DATA-OPTIONS', 'import', `${name} must be an integer >= ${min}, not ${full[name]}`, { field: name });
  };
  int('before', 0);
  int('after', 0);
  int('lead', 0);
  int('decimate', 1);
  const span = full.before + full.after;
  if (span === 0 || span % full.decimate !== 0) fail('E-DATA-OPTIONS', 'import', `before + after (${span}) must be a positive multiple of decimate (${full.decimate})`, { field: 'decimate' });
  return full;
}

/**
 * RR features of each beat, from the R peaks of every AAMI beat in the record (whether or not its
 * window fits): the interval before and after it (the first beat's missing `pre` is its `post`, the
 * last's missing `post` its `pre`), the mean of the last LOCAL_BEATS intervals ending at it, and the
 * record's mean interval.
 */
function rrFeatures(peaks: readonly number[], fs: number): Float32Array[] {
  const n = peaks.length;
  const gap = (i: number) => (peaks[i]! - peaks[i - 1]!) / fs; // interval ending at beat i, i >= 1
  const record = n > 1 ? (peaks[n - 1]! - peaks[0]!) / (n - 1) / fs : 0;
  return peaks.map((_, i) => {
    const pre = i > 0 ? gap(i) : n > 1 ? gap(1) : 0;
    const post = i + 1 < n ? gap(i + 1) : pre;
    const from = Math.max(1, i - LOCAL_BEATS + 1);
    let sum = 0;
    for (let j = from; j <= i; j++) sum += gap(j);
    const local = i >= 1 ? sum / (i - from + 1) : pre;
    return Float32Array.of(pre, post, local, record);
  });
}

function cutWindow(signal: Float32Array, start: number, length: number, decimate: number): Float32Array {
  const out = new Float32Array(length / decimate);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let k = 0; k < decimate; k++) sum += signal[start + i * decimate + k]!;
    out[i] = sum / decimate;
  }
  return out;
}

/**
 * One window per AAMI beat of each record (`<dir>/<record>.hea/.dat/.atr`); beats whose window would
 * leave the record are skipped. Decimation averages `decimate` consecutive samples: a box filter
 * that keeps the QRS energy while attenuating what would alias at the lower rate.
 */
export function loadBeats(dir: string, records: readonly string[], options: BeatOptions): Beats {
  const o = checkOptions(options);
  const out: Beats = { x: [], y: [], record: [], sample: [], rr: [] };
  for (const name of records) {
    const rec = readWfdbRecord(dir, name);
    const signal = rec.header.signals[o.lead];
    if (!signal) fail('E-DATA-OPTIONS', 'import', `record ${name} has ${rec.header.signals.length} signals, no lead ${o.lead}`, { file: join(dir, `${name}.hea`), field: 'lead' });
    const mv = toPhysical(rec.digital[o.lead]!, signal);
    const beats = readMitAnnotations(join(dir, `${name}.atr`)).filter((a) => AAMI_OF.has(a.symbol));
    const rr = rrFeatures(
      beats.map((b) => b.sample),
      rec.header.fs,
    );
    beats.forEach((b, i) => {
      const start = b.sample - o.before;
      if (start < 0 || b.sample + o.after > mv.length) return;
      out.x.push(cutWindow(mv, start, o.before + o.after, o.decimate));
      out.y.push(AAMI_OF.get(b.symbol)!);
      out.record.push(name);
      out.sample.push(b.sample);
      out.rr.push(rr[i]!);
    });
  }
  return out;
}
