/**
 * The evidence page: one self-contained HTML file drawn from the report data and its charts.
 *
 *   summary        the figures a reviewer looks for first: bit-exact per target, instructions,
 *                  flash, RAM, SQNR range, accuracy, conformance
 *   model card     task, labels, input/output contract, preprocessing, layers and kernels
 *   verification   per target: inputs (where from), bytes compared, result, hashes of inputs/outputs
 *   quantization   SQNR per layer, reproduction of the int8 graph, accuracy and confusion matrix
 *   budgets        per Cortex-M target: instructions (and estimated cycles if present), flash, RAM
 *   memory plan    the arena over time, and its buffers
 *   conformance, toolchain, hashes, how to reproduce
 *
 * Every section says "not run" or "not available" and why, rather than leaving a gap.
 */
import type { Budget } from '../budget.ts';
import type { Chart } from './charts.ts';
import { budgetView } from './budget-view.ts';
import { type Child, fragment, h, type Html, int, percent, raw, renderPage, table } from './html.ts';
import type { EvidenceReport } from './types.ts';

const CSS = `
:root { --fg:#1d2329; --muted:#5b6670; --line:#d9dee3; --ok:#1e7b34; --bad:#b3261e; --warn:#8a6100; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: var(--fg); margin: 0; padding: 24px 32px 48px; max-width: 1180px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 8px; }
p, li { max-width: 900px; }
.sub { color: var(--muted); margin: 0 0 16px; }
nav { margin: 8px 0 4px; font-size: 13px; }
nav a { margin-right: 12px; color: #2458a6; text-decoration: none; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 170px; background: var(--bg); }
.card .k { font-size: 12px; color: var(--muted); }
.card .v { font-size: 20px; font-weight: bold; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .na { color: var(--warn); }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .hash { font-family: Menlo, Consolas, monospace; font-size: 12px; }
.hash { word-break: break-all; }
figure { margin: 12px 0 20px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; max-width: 860px; }
.note { color: var(--muted); font-size: 12px; }
@media print { body { padding: 0; } h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
`;

const status = (ok: boolean | null, text: string): Html => h('span', { class: ok === null ? 'na' : ok ? 'ok' : 'bad' }, text);

function card(key: string, value: Child, cls?: string): Html {
  return h('div', { class: 'card' }, h('div', { class: 'k' }, key), h('div', { class: `v${cls ? ` ${cls}` : ''}` }, value));
}

function figure(c: Chart | undefined): Html | null {
  if (!c) return null;
  return h('figure', { id: `chart-${c.id}`, class: 'chart' }, h('h3', null, c.title), raw(c.svg), h('figcaption', null, c.caption));
}

function summary(r: EvidenceReport): Html {
  const cards: Html[] = [];
  for (const v of r.verification) {
    const text = v.result === 'not run' ? 'not run' : `${v.result} ${v.exact}/${v.inputs}`;
    cards.push(card(`verification, ${v.target}`, text, v.result === 'bit-exact' ? 'ok' : v.result === 'mismatch' ? 'bad' : 'na'));
  }
  for (const b of r.budgets) {
    cards.push(card(`instructions / inference, ${b.target}`, int(b.instructions.total)));
    cards.push(card(`flash, ${b.target}`, `${int(b.flash.total)} B`));
    cards.push(card(`RAM, ${b.target}`, `${int(b.ram.total)} B (stack ${int(b.ram.stack)})`));
  }
  if (r.budgets.length === 0) cards.push(card('arena (planned)', `${int(r.memory.arenaBytes)} B`));
  const s = r.quantization.sqnr;
  if (s.status === 'measured' && s.layers.length > 0) {
    const v = s.layers.map((l) => l.sqnrDb);
    cards.push(card('SQNR per layer', `${Math.min(...v).toFixed(1)} to ${Math.max(...v).toFixed(1)} dB`));
  } else cards.push(card('SQNR per layer', 'not available', 'na'));
  const a = r.quantization.accuracy;
  cards.push(card('accuracy float / int8', a.status === 'measured' ? `${percent(a.float)} / ${percent(a.int8)}` : 'not available', a.status === 'measured' ? undefined : 'na'));
  const c = r.conformance;
  cards.push(
    card(
      'operator conformance',
      c.status === 'not run' ? 'not run' : c.reports.map((x) => `${x.backend} ${x.passed}/${x.passed + x.failed + x.skipped}`).join(', '),
      c.status === 'not run' ? 'na' : c.reports.every((x) => x.failed === 0) ? 'ok' : 'bad',
    ),
  );
  cards.push(card('model hash', h('span', { class: 'hash' }, r.hashes.modelHash.slice(0, 16)), r.hashes.modelHashMatches ? undefined : 'bad'));
  return h('div', { class: 'cards' }, cards);
}

