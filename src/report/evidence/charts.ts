/**
 * The report's charts: Vega-Lite specs built from the evidence, rendered to SVG strings here (vega's
 * headless view, renderer 'none': no canvas, no DOM, no network), and inlined into the page.
 *
 *   instructions-<target>   executed instructions per layer (and any other per-layer figure the
 *                           budget carries, e.g. estimated cycles, as a second bar per layer)
 *   flash-<target>          code per kernel, other model code, weights
 *   ram-<target>            arena, measured stack, static data, state
 *   memory                  the arena plan: each buffer a rectangle [offset, offset + bytes) over the
 *                           ops it lives through; live bytes per op beside it
 *   sqnr                    SQNR per layer, int8 vs float
 *   confusion-int8          true class x predicted class on the labelled windows
 *
 * Deterministic: text widths are estimated (no canvas), and vega's process-wide counters for element
 * ids are renumbered per chart (`chart-<name>-<n>`), so the same evidence draws the same bytes, and
 * two charts on one page never share an id.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { Budget } from '../budget.ts';
import { budgetView } from './budget-view.ts';
import { int } from './html.ts';
import type { EvidenceReport } from './types.ts';

export interface Chart {
  /** Stable id: the figure's id in the page, and the prefix of every id inside its SVG. */
  id: string;
  title: string;
  caption: string;
  svg: string;
}

const WIDTH = 560;
const MEMORY_HEIGHT = 240;
const FONT = 'Helvetica, Arial, sans-serif';
const PALETTE = ['#3b6ea5', '#e07b39', '#5a9e4b', '#c0504d', '#8064a2', '#4bacc6', '#9c8b42', '#7f7f7f'];

const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom' as const },
  range: { category: PALETTE },
};

type Spec = vl.TopLevelSpec;

function instructionsSpec(b: Budget): Spec | null {
  const view = budgetView(b);
  if (view.layers.length === 0) return null;
  const drawn = view.metrics.map((m, k) => ({ ...m, k })).filter((m) => m.chart);
  const names = view.layers.map((l, i) => `${i} ${l.name}`);
  const values = view.layers.flatMap((l, i) => drawn.map((m) => ({ layer: names[i], metric: m.title, value: l.values[m.k] ?? 0 })));
  const grouped = drawn.length > 1;
  return {
    width: WIDTH,
    height: { step: grouped ? 24 : 18 },
    data: { values },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      y: { field: 'layer', type: 'nominal', sort: names, title: 'layer (step order)' },
      x: { field: 'value', type: 'quantitative', title: grouped ? 'per inference' : 'executed instructions per inference', axis: { format: '~s' } },
      color: { field: 'metric', type: 'nominal', title: null, scale: { domain: drawn.map((m) => m.title) }, legend: grouped ? {} : null },
      ...(grouped ? { yOffset: { field: 'metric', type: 'nominal', sort: drawn.map((m) => m.title) } } : {}),
    },
    config: CONFIG,
  } as Spec;
}

function flashSpec(b: Budget): Spec {
  const kernels = b.flash.per_kernel.map((k) => ({ part: k.name, bytes: k.bytes, kind: 'kernel code' }));
  const other = b.flash.code - kernels.reduce((a, k) => a + k.bytes, 0);
  const values = [
    ...kernels,
    ...(other > 0 ? [{ part: 'model code (invoke, init, I/O)', bytes: other, kind: 'other code' }] : []),
    { part: b.flash.weights_blob > 0 ? 'weights (const data + weights.bin)' : 'weights (const data)', bytes: b.flash.weights, kind: 'weights' },
  ];
  return {
    width: WIDTH,
    height: { step: 18 },
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'part', type: 'nominal', sort: values.map((v) => v.part), title: null },
      x: { field: 'bytes', type: 'quantitative', title: `flash bytes (total ${b.flash.total})` },
      color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['kernel code', 'other code', 'weights'] } },
    },
    config: CONFIG,
  } as Spec;
}

