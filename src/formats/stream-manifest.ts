/**
 * manifest.json's `stream` field, written by `edgec compile --stream HOP` (src/codegen/stream-emit.ts):
 * what `verify --stream` and `budget` need to drive `<prefix>_stream_push()`, and what each layer
 * computes per push. Checked before use, as the rest of the manifest.
 */

export interface StreamLayer {
  layer: string;
  /** frames: the layer computes some frames of its window; running-mean: a running sum; whole: every hop in full. */
  mode: 'frames' | 'running-mean' | 'whole';
  frames?: number;
  /** Frames computed per push. */
  computed?: number;
  edgeLeft?: number;
  edgeRight?: number;
  newFrames?: number;
  retained?: boolean;
  reason?: string;
}

export interface StreamManifest {
  /** Samples per push. */
  hop: number;
  /** Samples in the model's window. */
  window: number;
  /** Values per sample. */
  channels: number;
  /** Pushes until the first output. */
  fillHops: number;
  /** Bytes of a stream's state region. */
  stateBytes: number;
  /** Bytes of arena a push uses, and the model's invoke alone (the folder's arena is the larger). */
  arenaBytes: number;
  modelArenaBytes?: number;
  /** Multiply-accumulates of the layers along time per push, and per full-window invoke. */
  macsPerHop: number;
  fullMacs: number;
  layers: StreamLayer[];
}

const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2147483647;

/** Why a manifest's `stream` field cannot be used, or null. */
export function checkStreamManifest(s: unknown): string | null {
  if (typeof s !== 'object' || s === null) return 'not an object';
  const x = s as StreamManifest;
  for (const f of ['hop', 'window', 'channels', 'fillHops', 'stateBytes', 'arenaBytes', 'macsPerHop', 'fullMacs'] as const) if (!isCount(x[f])) return `${f} is not a count`;
  if (x.hop < 1 || x.hop > x.window || x.channels < 1) return 'hop, window or channels out of range';
  if (!Array.isArray(x.layers) || !x.layers.every((l) => typeof l === 'object' && l !== null && typeof l.layer === 'string' && ['frames', 'running-mean', 'whole'].includes(l.mode)))
    return 'layers is not a list of layers';
  return null;
}
