/**
 * `edgecPreprocessing` in a tfjs model.json (`meta.preprocessing` in a folder's graph.json): how the
 * model's input windows were prepared (sample rate, channel order, per-channel normalisation),
 * carried to the generated folder's README. It is input like the rest of the file: every field is
 * checked, and a bad one is a located error.
 */

/** How the model's input windows are prepared, when the model says. */
export interface Preprocessing {
  sampleRateHz?: number;
  /** Channel names in the order of the input's innermost dimension. */
  channels?: readonly string[];
  /** Per-channel normalisation before quantization: x = (raw - mean) / std. */
  normalization?: { mean: readonly number[]; std: readonly number[] };
  description?: string;
}
import { fail } from '../support/diagnostics.ts';

const MAX_CHANNELS = 1024;

function finiteList(v: unknown, what: string, file: string, where: string, positive = false): number[] {
  if (!Array.isArray(v) || v.length > MAX_CHANNELS || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))) {
    fail('E-PREPROCESSING', 'import', `${where}.${what} must be a list of at most ${MAX_CHANNELS} finite${positive ? ' positive' : ''} numbers`, { file, field: `${where}.${what}` });
  }
  return v as number[];
}

/** `where`: the field's name in its file, for the error's location. */
export function parsePreprocessing(v: unknown, file: string, where = 'edgecPreprocessing'): Preprocessing | undefined {
  if (v === undefined) return undefined;
  const bad = (field: string, why: string): never => fail('E-PREPROCESSING', 'import', `${where}${field ? `.${field}` : ''} ${why}`, { file, field: `${where}${field ? `.${field}` : ''}` });
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('', 'must be an object');
  const o = v as Record<string, unknown>;
  const out: { -readonly [K in keyof Preprocessing]: Preprocessing[K] } = {};
  if (o.sampleRateHz !== undefined) {
    if (typeof o.sampleRateHz !== 'number' || !Number.isFinite(o.sampleRateHz) || o.sampleRateHz <= 0) bad('sampleRateHz', 'must be a positive number');
    out.sampleRateHz = o.sampleRateHz as number;
  }
  if (o.channels !== undefined) {
    if (!Array.isArray(o.channels) || o.channels.length > MAX_CHANNELS || !o.channels.every((c) => typeof c === 'string' && c.length <= 64))
      bad('channels', `must be a list of at most ${MAX_CHANNELS} names of at most 64 characters`);
    out.channels = [...(o.channels as string[])];
  }
  if (o.normalization !== undefined) {
    const n = o.normalization as Record<string, unknown> | null;
    if (typeof n !== 'object' || n === null) return bad('normalization', 'must be an object with mean and std');
    const mean = finiteList(n.mean, 'normalization.mean', file, where);
    const std = finiteList(n.std, 'normalization.std', file, where, true);
    if (mean.length !== std.length) bad('normalization', `has ${mean.length} means and ${std.length} standard deviations`);
    if (out.channels && out.channels.length !== mean.length) bad('normalization', `has ${mean.length} channels, channels names ${out.channels.length}`);
    out.normalization = { mean, std };
  }
  if (o.description !== undefined) {
    if (typeof o.description !== 'string' || o.description.length > 400) bad('description', 'must be a string of at most 400 characters');
    out.description = o.description as string;
  }
  return out;
}