function ramSpec(b: Budget): Spec {
  const parts = [
    { part: 'arena (planned)', bytes: b.ram.arena },
    { part: 'stack (measured)', bytes: b.ram.stack },
    { part: 'static data', bytes: b.ram.static },
    { part: 'state', bytes: b.ram.state },
  ];
  return {
    width: WIDTH,
    height: 60,
    data: { values: parts.map((p, i) => ({ ...p, order: i, target: b.target })) },
    mark: 'bar',
    encoding: {
      y: { field: 'target', type: 'nominal', title: null },
      x: { field: 'bytes', type: 'quantitative', stack: 'zero', title: `RAM bytes (total ${b.ram.total}; scratch ${b.ram.scratch} inside the arena)` },
      color: { field: 'part', type: 'nominal', title: null, scale: { domain: parts.map((p) => p.part) } },
      order: { field: 'order', type: 'quantitative' },
    },
    config: CONFIG,
  } as Spec;
}

function memorySpec(r: EvidenceReport): Spec | null {
  const mem = r.memory;
  if (mem.buffers.length === 0) return null;
  const ops = mem.ops.length;
  const arena = Math.max(mem.arenaBytes, 1);
  // A buffer's name is written inside its rectangle when it fits there (about 6 px per character).
  const fits = (b: (typeof mem.buffers)[number]) => (b.bytes / arena) * MEMORY_HEIGHT >= 13 && ((b.lastOp + 1 - b.firstOp) / ops) * WIDTH >= 6 * b.name.length + 6;
  const rects = mem.buffers.map((b) => ({
    name: b.name,
    label: fits(b) ? b.name : '',
    kind: b.kind,
    x0: b.firstOp,
    x1: b.lastOp + 1,
    xm: (b.firstOp + b.lastOp + 1) / 2,
    y0: b.offset,
    y1: b.offset + b.bytes,
    ym: b.offset + b.bytes / 2,
  }));
  const live = mem.liveBytes.map((v, i) => ({ x0: i + 0.15, x1: i + 0.85, live: v }));
  const x = { type: 'quantitative' as const, scale: { domain: [0, ops] }, axis: { title: 'op (time)', tickMinStep: 1, values: Array.from({ length: ops + 1 }, (_, i) => i) } };
  return {
    vconcat: [
      {
        width: WIDTH,
        height: MEMORY_HEIGHT,
        data: { values: rects },
        layer: [
          {
            mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
            encoding: {
              x: { field: 'x0', ...x },
              x2: { field: 'x1' },
              y: { field: 'y0', type: 'quantitative', scale: { domain: [0, arena], nice: false }, title: 'arena offset (bytes)' },
              y2: { field: 'y1' },
              color: { field: 'kind', type: 'nominal', title: 'buffer', scale: { domain: ['input', 'activation', 'output', 'scratch'] } },
            },
          },
          {
            mark: { type: 'text', fontSize: 10, color: 'white' },
            encoding: { x: { field: 'xm', type: 'quantitative' }, y: { field: 'ym', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
      {
        width: WIDTH,
        height: 120,
        layer: [
          {
            data: { values: live },
            mark: { type: 'rect', color: '#3b6ea5' },
            encoding: {
              x: { field: 'x0', ...x },
              x2: { field: 'x1' },
              y: { field: 'live', type: 'quantitative', title: 'live bytes', scale: { domain: [0, Math.max(mem.arenaBytes, 1)] } },
              y2: { datum: 0 },
            },
          },
          {
            data: { values: [{ arena: mem.arenaBytes }] },
            mark: { type: 'rule', color: '#c0504d', strokeDash: [4, 3] },
            encoding: { y: { field: 'arena', type: 'quantitative' } },
          },
        ],
      },
    ],
    config: CONFIG,
  } as Spec;
}

function sqnrSpec(r: EvidenceReport): Spec | null {
  const s = r.quantization.sqnr;
  if (s.status !== 'measured' || s.layers.length === 0) return null;
  const names = s.layers.map((l, i) => `${i} ${l.layer}`);
  return {
    width: WIDTH,
    height: { step: 18 },
    data: { values: s.layers.map((l, i) => ({ layer: names[i], sqnr: l.sqnrDb })) },
    layer: [
      {
        mark: { type: 'bar', color: '#5a9e4b' },
        encoding: { y: { field: 'layer', type: 'nominal', sort: names, title: null }, x: { field: 'sqnr', type: 'quantitative', title: `SQNR (dB), ${s.activations} vs float` } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
        encoding: { y: { field: 'layer', type: 'nominal', sort: names }, x: { field: 'sqnr', type: 'quantitative' }, text: { field: 'sqnr', type: 'quantitative', format: '.1f' } },
      },
    ],
    config: CONFIG,
  } as Spec;
}

function confusionSpec(r: EvidenceReport): Spec | null {
  const a = r.quantization.accuracy;
  if (a.status !== 'measured' || !a.int8Confusion) return null;
  const cells = a.int8Confusion.flatMap((row, t) => row.map((n, p) => ({ truth: a.classes[t], predicted: a.classes[p], n })));
  const size = Math.min(48, Math.max(24, Math.floor(360 / a.classes.length)));
  const max = Math.max(1, ...a.int8Confusion.flat());
  return {
    width: { step: size },
    height: { step: size },
    data: { values: cells },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: a.classes, title: 'predicted (int8)', axis: { labelAngle: -30 } },
      y: { field: 'truth', type: 'nominal', sort: a.classes, title: 'true class' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'n', type: 'quantitative', title: 'windows', scale: { scheme: 'blues' } } } },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: { text: { field: 'n', type: 'quantitative' }, color: { condition: { test: `datum.n > ${max / 2}`, value: 'white' }, value: '#222' } },
      },
    ],
    config: CONFIG,
  } as Spec;
}

/** Vega's renderer numbers clip paths and gradients with process-wide counters: renumber per chart. */
function renumberIds(svg: string, id: string): string {
  const ids = [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  let out = svg;
  ids.forEach((old, n) => {
    const fresh = `chart-${id}-${n + 1}`;
    const esc = old.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`id="${esc}"`, 'g'), `id="${fresh}"`).replace(new RegExp(`url\\(#${esc}\\)`, 'g'), `url(#${fresh})`);
  });
  return out;
}

