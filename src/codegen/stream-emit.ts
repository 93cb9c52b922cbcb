/**
 * The streaming half of a generated folder (`edgec compile --stream HOP`): `<prefix>_stream.h`, the
 * push function at the end of `<prefix>.c` and `stream.txt`, from the streaming plan
 * (src/lower/stream-plan.ts). Its kernel calls are the plan's sub-window steps and the model's own
 * steps, emitted by the same family emitters in the same emitSteps call as the model's invoke, after
 * it, so they reuse the model's weight and constant arrays. Its tensors live in the stream's state
 * region (retained windows) or in the model's arena, placed by a plan of their own:
 *
 *   emitSteps([model steps ..., stream calls ...])  ->  model invoke | stream push
 *                   layout: step < N: the model's plan;  step >= N: stream state or the push's plan
 */
import { designated, literal } from '../cgen/c.ts';
import type { StreamManifest } from '../formats/stream-manifest.ts';
import type { Graph } from '../ir/graph.ts';
import type { Lowered, Step } from '../lower/lower.ts';
import { planStream, type RunningMeanPlan, type StreamPlan, type TimeTensor } from '../lower/stream-plan.ts';
import { formatSpans, spanCount } from '../lower/stream-spans.ts';
import { formatPlan, planGraph } from '../plan/index.ts';
import { fail } from '../support/diagnostics.ts';
import { markdownText, safeText } from '../support/sanitize.ts';
import { renderTemplate } from '../support/templates.ts';
import type { StepScratch } from '../ops/contract.ts';
import type { BackendOptions, EmittedSteps, MemoryLayout } from './portable/emit-steps.ts';
import { cmsisEmitterFor, portableScratch } from './select.ts';

export const STREAM_KERNEL_FILES = ['edgec_stream.h', 'edgec_stream.c'];
export const STREAM_HEADER = 'edgec_stream.h';

export interface StreamEmission {
  plan: StreamPlan;
  /** The model's steps, then the stream's kernel calls (one emitSteps call emits both). */
  lowered: Lowered;
  /** The model's own steps come first: emitted steps from this index on are the stream's. */
  modelSteps: number;
  /** Bytes of arena a push needs (the folder's arena covers invoke and push). */
  arenaBytes: number;
  layout(model: MemoryLayout): MemoryLayout;
  render(emitted: EmittedSteps, view: StreamView): { source: string; header: string; manifest: StreamManifest; text: string };
}

export interface StreamView {
  prefix: string;
  banner: string;
  /** The model context keeps recurrent state (the push declares `state` for its whole steps). */
  modelState: boolean;
  /** The model's own arena plan (invoke), for the budget's comparison. */
  modelArenaBytes: number;
}

const ptrType = (t: TimeTensor | { elementBytes: number }) => (t.elementBytes === 2 ? 'int16_t' : 'int8_t');

