/**
 * Calibration observers: watch a tensor's float values over the calibration set and propose the
 * range [lo, hi] its int8 quantization should cover.
 *   minmax      the exact extremes seen (TFLite's default converter behaviour)
 *   percentile  clips rare outliers: the p-th and (100-p)-th percentiles of the values seen,
 *               estimated from a 2048-bin histogram whose bounds grow as new extremes arrive
 */

export type ObserverKind = 'minmax' | 'percentile';

export interface Observer {
  observe(values: Float32Array): void;
  range(): { lo: number; hi: number };
}

export class MinMaxObserver implements Observer {
  private lo = Infinity;
  private hi = -Infinity;
  observe(values: Float32Array): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
    }
  }
  range(): { lo: number; hi: number } {
    return Number.isFinite(this.lo) ? { lo: this.lo, hi: this.hi } : { lo: 0, hi: 0 };
  }
}

const BINS = 2048;

export class PercentileObserver implements Observer {
  private readonly minmax = new MinMaxObserver();
  private bound = 0; // histogram covers [-bound, bound]
  private hist = new Float64Array(BINS);
  private count = 0;

  constructor(private readonly percentile = 99.99) {}

  observe(values: Float32Array): void {
    this.minmax.observe(values);
    const { lo, hi } = this.minmax.range();
    const need = Math.max(Math.abs(lo), Math.abs(hi));
    if (need > this.bound) this.rebin(need === 0 ? 1 : need * 1.5);
    const scale = BINS / (2 * this.bound);
    for (let i = 0; i < values.length; i++) {
      const b = Math.min(BINS - 1, Math.max(0, Math.floor((values[i]! + this.bound) * scale)));
      this.hist[b]! += 1;
    }
    this.count += values.length;
  }

  /** Widens the histogram, moving old counts into the bins that now hold their centres. */
  private rebin(bound: number): void {
    const old = this.hist;
    const oldBound = this.bound;
    this.hist = new Float64Array(BINS);
    this.bound = bound;
    if (oldBound === 0) return;
    for (let b = 0; b < BINS; b++) {
      if (old[b] === 0) continue;
      const centre = -oldBound + ((b + 0.5) * 2 * oldBound) / BINS;
      const nb = Math.min(BINS - 1, Math.floor(((centre + bound) * BINS) / (2 * bound)));
      this.hist[nb]! += old[b]!;
    }
  }

  range(): { lo: number; hi: number } {
    const exact = this.minmax.range();
    if (this.count === 0) return exact;
    const tail = (this.count * (100 - this.percentile)) / 100;
    const width = (2 * this.bound) / BINS;
    let acc = 0;
    let lo = exact.lo;
    for (let b = 0; b < BINS; b++) {
      acc += this.hist[b]!;
      if (acc > tail) {
        lo = -this.bound + b * width;
        break;
      }
    }
    acc = 0;
    let hi = exact.hi;
    for (let b = BINS - 1; b >= 0; b--) {
      acc += this.hist[b]!;
      if (acc > tail) {
        hi = -this.bound + (b + 1) * width;
        break;
      }
    }
    return { lo: Math.max(lo, exact.lo), hi: Math.min(hi, exact.hi) };
  }
}

export function makeObserver(kind: ObserverKind): Observer {
  return kind === 'percentile' ? new PercentileObserver() : new MinMaxObserver();
}