function modelSection(r: EvidenceReport): Html {
  const m = r.model;
  const p = m.preprocessing;
  const io = (role: string, x: EvidenceReport['model']['inputs'][number]) => [role, x.name, x.dtype, `[${x.shape.join(', ')}]`, String(x.scale), String(x.zeroPoint)];
  return fragment(
    h('h2', { id: 'model' }, 'Model card'),
    table(
      ['field', 'value'],
      [
        ['name', m.name],
        ['task', m.task],
        ['labels', m.labels ? m.labels.map((l, i) => `${i} ${l}`).join(', ') : 'none recorded'],
        ['source model', m.source ?? 'not recorded'],
        ['kernels', m.backend],
        ['compiled for', m.compiledFor ?? 'not recorded'],
        ['inputs and outputs', m.io === 'arena' ? 'in the arena (invoke overwrites the input)' : 'in buffers of their own'],
        ['arena / weights / state', `${int(m.arenaBytes)} / ${int(m.weightsBytes)} / ${int(m.stateBytes)} bytes`],
      ],
    ),
    h('h3', null, 'Input contract'),
    table(['', 'name', 'type', 'shape', 'scale', 'zero point'], [...m.inputs.map((x, i) => io(`input ${i}`, x)), ...m.outputs.map((x, i) => io(`output ${i}`, x))], { numeric: [4, 5] }),
    h('p', { class: 'note' }, 'real = scale * (q - zero point).'),
    h('h3', null, 'Preprocessing'),
    p
      ? fragment(
          p.description ? h('p', null, p.description) : null,
          h(
            'ul',
            null,
            p.sampleRateHz !== null ? h('li', null, `sample rate: ${p.sampleRateHz} Hz`) : null,
            p.channels ? h('li', null, `channels, in order (innermost dimension): ${p.channels.join(', ')}`) : null,
            p.normalization ? h('li', null, 'per channel, before quantization: x = (raw - mean) / std') : null,
          ),
          p.normalization
            ? table(
                ['channel', 'mean', 'std'],
                p.normalization.mean.map((mean, i) => [p.channels?.[i] ?? String(i), mean.toPrecision(9), p.normalization!.std[i]!.toPrecision(9)]),
                { numeric: [1, 2] },
              )
            : null,
        )
      : h('p', { class: 'na' }, 'not recorded in the folder (the model did not state it).'),
    h('h3', null, 'Layers'),
    table(
      ['step', 'layer', 'op', 'kernel', 'library'],
      m.layers.map((l) => [String(l.index), l.layer, l.op, h('code', null, l.kernel), l.library]),
      { numeric: [0] },
    ),
  );
}