export async function renderSpec(spec: Spec, id: string): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return renumberIds(await view.toSVG(), id);
  } finally {
    view.finalize();
  }
}

/** Every chart the evidence has data for, in page order. */
export async function renderCharts(r: EvidenceReport): Promise<Chart[]> {
  const wanted: { id: string; title: string; caption: string; spec: Spec | null }[] = [];
  for (const b of r.budgets) {
    const estimated = budgetView(b).metrics.some((m) => m.chart && m.key !== 'instructions');
    wanted.push({
      id: `instructions-${b.target}`,
      title: `Per-layer instructions${estimated ? ' and estimated cycles' : ''} on ${b.target}`,
      caption: `Executed instructions per layer, counted in QEMU (-icount): instructions, not cycles${estimated ? "; estimated cycles from the budget's cycle model (an estimate, not a measurement)" : ''}. Total ${int(b.instructions.total)} instructions per inference (per-layer hooks add ${int(b.instructions.overhead)}).`,
      spec: instructionsSpec(b),
    });
    wanted.push({ id: `flash-${b.target}`, title: `Flash on ${b.target}`, caption: 'Code per kernel function and the weights, from the linked ELF symbols (harness excluded).', spec: flashSpec(b) });
    wanted.push({
      id: `ram-${b.target}`,
      title: `RAM on ${b.target}`,
      caption: 'The planned arena, the stack high-water mark measured in QEMU (harness frames included), static data and state.',
      spec: ramSpec(b),
    });
  }
  wanted.push({
    id: 'memory',
    title: 'Arena plan over time',
    caption: `Each buffer occupies [offset, offset + bytes) of the ${int(r.memory.arenaBytes)}-byte arena during the ops it lives through (top); bytes live at each op, with the arena size dashed (bottom). Lower bound ${int(r.memory.lowerBound)}; a linear plan needs ${int(r.memory.linearArenaBytes)}.`,
    spec: memorySpec(r),
  });
  wanted.push({
    id: 'sqnr',
    title: 'SQNR per layer',
    caption: `Signal-to-quantization-noise ratio of each layer's dequantized output against the float model, over ${r.quantization.sqnr.windows} windows; higher is better, about 6 dB per bit.`,
    spec: sqnrSpec(r),
  });
  wanted.push({
    id: 'confusion-int8',
    title: 'Confusion matrix (integer model)',
    caption: `Windows of ${r.quantization.accuracy.file ?? 'the labelled data'} by true and predicted class, integer model.`,
    spec: confusionSpec(r),
  });
  const charts: Chart[] = [];
  for (const w of wanted) if (w.spec) charts.push({ id: w.id, title: w.title, caption: w.caption, svg: await renderSpec(w.spec, w.id) });
  return charts;
}
