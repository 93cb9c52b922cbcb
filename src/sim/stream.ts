/**
 * The streaming simulator: a model's streaming plan (src/lower/stream-plan.ts) run hop by hop with the
 * TS reference kernels, in the order the generated C runs it, so that its bytes are the C's promise
 * and can be checked against the full-window model on every window.
 *
 * One hop (HOP new samples):
 *   1. every running mean subtracts the frames that stop being clean (still in its retained input)
 *   2. every retained window shifts its clean frames left by its hop; the new samples enter the input
 *   3. every step in order: sub-window calls write the frames the plan computes into their tensor's
 *      window; running means add the frames that became clean and this window's edge frames, then
 *      finish as the full model's kernel does; whole steps run as in the full model
 * Transient windows (not retained) are overwritten with a pattern before each hop, so a frame the
 * plan forgot to compute cannot pass for one computed in an earlier hop.
 */
import { fail } from '../support/diagnostics.ts';
import { finishMean } from '../kernels/running-mean.ts';
import type { Lowered } from '../lower/lower.ts';
import type { FrameSpan, StreamPlan, TimeTensor } from '../lower/stream-plan.ts';
import { simulateLowered } from './int8.ts';
import { resetState, runStep, type ActivationData, type SimState } from './steps.ts';

type Window = Int8Array | Int16Array;

export class StreamSimulator {
  readonly plan: StreamPlan;
  private readonly windows = new Map<number, Window>();
  private readonly sums = new Map<number, Int32Array>();
  private state: SimState;
  /** Hops pushed since the last reset. */
  hops = 0;

  constructor(plan: StreamPlan) {
    this.plan = plan;
    for (const t of plan.tensors.values()) {
      const dtype = plan.graph.tensors[t.id]!.dtype;
      this.windows.set(t.id, dtype === 'int16' ? new Int16Array(t.frames * t.channels) : new Int8Array(t.frames * t.channels));
    }
    for (const s of plan.steps) if (s.mode === 'running-mean') this.sums.set(s.index, new Int32Array(s.channels));
    this.state = resetState(plan.graph);
    this.reset();
  }

  /** As `<model>_stream_reset()`: every window at its reset value, every sum at the sum of its clean frames. */
  reset(): void {
    for (const t of this.plan.tensors.values()) this.windows.get(t.id)!.fill(t.fill);
    for (const s of this.plan.steps) if (s.mode === 'running-mean') this.sums.get(s.index)!.fill(s.clean * this.plan.tensors.get(s.input)!.fill);
    this.state = resetState(this.plan.graph);
    this.hops = 0;
  }

  /** One hop: `samples` holds HOP frames of the input. Returns the outputs once the window is full, else null. */
  push(samples: Window): ActivationData[] | null {
    const p = this.plan;
    const input = p.tensors.get(p.input)!;
    if (samples.length !== p.hop * input.channels) fail('E-SIM-INPUT', 'verify', `a hop takes ${p.hop * input.channels} values (${p.hop} samples of ${input.channels}), not ${samples.length}`);
    for (const s of p.steps) if (s.mode === 'running-mean' && s.leave) this.accumulate(s.index, s.input, s.leave, -1);
    for (const t of p.tensors.values()) {
      const w = this.windows.get(t.id)!;
      if (!t.retained) {
        for (let i = 0; i < w.length; i++) w[i] = ((this.hops * 37 + i * 11) % 251) - 125;
        continue;
      }
      const from = (t.edgeLeft + t.hop) * t.channels;
      const to = (t.frames - t.edgeRight) * t.channels;
      if (to > from) w.copyWithin(t.edgeLeft * t.channels, from, to);
    }
    this.windows.get(input.id)!.set(samples, (input.frames - p.hop) * input.channels);

    const flat = new Map<number, ActivationData>();
    const read = (id: number): ActivationData => {
      const v = p.views.get(id);
      if (v) {
        const t = p.tensors.get(v.root)!;
        const n = p.graph.tensors[id]!.shape[2]! * t.channels;
        return this.windows.get(v.root)!.subarray(v.frame * t.channels, v.frame * t.channels + n);
      }
      const root = p.aliases.get(id) ?? id;
      const data = this.windows.get(root) ?? flat.get(root);
      if (!data) throw new Error(`stream simulator: tensor ${id} read before it was written`);
      return data;
    };
    for (const s of p.steps) {
      if (s.mode === 'frames') {
        const t = p.tensors.get(s.output)!;
        for (const c of s.calls) this.windows.get(t.id)!.set(runStep(c.step, read, p.graph, this.state) as Window, c.out.from * t.channels);
      } else if (s.mode === 'running-mean') {
        if (s.enter) this.accumulate(s.index, s.input, s.enter, 1);
        const total = Int32Array.from(this.sums.get(s.index)!);
        const t = p.tensors.get(s.input)!;
        for (const e of s.edges) addFrames(total, this.windows.get(t.id)!, t, e, 1);
        const out = p.graph.tensors[s.step.output]!.dtype === 'int16' ? new Int16Array(s.channels) : new Int8Array(s.channels);
        flat.set(s.step.output, finishMean(total, s.finish, out));
      } else {
        const out = runStep(s.step, read, p.graph, this.state);
        if (p.tensors.has(s.step.output)) throw new Error('stream simulator: a whole step writes a time tensor');
        flat.set(s.step.output, out);
      }
    }
    this.hops++;
    if (this.hops < p.fillHops) return null;
    return p.graph.outputs.map((id) => read(id).slice());
  }

  private accumulate(index: number, id: number, span: FrameSpan, sign: 1 | -1): void {
    const t = this.plan.tensors.get(id)!;
    addFrames(this.sums.get(index)!, this.windows.get(id)!, t, span, sign);
  }
}

function addFrames(sums: Int32Array, w: Window, t: TimeTensor, span: FrameSpan, sign: 1 | -1): void {
  for (let f = span.from; f < span.to; f++) for (let c = 0; c < t.channels; c++) sums[c]! += sign * w[f * t.channels + c]!;
}

/** The outputs of one hop of a stream, after the window is full: `end` is the sample after its window. */
export interface StreamOutput {
  hop: number;
  end: number;
  outputs: ActivationData[];
}

/** Feeds `signal` (frames of the input, back to back) hop by hop from reset; at most `hops` hops. */
export function simulateStream(plan: StreamPlan, signal: Int8Array | Int16Array, hops = Number.POSITIVE_INFINITY): StreamOutput[] {
  const sim = new StreamSimulator(plan);
  const channels = plan.tensors.get(plan.input)!.channels;
  const out: StreamOutput[] = [];
  for (let k = 0; k < hops && (k + 1) * plan.hop * channels <= signal.length; k++) {
    const o = sim.push(signal.subarray(k * plan.hop * channels, (k + 1) * plan.hop * channels));
    if (o) out.push({ hop: k, end: (k + 1) * plan.hop, outputs: o });
  }
  return out;
}

/** The full-window model's outputs for the window of `window` samples ending before sample `end`. */
export function simulateWindow(l: Lowered, signal: Int8Array | Int16Array, end: number, window: number, channels: number): ActivationData[] {
  return simulateLowered(l, [signal.slice((end - window) * channels, end * channels)]).outputs;
}