export function prepareStream(g: Graph, l: Lowered, hop: number, opts: { backend: BackendOptions; alignment: number; weightsBlob?: boolean }): StreamEmission {
  if (opts.weightsBlob) fail('E-STREAM-OPTION', 'codegen', '--stream with --weights blob is not supported: the push function reads the weight arrays from the C', { file: g.meta.source });
  const plan = planStream(l, hop);
  const modelSteps = l.steps.length;
  // The stream's kernel calls in push order, each with the plan step it belongs to.
  const calls: { step: Step; owner: number }[] = [];
  plan.steps.forEach((p, k) => {
    if (p.mode === 'frames') for (const c of p.calls) calls.push({ step: c.step, owner: k });
    else if (p.mode === 'whole') calls.push({ step: p.step, owner: k });
  });
  const backend = opts.backend;
  const scratchOf = (s: Step): number => {
    const e = backend.backend === 'cmsis-nn' ? cmsisEmitterFor(s, backend.path, backend.everywhere) : undefined;
    return e && backend.backend === 'cmsis-nn' ? Math.max(e.scratch(s as never, backend.path), e.scratch(s as never, 'plain')) : portableScratch(s);
  };
  const ownerScratch = plan.steps.map((_, k) => Math.max(0, ...calls.filter((c) => c.owner === k).map((c) => scratchOf(c.step))));
  const requests = plan.steps.flatMap((p, k) =>
    ownerScratch[k]! > 0 ? [{ opIndex: g.ops.findIndex((o) => o.id === p.step.op.id), bytes: ownerScratch[k]!, name: `${p.step.op.name} (scratch)`, owner: k }] : [],
  );
  const retained = new Set([...plan.tensors.values()].filter((t) => t.retained).map((t) => t.id));
  const { plan: arena } = planGraph(g, { alignment: opts.alignment, scratch: requests, external: retained });
  const offsetOf = (id: number): number => {
    const b = arena.buffers.find((x) => x.id === id);
    if (!b) throw new Error(`stream: no arena buffer for tensor ${id}`);
    return b.offset;
  };
  const scratchAt = (owner: number): number | null => {
    const k = requests.findIndex((r) => r.owner === owner);
    return k < 0 ? null : arena.buffers.find((b) => b.id === -(k + 1))!.offset;
  };
  const external = (id: number): string | null => {
    const v = plan.views.get(id);
    const t = plan.tensors.get(v ? v.root : id);
    return t?.retained ? `(stream_state + ${t.stateOffset + (v ? v.frame * t.frameBytes : 0)})` : null;
  };
  const arenaOffset = (id: number): number => {
    const v = plan.views.get(id);
    return v ? offsetOf(v.root) + v.frame * plan.tensors.get(v.root)!.frameBytes : offsetOf(id);
  };
  const lowered: Lowered = { graph: plan.graph, steps: [...l.steps, ...calls.map((c) => c.step)], aliases: l.aliases };
  return {
    plan,
    lowered,
    modelSteps,
    arenaBytes: arena.arenaBytes,
    layout: (model) => ({
      arenaOffset: (id, step) => (step !== undefined && step >= modelSteps ? arenaOffset(id) : model.arenaOffset(id, step)),
      external: (id, step) => (step !== undefined && step >= modelSteps ? external(id) : model.external(id, step)),
      stateOffset: (id) => model.stateOffset(id),
      scratch: (step): StepScratch => {
        if (step < modelSteps) return model.scratch(step);
        const c = calls[step - modelSteps]!;
        const at = scratchAt(c.owner);
        const bytes = scratchOf(c.step);
        return at === null || bytes === 0 ? { ptr: 'NULL', bytes: 0 } : { ptr: `(arena + ${at})`, bytes };
      },
    }),
    render: (emitted, view) => renderStream(plan, emitted.steps.slice(modelSteps), calls, view, { arena: arena.arenaBytes, planLines: formatPlan(arena).split('\n'), offsetOf }),
  };
}