function verificationSection(r: EvidenceReport): Html {
  return fragment(
    h('h2', { id: 'verification' }, 'Verification'),
    h(
      'p',
      null,
      'The same inputs through the TypeScript int8 simulator (the reference) and the compiled C; every output byte compared. The host build runs under AddressSanitizer and UndefinedBehaviorSanitizer; Cortex-M builds run in QEMU.',
    ),
    table(
      ['target', 'result', 'inputs', 'of which samples / random (seed)', 'bytes compared', 'inputs SHA-256', 'outputs SHA-256'],
      r.verification.map((v) => [
        v.target,
        v.result === 'not run'
          ? status(null, `not run: ${v.reason}`)
          : status(v.result === 'bit-exact', v.result === 'bit-exact' ? `bit-exact (${v.exact}/${v.inputs})` : `mismatch (${v.exact}/${v.inputs} exact)`),
        String(v.inputs),
        `${v.sampleInputs} / ${v.randomInputs} (${v.seed})`,
        int(v.bytesCompared),
        v.inputsSha256 ? h('span', { class: 'hash' }, v.inputsSha256) : 'n/a',
        v.outputsSha256 ? h('span', { class: 'hash' }, v.outputsSha256) : 'n/a',
      ]),
      { numeric: [2, 4] },
    ),
    r.verification.flatMap((v) => [
      ...v.mismatches.map((mm) => h('p', { class: 'bad' }, `${v.target}: input ${mm.input}, first differing output byte ${mm.byte}: simulator ${mm.expected}, C ${mm.actual}`)),
      v.firstDivergence
        ? h('p', { class: 'bad' }, `${v.target}: first divergent layer: step ${v.firstDivergence.step} '${v.firstDivergence.layer}' (${v.firstDivergence.op}), byte ${v.firstDivergence.byte}`)
        : null,
    ]),
    h('p', { class: 'note' }, 'Samples are the quantized calibration windows saved in sample_inputs.bin; random inputs are seeded xorshift32 bytes.'),
  );
}

function quantizationSection(r: EvidenceReport, charts: Map<string, Chart>): Html {
  const q = r.quantization;
  const a = q.accuracy;
  return fragment(
    h('h2', { id: 'quantization' }, 'Quantization'),
    q.sqnr.status === 'measured'
      ? fragment(
          h(
            'p',
            null,
            `SQNR of the folder's ${q.sqnr.activations} graph against the float model, layer by layer, over ${q.sqnr.windowsFrom}.${q.sqnr.sameTopClass !== null ? ` Float and integer outputs pick the same class on ${q.sqnr.sameTopClass}/${q.sqnr.windows} windows.` : ''}`,
          ),
          figure(charts.get('sqnr')),
          table(
            ['layer', 'op', 'SQNR (dB)'],
            q.sqnr.layers.map((l) => [l.layer, l.op, l.sqnrDb.toFixed(1)]),
            { numeric: [2] },
          ),
        )
      : h('p', null, status(null, 'SQNR not available: '), q.sqnr.reason),
    h('h3', null, 'Float model to int8 graph'),
    h(
      'p',
      null,
      q.reproduces.status === 'same graph'
        ? status(true, 'The float model and calibration windows quantize to exactly the int8 graph of this folder (same SHA-256).')
        : q.reproduces.status === 'different graph'
          ? fragment(status(false, 'Different graph: '), q.reproduces.reason, ' Recomputed hash ', h('span', { class: 'hash' }, q.reproduces.recomputedHash))
          : fragment(status(null, 'Not checked: '), q.reproduces.reason),
    ),
    h('h3', null, 'Accuracy'),
    a.status === 'measured'
      ? fragment(
          table(
            ['model', 'accuracy', 'windows'],
            [
              ['float', a.float === null ? 'not available' : percent(a.float), String(a.windows)],
              ['integer (simulator; the C is bit-exact with it)', percent(a.int8), String(a.windows)],
            ],
            { numeric: [1, 2] },
          ),
          a.reason ? h('p', { class: 'note' }, a.reason) : null,
          h('p', { class: 'note' }, `Labelled windows: ${a.file}.`),
          figure(charts.get('confusion-int8')),
        )
      : h('p', null, status(null, 'not available: '), a.reason),
  );
}

