/**
 * WISDM 2019 smartwatch data (data/wisdm2019-watch): accelerometer + gyroscope at 20 Hz, five
 * activities per subject. Produces 6-channel windows [T, 6] (accel xyz, gyro xyz), a subject-wise
 * split, and per-channel normalisation computed on the training subjects only (the deployed model
 * receives windows normalised with those same constants).
 *
 * Alignment: the two sensors are sampled independently; for every accelerometer sample the gyroscope
 * sample nearest in time is taken (both streams are sorted by timestamp), and samples further than
 * one period (50 ms) from any gyroscope sample are dropped, so a window never joins unrelated instants.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../support/diagnostics.ts';

export const ACTIVITIES = ['walking', 'jogging', 'stairs', 'sitting', 'standing'] as const;
const CODES = ['A', 'B', 'C', 'D', 'E'];
export const SUBJECTS = [1600, 1601, 1602, 1603, 1604];
export const CHANNELS = 6;

interface Sample {
  t: number;
  v: [number, number, number];
}

export interface Recording {
  subject: number;
  activity: number;
  /** [n, 6] interleaved accel xyz, gyro xyz. */
  samples: Float32Array;
  length: number;
}

export interface Windows {
  /** Each window [T * 6], time-major. */
  x: Float32Array[];
  y: number[];
  subject: number[];
}

function parseFile(path: string): Map<string, Sample[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail('E-DATA-READ', 'import', `cannot read: ${(e as Error).message}`, { file: path });
  }
  const byActivity = new Map<string, Sample[]>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const s = line.trim().replace(/;$/, '');
    if (s === '') return;
    const f = s.split(',');
    const v = [Number(f[3]), Number(f[4]), Number(f[5])];
    if (f.length !== 6 || !v.every(Number.isFinite) || !CODES.includes(f[1]!)) {
      fail('E-DATA-ROW', 'import', `line ${i + 1} is not "subject,activity,timestamp,x,y,z;"`, { file: path });
    }
    const list = byActivity.get(f[1]!) ?? [];
    list.push({ t: Number(f[2]), v: v as [number, number, number] });
    byActivity.set(f[1]!, list);
  });
  for (const list of byActivity.values()) list.sort((a, b) => a.t - b.t);
  return byActivity;
}

const PERIOD_NS = 50e6;

export function loadRecordings(dir: string, subjects: readonly number[] = SUBJECTS): Recording[] {
  const out: Recording[] = [];
  for (const subject of subjects) {
    const accel = parseFile(join(dir, `data_${subject}_accel_watch.txt`));
    const gyro = parseFile(join(dir, `data_${subject}_gyro_watch.txt`));
    CODES.forEach((code, activity) => {
      const a = accel.get(code) ?? [];
      const g = gyro.get(code) ?? [];
      const samples: number[] = [];
      let j = 0;
      for (const s of a) {
        while (j + 1 < g.length && Math.abs(g[j + 1]!.t - s.t) <= Math.abs(g[j]!.t - s.t)) j++;
        if (g.length === 0 || Math.abs(g[j]!.t - s.t) > PERIOD_NS) continue;
        samples.push(...s.v, ...g[j]!.v);
      }
      out.push({ subject, activity, samples: Float32Array.from(samples), length: samples.length / CHANNELS });
    });
  }
  return out;
}

/** Sliding windows of `size` samples every `stride` samples, within one recording. */
export function makeWindows(recordings: readonly Recording[], size: number, stride: number): Windows {
  const w: Windows = { x: [], y: [], subject: [] };
  for (const r of recordings) {
    for (let start = 0; start + size <= r.length; start += stride) {
      w.x.push(r.samples.slice(start * CHANNELS, (start + size) * CHANNELS));
      w.y.push(r.activity);
      w.subject.push(r.subject);
    }
  }
  return w;
}

export interface Normalization {
  mean: number[];
  std: number[];
}

export function fitNormalization(w: Windows): Normalization {
  const sum = new Float64Array(CHANNELS);
  const sq = new Float64Array(CHANNELS);
  let n = 0;
  for (const x of w.x) {
    for (let i = 0; i < x.length; i++) {
      sum[i % CHANNELS]! += x[i]!;
      sq[i % CHANNELS]! += x[i]! * x[i]!;
    }
    n += x.length / CHANNELS;
  }
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, c) => Math.sqrt(Math.max(s / n - mean[c]! ** 2, 1e-12)));
  return { mean, std };
}

export function normalize(w: Windows, norm: Normalization): Windows {
  return {
    ...w,
    x: w.x.map((x) => Float32Array.from(x, (v, i) => (v - norm.mean[i % CHANNELS]!) / norm.std[i % CHANNELS]!)),
  };
}

export function splitBySubject(w: Windows, testSubjects: readonly number[]): { train: Windows; test: Windows } {
  const pick = (keep: (s: number) => boolean): Windows => {
    const idx = w.subject.map((s, i) => (keep(s) ? i : -1)).filter((i) => i >= 0);
    return { x: idx.map((i) => w.x[i]!), y: idx.map((i) => w.y[i]!), subject: idx.map((i) => w.subject[i]!) };
  };
  return { train: pick((s) => !testSubjects.includes(s)), test: pick((s) => testSubjects.includes(s)) };
}