function renderStream(
  plan: StreamPlan,
  emitted: EmittedSteps['steps'],
  calls: { step: Step; owner: number }[],
  view: StreamView,
  arena: { arena: number; planLines: string[]; offsetOf: (id: number) => number },
): { source: string; header: string; manifest: StreamManifest; text: string } {
  const { prefix } = view;
  const upper = prefix.toUpperCase();
  const g = plan.graph;
  const root = (id: number) => plan.aliases.get(id) ?? id;
  const input = plan.tensors.get(plan.input)!;
  // A retained window is in the stream's state; a running mean's input without clean frames may be in the arena.
  const windowPtr = (t: TimeTensor, frame = 0, konst = false) => {
    const at = t.retained ? `stream_state + ${t.stateOffset + frame * t.frameBytes}` : `arena + ${arena.offsetOf(t.id) + frame * t.frameBytes}`;
    return t.elementBytes === 2 ? `(${konst ? 'const ' : ''}int16_t *)(${konst ? 'const ' : ''}void *)(${at})` : `(${at})`;
  };
  const sumsPtr = (m: RunningMeanPlan) => `((int32_t *)(void *)(stream_state + ${m.sumOffset}))`;
  const width = (t: TimeTensor) => (t.elementBytes === 2 ? 's16' : 's8');
  const check = [`if (status != 0) {`, `    return status == ${upper}_ERROR_SCRATCH ? ${upper}_ERROR_SCRATCH : ${upper}_ERROR_KERNEL;`, '}'];
  const constants: string[] = [];
  const body: string[] = [];

  // 1. Running means: the frames that leave the clean region, read before the shift moves them.
  for (const m of plan.steps) {
    if (m.mode !== 'running-mean' || !m.leave) continue;
    const t = plan.tensors.get(m.input)!;
    body.push(
      `edgec_stream_accumulate_${width(t)}(${sumsPtr(m)}, ${windowPtr(t, m.leave.from, true)}, ${m.leave.to - m.leave.from}, ${t.channels}, -1); /* ${safeText(m.step.op.name)}: frames leaving */`,
    );
  }
  // 2. Retained windows: clean frames move left by the hop; the new samples enter the input's window.
  for (const t of [...plan.tensors.values()].filter((x) => x.retained)) {
    const from = (t.edgeLeft + t.hop) * t.frameBytes;
    const to = (t.frames - t.edgeRight) * t.frameBytes;
    if (to > from)
      body.push(
        `edgec_stream_move(stream_state + ${t.stateOffset + t.edgeLeft * t.frameBytes}, stream_state + ${t.stateOffset + from}, ${to - from}); /* ${safeText(t.name)}: keep frames ${t.edgeLeft + t.hop}..${t.frames - t.edgeRight - 1} */`,
      );
  }
  const samples = input.elementBytes === 2 ? '(const int8_t *)(const void *)samples' : 'samples';
  body.push(`edgec_stream_move(stream_state + ${input.stateOffset + (input.frames - plan.hop) * input.frameBytes}, ${samples}, ${plan.hop * input.frameBytes}); /* the new samples */`);
  // 3. Every layer, in order.
  const layers: StreamManifest['layers'] = [];
  plan.steps.forEach((p, k) => {
    const name = p.step.op.name;
    if (p.mode === 'running-mean') {
      const t = plan.tensors.get(p.input)!;
      body.push('', `/* ${safeText(name)}: global average as a running sum (clean frames ${t.edgeLeft}..${t.frames - t.edgeRight - 1}; edges ${formatSpans(p.edges)} each hop) */`);
      if (p.enter) body.push(`edgec_stream_accumulate_${width(t)}(${sumsPtr(p)}, ${windowPtr(t, p.enter.from, true)}, ${p.enter.to - p.enter.from}, ${t.channels}, 1);`);
      const f = p.finish;
      const edges = [...p.edges, { from: 0, to: 0 }, { from: 0, to: 0 }].slice(0, 2);
      const params = `${prefix}_stream_mean_${p.index}`;
      constants.push(
        `static const edgec_stream_mean_params ${params} = ${designated({
          kind: f.kind === 'average' ? 'EDGEC_STREAM_MEAN_AVERAGE' : 'EDGEC_STREAM_MEAN_REQUANTIZE',
          channels: t.channels,
          count: f.count,
          edge_from: `{ ${edges.map((e) => e.from).join(', ')} }`,
          edge_count: `{ ${edges.map((e) => e.to - e.from).join(', ')} }`,
          input_zero_point: f.kind === 'requantize' ? f.inputZeroPoint : 0,
          output_zero_point: f.kind === 'requantize' ? f.outputZeroPoint : 0,
          multiplier: f.kind === 'requantize' ? literal(f.multiplier) : 0,
          shift: f.kind === 'requantize' ? f.shift : 0,
          activation: { min: f.min, max: f.max },
        })};`,
      );
      const out = `(${ptrType(t)} *)(void *)(arena + ${arena.offsetOf(root(p.step.output))})`;
      body.push(`status = edgec_stream_mean_${width(t)}(&${params}, ${sumsPtr(p)}, ${windowPtr(t, 0, true)}, ${out});`, ...check);
      layers.push({ layer: name, mode: p.mode, frames: t.frames, computed: 1, edgeLeft: t.edgeLeft, edgeRight: t.edgeRight, newFrames: t.hop });
    } else {
      const mine = emitted.filter((_, i) => calls[i]!.owner === k);
      if (p.mode === 'frames') {
        const t = plan.tensors.get(p.output)!;
        body.push('', `/* ${safeText(name)}: frames ${formatSpans(t.compute)} of ${t.frames} (edges ${t.edgeLeft} + ${t.edgeRight}, ${t.hop} new per hop${t.retained ? ', window retained' : ''}) */`);
        layers.push({ layer: name, mode: p.mode, frames: t.frames, computed: spanCount(t.compute), edgeLeft: t.edgeLeft, edgeRight: t.edgeRight, newFrames: t.hop, retained: t.retained });
      } else {
        body.push('', `/* ${safeText(name)}: ${p.reason} */`);
        layers.push({ layer: name, mode: p.mode, reason: p.reason });
      }
      for (const e of mine) body.push(...e.lines, ...check);
    }
    body.push('#if defined(EDGEC_PROFILE_STEPS)', `edgec_profile_step(${p.index});`, '#endif');
  });

  const resets: string[] = [];
  const stateLines: string[] = [];
  for (const t of [...plan.tensors.values()].filter((x) => x.retained)) {
    resets.push(`memset(stream_state + ${t.stateOffset}, ${t.fill}, ${t.frames * t.frameBytes}u); /* ${safeText(t.name)} */`);
    stateLines.push(`[${String(t.stateOffset).padStart(6)}, ${String(t.stateOffset + t.frames * t.frameBytes).padStart(6)})  ${safeText(t.name)}: ${t.frames} frames x ${t.frameBytes} bytes`);
  }
  for (const m of plan.steps) {
    if (m.mode !== 'running-mean') continue;
    const start = m.clean * plan.tensors.get(m.input)!.fill;
    resets.push(`for (int32_t c = 0; c < ${m.channels}; c++) {`, `    ${sumsPtr(m)}[c] = ${literal(start)}; /* ${safeText(m.step.op.name)}: the reset window's clean frames */`, '}');
    stateLines.push(`[${String(m.sumOffset).padStart(6)}, ${String(m.sumOffset + 4 * m.channels).padStart(6)})  ${safeText(m.step.op.name)}: int32 sums of ${m.clean} clean frames`);
  }

  const outputs = g.outputs.map((id, i) => {
    const r = root(id);
    const t = plan.tensors.get(r);
    const pointer = t?.retained ? `(stream->state.bytes + ${t.stateOffset})` : `(stream->model->arena + ${arena.offsetOf(r)})`;
    return { role: i === 0 ? 'output' : `output_${i}`, ctype: `${g.tensors[id]!.dtype}_t`, pointer };
  });
  const common = {
    banner: view.banner,
    prefix,
    upper,
    hop: plan.hop,
    hopSize: plan.hop * input.channels,
    channels: input.channels,
    window: plan.window,
    fillHops: plan.fillHops,
    stateBytes: plan.stateBytes,
    stateAlloc: Math.max(plan.stateBytes, 8),
    inputCtype: `${ptrType(input)}`,
    outputs,
  };
  const source = renderTemplate('model/stream.c.hbs', { ...common, constants, body, resets, stateLines, planLines: arena.planLines, arenaBytes: arena.arena, modelState: view.modelState });
  const header = renderTemplate('model/stream.h.hbs', common);
  const manifest: StreamManifest = {
    hop: plan.hop,
    window: plan.window,
    channels: input.channels,
    fillHops: plan.fillHops,
    stateBytes: plan.stateBytes,
    arenaBytes: arena.arena,
    modelArenaBytes: view.modelArenaBytes,
    macsPerHop: plan.macs.stream,
    fullMacs: plan.macs.full,
    layers,
  };
  return { source, header, manifest, text: streamText(plan, manifest) };
}