function budgetTable(budgets: readonly Budget[]): Html {
  const row = (label: string, f: (b: Budget) => string) => [label, ...budgets.map(f)];
  return table(
    ['budget', ...budgets.map((b) => b.target)],
    [
      row('flash: weights (bytes)', (b) => int(b.flash.weights)),
      row('flash: code (bytes)', (b) => int(b.flash.code)),
      row('flash: total (bytes)', (b) => int(b.flash.total)),
      row('RAM: arena (bytes)', (b) => int(b.ram.arena)),
      row('RAM: scratch, inside the arena (bytes)', (b) => int(b.ram.scratch)),
      row('RAM: state (bytes)', (b) => int(b.ram.state)),
      row('RAM: stack, measured (bytes)', (b) => int(b.ram.stack)),
      row('RAM: static (bytes)', (b) => int(b.ram.static)),
      row('RAM: total (bytes)', (b) => int(b.ram.total)),
      row('instructions / inference', (b) => int(b.instructions.total)),
      // The cycle model's totals, where a budget carries them (estimates, labelled so).
      ...[...new Set(budgets.flatMap((b) => budgetView(b).totals.map((t) => t.label)))].map((label) =>
        row(label, (b) => {
          const t = budgetView(b).totals.find((x) => x.label === label);
          return t ? fixed(t.value, t.digits) : 'n/a';
        }),
      ),
    ],
    { numeric: budgets.map((_, i) => i + 1) },
  );
}

const fixed = (v: number | null, digits: number) => (v === null ? 'n/a' : digits === 0 ? int(v) : v.toFixed(digits));

function layerTable(b: Budget): Html {
  const view = budgetView(b);
  return table(
    ['layer', 'op', ...view.metrics.map((m) => m.title)],
    view.layers.map((l) => [l.name, l.op, ...l.values.map((v, k) => fixed(v, view.metrics[k]!.digits))]),
    { numeric: view.metrics.map((_, i) => i + 2) },
  );
}

function budgetsSection(r: EvidenceReport, charts: Map<string, Chart>): Html {
  if (r.budgets.length === 0) return fragment(h('h2', { id: 'budgets' }, 'Budgets'), h('p', null, status(null, 'not measured: '), 'no Cortex-M target was given (--targets).'));
  return fragment(
    h('h2', { id: 'budgets' }, 'Budgets'),
    h('p', null, 'Measured on the linked ELF and in QEMU, as `edgec budget` measures them. Executed instructions, not cycles.'),
    budgetTable(r.budgets),
    r.budgets.map((b) =>
      fragment(
        h('h3', null, `${b.target}`),
        b.instructions.total === null ? h('p', { class: 'na' }, b.instructions.note) : null,
        budgetView(b).estimateNote ? h('p', { class: 'note' }, budgetView(b).estimateNote) : null,
        figure(charts.get(`instructions-${b.target}`)),
        b.instructions.per_layer.length > 0 ? layerTable(b) : null,
        figure(charts.get(`flash-${b.target}`)),
        figure(charts.get(`ram-${b.target}`)),
      ),
    ),
  );
}

function memorySection(r: EvidenceReport, charts: Map<string, Chart>): Html {
  const mem = r.memory;
  return fragment(
    h('h2', { id: 'memory' }, 'Memory plan'),
    h('p', null, `One arena of ${int(mem.arenaBytes)} bytes (greedy plan; lower bound ${int(mem.lowerBound)}, linear plan ${int(mem.linearArenaBytes)}).`),
    mem.status === 'reproduced'
      ? fragment(
          figure(charts.get('memory')),
          table(
            ['buffer', 'kind', 'offset', 'bytes', 'ops'],
            mem.buffers.map((b) => [b.name, b.kind, String(b.offset), String(b.bytes), `${b.firstOp}..${b.lastOp}`]),
            { numeric: [2, 3] },
          ),
        )
      : h('p', null, status(false, 'Plan not drawn: '), mem.reason),
  );
}

