/**
 * The streaming plan (`edgec compile --stream HOP`): a 1-D model whose input is a window of T samples
 * [1, 1, T, C] runs once per HOP new samples, and each run must give, byte for byte, what the
 * full-window model gives for the window ending at the newest sample. The plan says, per layer, which
 * output frames a hop computes and which tensors keep their window between hops (the state region).
 *
 * Why frames can be reused: with every time stride dividing the frames that enter a layer per hop,
 * output frame j of window w+1 reads the same samples as frame j + h of window w (h: frames per hop),
 * so a frame whose receptive field stays inside the window without touching padding ("clean") is a
 * function of absolute time and is computed once. A frame that reads padding, directly or through an
 * earlier layer, depends on where the window starts or ends ("edge" frames), and the full-window model
 * recomputes it for every window: so does the stream.
 *
 *   window (T frames)   [ edge left | clean ..................... | new | edge right ]
 *   next hop            shift clean frames left by h; compute edge left, new and edge right
 *
 * 'same' padding makes both edges: a k-tap layer with p frames of left padding adds ceil(p / s) left
 * edge frames (the first frames read zeros before the window's start, and in the next window those
 * zeros are at its new start, not at the old one), and likewise on the right. Causal padding makes a
 * left edge only. Edges grow through the layers, so the plan recomputes exactly the frames that the
 * full-window model would compute differently from the previous window. That the left edge "only
 * matters until the window is full" is not so: every window's first frames read its own left padding.
 *
 * Per step the plan is one of:
 *   frames        convolutions, depthwise convolutions, pooling along time (strided, dilated, padded) and
 *                 frame-wise ops (activations, ADD, requantize, softmax over channels, channel concat):
 *                 the family's own kernel on sub-windows, lowered by the family from sub-window tensors
 *   running-mean  a global average over the window: an int32 sum of its clean frames kept across hops
 *                 (add the frames that become clean, subtract the ones that leave), plus the edge
 *                 frames of this window, then the full model's own rounding or requantization
 *   whole         everything else that reads a time tensor (dense over flattened time, recurrent
 *                 layers, whose state starts at the window's first frame) and every layer after the
 *                 time axis: the original step on the whole tensors, every hop
 *
 * Which tensors keep their window (retained, shifted by h frames each hop) and which are recomputed
 * in the arena (transient): the input always; a running mean's input always (it subtracts leaving
 * frames); any other tensor only when keeping it saves at least as many multiply-accumulates per hop
 * as it costs bytes (a greedy choice, starting from "keep every tensor a hop reads older frames of").
 *
 * Refused, located: a model without one [1, 1, T, C] input, HOP outside 1..T, HOP not a multiple of
 * the total stride at some layer, and layers that keep state across invokes (stateful recurrent
 * layers, SVDF): the full-window model's output then depends on every earlier invoke.
 */
import { EdgecError, type Diagnostic } from '../support/diagnostics.ts';
import type { Graph, Op, Tensor } from '../ir/graph.ts';
import { opDef } from '../ops/registry.ts';
import type { Lowered, Step, StepBody } from './lower.ts';
import { spanClip, spanCount, spansCover, spanUnion, type FrameSpan } from './stream-spans.ts';
import type { MeanFinish } from '../kernels/running-mean.ts';

export type { FrameSpan };

/** A tensor laid out along the time axis: [1, 1, frames, channels]. */
export interface TimeTensor {
  /** Tensor id (an alias root). */
  id: number;
  name: string;
  frames: number;
  channels: number;
  elementBytes: number;
  frameBytes: number;
  /** Value of a reset frame: the zero point (int8) or 0 (int16). */
  fill: number;
  /** Input samples per frame (the product of the strides before it). */
  stride: number;
  /** Frames that enter per hop. */
  hop: number;
  /** Frames [0, edgeLeft) and [frames - edgeRight, frames) depend on the window's start or end. */
  edgeLeft: number;
  edgeRight: number;
  /** Index of the step that writes it; -1 for the model input. */
  producer: number;
  /** Kept in the state region across hops (at stateOffset), or recomputed in the arena. */
  retained: boolean;
  stateOffset: number;
  /** Frames its producer writes every hop (the input: the new samples). */
  compute: FrameSpan[];
}

export interface SubCall {
  /** The family's step over sub-window tensors (ids of `StreamPlan.graph`). */
  step: Step;
  out: FrameSpan;
}