/** stream.txt: the plan as a table, per layer what a hop computes. */
export function streamText(plan: StreamPlan, m: StreamManifest): string {
  const lines = [
    `stream: ${plan.hop} new samples per push, window ${plan.window} samples, first output after ${plan.fillHops} pushes`,
    `state ${m.stateBytes} bytes (retained windows and running sums), push arena ${m.arenaBytes} bytes`,
    `multiply-accumulates along time per push: ${m.macsPerHop} (full window: ${m.fullMacs}, ${((100 * m.macsPerHop) / Math.max(m.fullMacs, 1)).toFixed(1)}%)`,
    '',
    `${'layer'.padEnd(28)} ${'mode'.padEnd(13)} ${'frames'.padStart(6)} ${'edges'.padStart(7)} ${'new'.padStart(4)} ${'computed'.padStart(8)}  window`,
  ];
  for (const l of m.layers) {
    if (l.mode === 'whole') {
      lines.push(`${safeText(l.layer).padEnd(28)} ${l.mode.padEnd(13)} ${l.reason}`);
      continue;
    }
    lines.push(
      `${safeText(l.layer).padEnd(28)} ${l.mode.padEnd(13)} ${String(l.frames).padStart(6)} ${`${l.edgeLeft}+${l.edgeRight}`.padStart(7)} ${String(l.newFrames).padStart(4)} ${String(l.computed).padStart(8)}  ${l.mode === 'running-mean' ? 'sums' : l.retained ? 'retained' : 'arena'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The folder README's section on the streaming API. */
export function streamReadme(prefix: string, m: StreamManifest): string {
  const upper = prefix.toUpperCase();
  const rows = m.layers.map((l) =>
    l.mode === 'whole'
      ? `| ${markdownText(l.layer, 80)} | every hop | ${markdownText(l.reason ?? '', 200)} |`
      : l.mode === 'running-mean'
        ? `| ${markdownText(l.layer, 80)} | running int32 sum | edges ${l.edgeLeft} + ${l.edgeRight} of ${l.frames} frames added each hop, ${l.newFrames} frames enter and leave the sum |`
        : `| ${markdownText(l.layer, 80)} | ${l.computed} of ${l.frames} frames | ${l.newFrames} new, edges ${l.edgeLeft} + ${l.edgeRight} recomputed; window ${l.retained ? 'kept in the state' : 'in the arena'} |`,
  );
  return [
    '',
    '## Streaming',
    '',
    `Compiled with \`--stream ${m.hop}\`: \`${prefix}_stream.h\` pushes ${m.hop} new samples at a time. After ${m.fillHops} pushes`,
    `every push leaves in \`${prefix}_stream_output()\` exactly the bytes \`${prefix}_invoke()\` gives for the window of`,
    `${m.window} samples ending at the newest sample (\`edgec verify <this folder> --stream\` checks it on a long signal).`,
    '',
    '```c',
    `#include "${prefix}_stream.h"`,
    '',
    `static int8_t arena[${upper}_ARENA_BYTES] __attribute__((aligned(${upper}_ARENA_ALIGN)));`,
    `static ${prefix}_ctx model;`,
    `static ${prefix}_stream stream; /* ${upper}_STREAM_BYTES: its state region is inside */`,
    '',
    `${prefix}_init(&model, arena, sizeof arena);`,
    `${prefix}_stream_init(&stream, &model);`,
    `/* every ${m.hop} samples: */`,
    `if (${prefix}_stream_push(&stream, hop_values) == ${upper}_OK) { /* ${upper}_STREAM_FILLING before the window is full */`,
    `    const int8_t *scores = ${prefix}_stream_output(&stream);`,
    '}',
    '```',
    '',
    `Memory contract: a \`${prefix}_stream\` owns its state region (${m.stateBytes} bytes: the part of each layer's window`,
    `later pushes read, and running sums), kept between pushes; \`${prefix}_stream_reset()\` clears it (a new recording).`,
    `A push computes in the model context's arena (${m.arenaBytes} of its bytes) and leaves only the output there, valid`,
    `until the arena is used again: \`${prefix}_invoke()\`, other streams and other models may share it between pushes.`,
    '',
    `Per push the layers along time do ${m.macsPerHop} multiply-accumulates (the full window: ${m.fullMacs}). Frames that`,
    "read padding (a 'same' or causal layer's edges, and what they feed) depend on where the window starts or ends: the",
    'full-window model computes them differently for each window, so every push recomputes them; the other frames are',
    'computed once, when they enter (`stream.txt` lists them):',
    '',
    '| layer | per push | |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