function conformanceSection(r: EvidenceReport): Html {
  const c = r.conformance;
  return fragment(
    h('h2', { id: 'conformance' }, 'Operator conformance'),
    c.status === 'not run'
      ? h('p', null, status(null, 'not run'), ' for this report: pass the output of `edgec conformance --backend B --json` with --conformance FILE (the suite takes minutes).')
      : fragment(
          table(
            ['backend', 'passed', 'failed', 'skipped', 'report file', 'SHA-256'],
            c.reports.map((x) => [x.backend, String(x.passed), String(x.failed), String(x.skipped), x.file, h('span', { class: 'hash' }, x.sha256)]),
            { numeric: [1, 2, 3] },
          ),
          c.reports.flatMap((x) => x.notPassed.map((n) => h('p', { class: 'bad' }, `${x.backend}: ${n.status} ${n.case} (${n.op} ${n.dtype})`))),
        ),
  );
}

function toolchainSection(r: EvidenceReport): Html {
  const t = r.toolchain;
  return fragment(
    h('h2', { id: 'toolchain' }, 'Toolchain'),
    table(['tool', 'version'], [['edgec', t.edgec], ['node', t.node], ...t.tools.map((x) => [x.command, x.version === null ? status(false, 'not found') : x.version])]),
    table(
      ['target', 'compiler', 'flags', 'runs on'],
      t.builds.map((b) => [b.target, b.compiler, h('code', null, b.flags.join(' ')), b.runner ?? 'build and size only']),
    ),
  );
}

function hashesSection(r: EvidenceReport): Html {
  const x = r.hashes;
  const file = (f: EvidenceReport['hashes']['files'][number]) => [f.path, f.kind === 'file' ? int(f.bytes) : f.kind, f.sha256 ? h('span', { class: 'hash' }, f.sha256) : 'not read'];
  return fragment(
    h('h2', { id: 'hashes' }, 'Hashes (SHA-256)'),
    table(
      ['what', 'SHA-256'],
      [
        ['model (manifest.json modelHash: the int8 graph the C was generated from)', h('span', { class: 'hash' }, x.modelHash)],
        [
          'int8 graph recomputed from graph.json',
          fragment(h('span', { class: 'hash' }, x.graphHash), ' ', x.modelHashMatches ? status(true, 'matches') : status(false, 'does not match the manifest')),
        ],
        ['graph.json (file bytes)', h('span', { class: 'hash' }, x.graphJson)],
      ],
    ),
    h('h3', null, `Files of ${r.folder}`),
    table(['file', 'bytes', 'SHA-256'], x.files.map(file), { numeric: [1] }),
    x.inputs.length > 0 ? fragment(h('h3', null, 'Files given to the report'), table(['file', 'bytes', 'SHA-256'], x.inputs.map(file), { numeric: [1] })) : null,
  );
}

export function renderReportPage(r: EvidenceReport, chartList: readonly Chart[]): string {
  const charts = new Map(chartList.map((c) => [c.id, c]));
  const nav = h(
    'nav',
    null,
    [
      ['model', 'Model card'],
      ['verification', 'Verification'],
      ['quantization', 'Quantization'],
      ['budgets', 'Budgets'],
      ['memory', 'Memory plan'],
      ['conformance', 'Conformance'],
      ['toolchain', 'Toolchain'],
      ['hashes', 'Hashes'],
      ['reproduce', 'Reproduce'],
    ].map(([id, text]) => h('a', { href: `#${id}` }, text!)),
  );
  const body = fragment(
    h('h1', null, `Evidence report: ${r.model.name}`),
    h('p', { class: 'sub' }, `${r.folder} · ${r.date} · edgec ${r.toolchain.edgec} · ${r.model.task}`),
    nav,
    summary(r),
    modelSection(r),
    verificationSection(r),
    quantizationSection(r, charts),
    budgetsSection(r, charts),
    memorySection(r, charts),
    conformanceSection(r),
    toolchainSection(r),
    hashesSection(r),
    h('h2', { id: 'reproduce' }, 'Reproduce'),
    h('p', null, 'These commands recompute this evidence (the report is the first; the date is the only field that differs between two runs of it).'),
    h('pre', null, h('code', null, r.commands.join('\n'))),
  );
  return renderPage(`Evidence report: ${r.model.name} (${r.date})`, CSS.trim(), body);
}