interface PlanStepBase {
  index: number;
  step: Step;
}

export interface FramesStepPlan extends PlanStepBase {
  mode: 'frames';
  output: number;
  calls: SubCall[];
  macsPerFrame: number;
}

export interface RunningMeanPlan extends PlanStepBase {
  mode: 'running-mean';
  /** The time tensor averaged (retained). */
  input: number;
  channels: number;
  frames: number;
  /** Clean frames at reset: the sum starts at clean * fill per channel. */
  clean: number;
  /** Old-window frames that stop being clean (subtracted before the hop's shift). */
  leave: FrameSpan | null;
  /** New-window frames that become clean (added after they are computed). */
  enter: FrameSpan | null;
  /** This window's edge frames, added to a copy of the sum every hop. */
  edges: FrameSpan[];
  /** Offset of the int32 sums in the state region. */
  sumOffset: number;
  /** What the full model's kernel does after its sum. */
  finish: MeanFinish;
}

export interface WholeStepPlan extends PlanStepBase {
  mode: 'whole';
  reason: string;
}

export type StreamStepPlan = FramesStepPlan | RunningMeanPlan | WholeStepPlan;

export interface StreamPlan {
  /** New samples per call. */
  hop: number;
  /** Samples in the model's window. */
  window: number;
  /** Calls before the first full window: ceil(window / hop). */
  fillHops: number;
  /** The model graph plus the sub-window tensors the sub-calls read and write. */
  graph: Graph;
  aliases: Map<number, number>;
  /** Sub-window tensor id -> the time tensor (root id) it views, from frame `frame`. */
  views: Map<number, { root: number; frame: number }>;
  /** Time tensors by root id. */
  tensors: Map<number, TimeTensor>;
  input: number;
  steps: StreamStepPlan[];
  /** Bytes of the state region: retained windows, then running sums (8-aligned each). */
  stateBytes: number;
  /** Multiply-accumulates per hop of the layers along time, streaming vs the full window. */
  macs: { stream: number; full: number };
}

const WINDOW_OPS = new Set(['conv2d', 'depthwise_conv2d', 'max_pool2d', 'avg_pool2d']);
const FRAMEWISE_OPS = new Set(['logistic', 'tanh', 'relu', 'leaky_relu', 'hard_swish', 'lut', 'requantize', 'add', 'softmax', 'concat']);
const MEAN_OPS = new Set(['mean_hw', 'mean_hw_requant']);
const RECURRENT_OPS = new Set(['lstm', 'gru', 'simple_rnn', 'svdf']);

interface Geometry {
  k: number;
  s: number;
  d: number;
  pl: number;
}

/** What the forward pass decided for a step, before the frames are chosen. */
type Classified =
  | { mode: 'frames'; index: number; step: Step; op: Op; output: number; inputs: number[]; geometry: Geometry | null; macsPerFrame: number }
  | { mode: 'running-mean'; index: number; step: Step; op: Op; input: number; finish: MeanFinish }
  | { mode: 'whole'; index: number; step: Step; op: Op; reason: string; reads: number[] };

const align8 = (n: number) => Math.ceil(n / 8) * 8;
const elementBytes = (t: Tensor) => (t.dtype === 'int16' ? 2 : 1);

/** Along-time geometry of a window op whose H axis is trivial, or null. */
function windowGeometry(g: Graph, op: Op): Geometry | null {
  const x = g.tensors[op.inputs[0]!]!;
  const y = g.tensors[op.outputs[0]!]!;
  if (x.shape[1] !== 1 || y.shape[1] !== 1) return null;
  if (op.kind === 'conv2d' || op.kind === 'depthwise_conv2d') {
    const w = g.tensors[op.inputs[1]!]!;
    const a = op.attrs;
    if (w.shape[1] !== 1 || a.padding.top !== 0 || a.padding.bottom !== 0) return null;
    return { k: w.shape[2]!, s: a.stride.w, d: a.dilation.w, pl: a.padding.left };
  }
  if (op.kind === 'max_pool2d' || op.kind === 'avg_pool2d') {
    const a = op.attrs;
    if (a.filter.h !== 1 || a.padding.top !== 0 || a.padding.bottom !== 0) return null;
    return { k: a.filter.w, s: a.stride.w, d: 1, pl: a.padding.left };
  }
  return null;
}

