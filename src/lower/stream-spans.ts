/**
 * Frame spans: half-open ranges [from, to) of frames along a tensor's time axis, and the few set
 * operations the streaming plan needs (union, inclusion, size). Lists are kept sorted and merged.
 */

export interface FrameSpan {
  from: number;
  to: number;
}

/** The union of spans, sorted, with overlapping and adjacent spans merged and empty ones dropped. */
export function spanUnion(spans: readonly FrameSpan[]): FrameSpan[] {
  const sorted = spans.filter((s) => s.to > s.from).sort((a, b) => a.from - b.from);
  const out: FrameSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ from: s.from, to: s.to });
  }
  return out;
}

/** Frames in a list of spans. */
export function spanCount(spans: readonly FrameSpan[]): number {
  return spans.reduce((a, s) => a + Math.max(0, s.to - s.from), 0);
}

/** True when every frame of `inner` is in `outer`. */
export function spansCover(outer: readonly FrameSpan[], inner: readonly FrameSpan[]): boolean {
  const o = spanUnion(outer);
  return spanUnion(inner).every((s) => o.some((x) => x.from <= s.from && s.to <= x.to));
}

/** `a` clipped to [lo, hi). */
export function spanClip(a: FrameSpan, lo: number, hi: number): FrameSpan {
  return { from: Math.max(a.from, lo), to: Math.min(a.to, hi) };
}

export function formatSpans(spans: readonly FrameSpan[]): string {
  return spans.length === 0 ? 'none' : spans.map((s) => (s.to - s.from === 1 ? `${s.from}` : `${s.from}..${s.to - 1}`)).join(', ');
}