function macsPerFrame(g: Graph, op: Op): number {
  const y = g.tensors[op.outputs[0]!]!;
  const cOut = y.shape[3] ?? 1;
  if (op.kind === 'conv2d') {
    const w = g.tensors[op.inputs[1]!]!.shape;
    return w[0]! * w[1]! * w[2]! * w[3]!;
  }
  if (op.kind === 'depthwise_conv2d') {
    const w = g.tensors[op.inputs[1]!]!.shape;
    return w[1]! * w[2]! * w[3]!;
  }
  if (op.kind === 'max_pool2d' || op.kind === 'avg_pool2d') return op.attrs.filter.h * op.attrs.filter.w * cOut;
  return cOut;
}

/** Input frames that output frames `span` read through a window op (clipped to the input). */
function readSpan(span: FrameSpan, geo: Geometry, framesIn: number): FrameSpan {
  const lo = span.from * geo.s - geo.pl;
  const hi = (span.to - 1) * geo.s - geo.pl + (geo.k - 1) * geo.d;
  return spanClip({ from: lo, to: hi + 1 }, 0, framesIn);
}

/** The final stage of the step a global average lowers to (an average pool over the window, or MEAN). */
function meanFinish(s: Step): MeanFinish | null {
  if (s.kind === 'avg_pool_s8' || s.kind === 'avg_pool_s16') {
    if (s.padding.w !== 0 || s.padding.h !== 0 || s.filter.w !== s.inputDims.w || s.filter.h !== s.inputDims.h) return null;
    return { kind: 'average', count: s.inputDims.h * s.inputDims.w, min: s.activation.min, max: s.activation.max };
  }
  if (s.kind === 'mean_s8' || s.kind === 'mean_s16') {
    const [min, max] = s.kind === 'mean_s8' ? [-128, 127] : [-32768, 32767];
    return {
      kind: 'requantize',
      count: s.inputDims.h * s.inputDims.w,
      inputZeroPoint: s.inputZeroPoint,
      outputZeroPoint: s.outputZeroPoint,
      multiplier: s.multiplier,
      shift: s.shift,
      min: min!,
      max: max!,
    };
  }
  return null;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export function planStream(l: Lowered, hop: number): StreamPlan {
  const g = l.graph;
  const file = g.meta.source;
  const root = (id: number) => l.aliases.get(id) ?? id;
  const refuse = (code: string, message: string, layer?: string, tensor?: string): never => {
    throw new EdgecError({ code, stage: 'plan', message, location: { file, ...(layer ? { layer } : {}), ...(tensor ? { tensor } : {}) } });
  };

  // The input: one window along time.
  if (g.inputs.length !== 1) refuse('E-STREAM-INPUT', `streaming needs a model with one input along time; this one has ${g.inputs.length}`);
  const x = g.tensors[g.inputs[0]!]!;
  if (x.shape.length !== 4 || x.shape[0] !== 1 || x.shape[1] !== 1 || (x.dtype !== 'int8' && x.dtype !== 'int16')) {
    refuse('E-STREAM-INPUT', `streaming needs an int8 or int16 input laid out along time, [1, 1, T, C] (a 1-D model); this input is ${x.dtype} [${x.shape.join(', ')}]`, undefined, x.name);
  }
  const window = x.shape[2]!;
  if (!Number.isInteger(hop) || hop < 1 || hop > window) refuse('E-STREAM-HOP', `--stream ${hop}: HOP must be a whole number of samples from 1 to the window's ${window}`, undefined, x.name);

  const tensors = new Map<number, TimeTensor>();
  const timeTensor = (t: Tensor, f: Pick<TimeTensor, 'stride' | 'hop' | 'edgeLeft' | 'edgeRight' | 'producer'>): TimeTensor => ({
    id: t.id,
    name: t.name,
    frames: t.shape[2]!,
    channels: t.shape[3]!,
    elementBytes: elementBytes(t),
    frameBytes: t.shape[3]! * elementBytes(t),
    fill: t.dtype === 'int16' ? 0 : (t.quant?.zeroPoint[0] ?? 0),
    retained: false,
    stateOffset: -1,
    compute: [],
    ...f,
  });
  tensors.set(x.id, timeTensor(x, { stride: 1, hop, edgeLeft: 0, edgeRight: 0, producer: -1 }));

  // Forward: what each step is, and the edges and hop of every time tensor.
  const problems: Diagnostic[] = [];
  const classified: Classified[] = [];
  l.steps.forEach((step, index) => {
    const op = g.ops.find((o) => o.id === step.op.id)!;
    const acts = op.inputs.filter((id) => id >= 0 && !g.tensors[id]!.data && !g.tensors[id]!.variable);
    const hasState = op.inputs.some((id) => id >= 0 && g.tensors[id]!.variable);
    if (hasState && (step as { resetState?: boolean }).resetState !== true) {
      problems.push({
        code: 'E-STREAM-STATEFUL',
        stage: 'plan',
        message: `${op.kind} keeps its state across invokes (stateful): the full-window model's output depends on every earlier invoke, so no stream of hops can reproduce it`,
        location: { file, layer: op.name },
      });
      return;
    }
    const timeIn = acts.map((id) => ({ id, t: tensors.get(root(id)) })).filter((a) => a.t);
    const whole = (reason: string): void => void classified.push({ mode: 'whole', index, step, op, reason, reads: timeIn.map((a) => a.t!.id) });
    if (timeIn.length === 0) return whole('after the time axis: runs every hop');
    if (RECURRENT_OPS.has(op.kind)) return whole("recurrent over time: its state starts at the window's first frame, so it reruns over the whole window every hop");
    const flat = timeIn.filter((a) => !sameShape(g.tensors[a.id]!.shape, [1, 1, a.t!.frames, a.t!.channels]));
    if (flat.length > 0) return whole(`reads the window reshaped (${g.tensors[flat[0]!.id]!.shape.join('x')}): recomputed every hop`);
    const y = g.tensors[op.outputs[0]!]!;
    if (WINDOW_OPS.has(op.kind)) {
      const geo = windowGeometry(g, op);
      const t = timeIn[0]!.t!;
      if (!geo || timeIn.length !== 1) return whole(`${op.kind} over more than the time axis: recomputed every hop`);
      const framesOut = y.shape[2]!;
      const pr = (framesOut - 1) * geo.s - geo.pl + (geo.k - 1) * geo.d - (t.frames - 1);
      if (geo.pl > (geo.k - 1) * geo.d || pr > (geo.k - 1) * geo.d) return whole(`${op.kind} with padding wider than its kernel: recomputed every hop`);
      if (t.hop % geo.s !== 0) {
        problems.push({
          code: 'E-STREAM-HOP',
          stage: 'plan',
          message: `--stream ${hop}: this layer's time stride ${geo.s} does not divide the ${t.hop} frames that enter it per hop (${t.stride} samples each): HOP must be a multiple of ${t.stride * geo.s}, the total time stride up to here`,
          location: { file, layer: op.name },
        });
        return;
      }
      const edgeLeft = Math.min(framesOut, Math.max(0, Math.ceil((t.edgeLeft + geo.pl) / geo.s)));
      const firstRight = Math.ceil((t.frames - t.edgeRight + geo.pl - (geo.k - 1) * geo.d) / geo.s);
      const edgeRight = Math.min(framesOut, Math.max(0, framesOut - firstRight));
      tensors.set(y.id, timeTensor(y, { stride: t.stride * geo.s, hop: t.hop / geo.s, edgeLeft, edgeRight, producer: index }));
      classified.push({ mode: 'frames', index, step, op, output: y.id, inputs: [t.id], geometry: geo, macsPerFrame: macsPerFrame(g, op) });
      return;
    }
    if (FRAMEWISE_OPS.has(op.kind)) {
      const first = timeIn[0]!.t!;
      // Every operand a time tensor of the same frames (a constant operand would span the whole window).
      const constants = op.inputs.some((id) => id >= 0 && g.tensors[id]!.data);
      const aligned = !constants && timeIn.length === acts.length && timeIn.every((a) => a.t!.frames === first.frames && a.t!.stride === first.stride);
      const channelConcat = op.kind !== 'concat' || op.attrs.axis === 3 || op.attrs.axis === -1;
      if (!aligned || !channelConcat || y.shape.length !== 4 || y.shape[2] !== first.frames || y.shape[1] !== 1) return whole(`${op.kind} across frames of different windows: recomputed every hop`);
      const edgeLeft = Math.max(...timeIn.map((a) => a.t!.edgeLeft));
      const edgeRight = Math.max(...timeIn.map((a) => a.t!.edgeRight));
      tensors.set(y.id, timeTensor(y, { stride: first.stride, hop: first.hop, edgeLeft, edgeRight, producer: index }));
      classified.push({ mode: 'frames', index, step, op, output: y.id, inputs: timeIn.map((a) => a.t!.id), geometry: null, macsPerFrame: macsPerFrame(g, op) });
      return;
    }
    const finish = MEAN_OPS.has(op.kind) && timeIn.length === 1 ? meanFinish(step) : null;
    if (finish) return void classified.push({ mode: 'running-mean', index, step, op, input: timeIn[0]!.t!.id, finish });
    return whole(`${op.kind} reads every frame of the window: recomputed every hop`);
  });
  if (problems.length > 0) throw new EdgecError(problems);

  const all = (t: TimeTensor): FrameSpan[] => [{ from: 0, to: t.frames }];
  const changed = (t: TimeTensor): FrameSpan[] =>
    t.producer < 0
      ? [{ from: t.frames - t.hop, to: t.frames }]
      : spanUnion([
          { from: 0, to: t.edgeLeft },
          { from: Math.max(0, t.frames - t.edgeRight - t.hop), to: t.frames },
        ]);
  const hasClean = (t: TimeTensor) => t.frames - t.edgeLeft - t.edgeRight > 0;
  // A running mean subtracts the frames that leave its clean region: it keeps its input's window.
  const forced = new Set<number>([x.id, ...classified.flatMap((c) => (c.mode === 'running-mean' && hasClean(tensors.get(c.input)!) ? [c.input] : []))]);

  /** Backward: given the retained set, the frames each producer computes and what it costs per hop. */
  const evaluate = (retained: ReadonlySet<number>) => {
    const demand = new Map<number, FrameSpan[]>();
    const want = (id: number, spans: FrameSpan[]) => demand.set(id, spanUnion([...(demand.get(id) ?? []), ...spans]));
    for (const o of g.outputs) {
      const t = tensors.get(root(o));
      if (t) want(t.id, all(t));
    }
    const compute = new Map<number, FrameSpan[]>();
    let cost = 0;
    for (let i = classified.length - 1; i >= 0; i--) {
      const c = classified[i]!;
      if (c.mode === 'whole') {
        for (const id of c.reads) want(id, all(tensors.get(id)!));
      } else if (c.mode === 'running-mean') {
        want(c.input, changed(tensors.get(c.input)!));
      } else {
        const y = tensors.get(c.output)!;
        const spans = retained.has(y.id) ? changed(y) : (demand.get(y.id) ?? []);
        compute.set(y.id, spans);
        cost += spanCount(spans) * c.macsPerFrame;
        for (const id of c.inputs) {
          const t = tensors.get(id)!;
          want(id, c.geometry ? spans.map((s) => readSpan(s, c.geometry!, t.frames)) : spans);
        }
      }
    }
    compute.set(x.id, changed(tensors.get(x.id)!));
    return { demand, compute, cost };
  };
  /** Drops retained tensors no hop reads beyond what it computes anyway (that only saves work). */
  const prune = (retained: Set<number>) => {
    for (;;) {
      const e = evaluate(retained);
      const useless = [...retained].filter((id) => !forced.has(id) && spansCover(changed(tensors.get(id)!), e.demand.get(id) ?? []));
      if (useless.length === 0) return e;
      for (const id of useless) retained.delete(id);
    }
  };
  const retained = new Set(tensors.keys());
  let current = prune(retained);
  for (;;) {
    let best: { id: number; gain: number } | null = null;
    for (const id of retained) {
      if (forced.has(id)) continue;
      const t = tensors.get(id)!;
      const trial = new Set(retained);
      trial.delete(id);
      const gain = t.frames * t.frameBytes - (evaluate(trial).cost - current.cost);
      if (gain > 0 && (!best || gain > best.gain)) best = { id, gain };
    }
    if (!best) break;
    retained.delete(best.id);
    current = prune(retained);
  }

  // The state region: retained windows (the input first), then the running sums.
  let stateBytes = 0;
  for (const t of [...tensors.values()].sort((a, b) => (a.id === x.id ? -1 : b.id === x.id ? 1 : a.id - b.id))) {
    t.compute = current.compute.get(t.id) ?? [];
    if (!retained.has(t.id)) continue;
    t.retained = true;
    t.stateOffset = stateBytes;
    stateBytes += align8(t.frames * t.frameBytes);
  }

  // Sub-window tensors and the family's own step for each span.
  const viewTensors: Tensor[] = [...g.tensors];
  const graph: Graph = { ...g, tensors: viewTensors };
  const views = new Map<number, { root: number; frame: number }>();
  const viewKey = new Map<string, number>();
  const view = (t: TimeTensor, span: FrameSpan): number => {
    const key = `${t.id}:${span.from}:${span.to}`;
    let id = viewKey.get(key);
    if (id === undefined) {
      const base = g.tensors[t.id]!;
      id = viewTensors.length;
      viewTensors.push({ id, name: `${base.name}[${span.from}:${span.to}]`, shape: [1, 1, span.to - span.from, t.channels], dtype: base.dtype, ...(base.quant ? { quant: base.quant } : {}) });
      views.set(id, { root: t.id, frame: span.from });
      viewKey.set(key, id);
    }
    return id;
  };
  const lowerSub = (op: Op, sub: Op): Step => {
    const body = opDef(op.kind)!.lower(graph, sub as never) as StepBody | null;
    if (!body) throw new Error(`stream plan: ${op.kind} '${op.name}' lowered to nothing`);
    return { ...body, op: { id: op.id, name: op.name, kind: op.kind } } as Step;
  };

  const steps: StreamStepPlan[] = classified.map((c): StreamStepPlan => {
    if (c.mode === 'whole') return { mode: 'whole', index: c.index, step: c.step, reason: c.reason };
    if (c.mode === 'running-mean') {
      const t = tensors.get(c.input)!;
      const cleanEnd = t.frames - t.edgeRight;
      const clean = Math.max(0, cleanEnd - t.edgeLeft);
      const leave = clean > 0 ? { from: t.edgeLeft, to: Math.min(t.edgeLeft + t.hop, cleanEnd) } : null;
      const enter = clean > 0 ? { from: Math.max(t.edgeLeft, cleanEnd - t.hop), to: cleanEnd } : null;
      const edges = spanUnion(
        clean > 0
          ? [
              { from: 0, to: t.edgeLeft },
              { from: cleanEnd, to: t.frames },
            ]
          : all(t),
      );
      const sumOffset = stateBytes;
      stateBytes += align8(4 * t.channels);
      return { mode: 'running-mean', index: c.index, step: c.step, input: t.id, channels: t.channels, frames: t.frames, clean, leave, enter, edges, sumOffset, finish: c.finish };
    }
    const y = tensors.get(c.output)!;
    const calls = y.compute.map((out): SubCall => {
      const outView = view(y, out);
      if (c.geometry) {
        const t = tensors.get(c.inputs[0]!)!;
        const geo = c.geometry;
        const lo = out.from * geo.s - geo.pl;
        const hi = (out.to - 1) * geo.s - geo.pl + (geo.k - 1) * geo.d;
        const read = spanClip({ from: lo, to: hi + 1 }, 0, t.frames);
        const padding = { top: 0, bottom: 0, left: read.from - lo, right: hi + 1 - read.to };
        const inputs = c.op.inputs.map((id, k) => (k === 0 ? view(t, read) : id));
        return { step: lowerSub(c.op, { ...c.op, inputs, outputs: [outView], attrs: { ...c.op.attrs, padding } } as Op), out };
      }
      const inputs = c.op.inputs.map((id) => (id >= 0 && tensors.has(root(id)) ? view(tensors.get(root(id))!, out) : id));
      return { step: lowerSub(c.op, { ...c.op, inputs, outputs: [outView] } as Op), out };
    });
    return { mode: 'frames', index: c.index, step: c.step, output: y.id, calls, macsPerFrame: c.macsPerFrame };
  });

  const full = classified.reduce((a, c) => a + (c.mode === 'frames' ? c.macsPerFrame * tensors.get(c.output)!.frames : 0), 0);
  return {
    hop,
    window,
    fillHops: Math.ceil(window / hop),
    graph,
    aliases: l.aliases,
    views,
    tensors,
    input: x.id,
    steps,
    stateBytes,
    macs: { stream: current.cost, full },
  };
}
