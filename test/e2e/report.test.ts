/**
 * `edgec report` on the committed generated/har: the evidence page and its JSON twin.
 *
 *   - the JSON validates against schemas/report.schema.json (ajv) and holds the key figures:
 *     bit-exact on host and Cortex-M4, the budget, SQNR per layer, the float model reproducing the
 *     folder's graph, accuracy on the held-out WISDM subject, every file's SHA-256;
 *   - two runs with the same --date give the same bytes; another date changes only the date;
 *   - the page is self-contained (no script, nothing fetched) and draws in a real browser: headless
 *     Chromium renders every chart's SVG on a sheet at known positions (non-white and coloured pixels
 *     in each chart's box, decoded with pngjs), the whole page, and its DOM holds the key figures;
 *   - outputs: a file the tool did not write is refused, generated/har is never written.
 *
 * Verification runs 10 inputs per target and the budget on Cortex-M4 only, to stay within a minute.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { loadRecordings, makeWindows } from '../../src/data/wisdm.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import type { EvidenceReport } from '../../src/report/evidence/types.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const S = realpathSync(mkdtempSync(join(tmpdir(), 'edgec-report-')));
const HAR = join(PACKAGE_ROOT, 'generated/har');
const MODEL = join(PACKAGE_ROOT, 'examples/har/model/model.json');
const CALIB = join(PACKAGE_ROOT, 'examples/har/model/calibration.f32');
const DATA = join(S, 'held-out.json');
const CONFORMANCE = join(S, 'conformance-ts.json');
// Every run writes out/har.html in its own folder: the command lines are the same, byte for byte.
const RUN1 = join(S, 'run1');
const RUN2 = join(S, 'run2');
const OUT = join(RUN1, 'out', 'har.html');
const OUT_JSON = join(RUN1, 'out', 'har.json');
const HAS_CHROMIUM = spawnSync('chromium', ['--version'], { stdio: 'ignore' }).status === 0;
const NO_CHROMIUM = 'chromium missing (apt-get install -y --no-install-recommends chromium)';

/** Runs a program to its end without blocking the test worker (vitest's own messages keep flowing). */
function run(cmd: string, args: string[], cwd = S): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done, failed) => {
    const child = spawn(cmd, args, { cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', failed);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, out, err });
    });
  });
}

/** The command as a user runs it, in its own process (a second tfjs import in one process renames the input tensor). */
const edgecProcess = (args: string[], cwd: string) => run('node', [join(PACKAGE_ROOT, 'bin/edgec.js'), ...args], cwd);

async function edgec(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'edgec', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const reportArgs = (date: string) => [
  'report',
  HAR,
  '--targets',
  'host,cortex-m4',
  '--inputs',
  '10',
  '--model',
  MODEL,
  '--calib',
  CALIB,
  '--data',
  DATA,
  '--conformance',
  CONFORMANCE,
  '--date',
  date,
  '--out',
  'out/har.html',
];

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every file of a folder, relative, sorted: to check the generated folder is left as it was. */
function snapshot(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, r)).isDirectory()) Object.assign(out, snapshot(dir, r));
    else out[r] = sha(readFileSync(join(dir, r)));
  }
  return out;
}

async function chromium(args: string[]): Promise<string> {
  const r = await run('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1', ...args]);
  if (r.code !== 0) throw new Error(`chromium failed: ${r.err}`);
  return r.out;
}

/** Share of the pixels in a box that are not white, and that are coloured (not grey). */
function inkIn(png: PNG, box: { x: number; y: number; w: number; h: number }): { ink: number; colour: number } {
  let ink = 0;
  let colour = 0;
  for (let y = box.y; y < Math.min(box.y + box.h, png.height); y++) {
    for (let x = box.x; x < Math.min(box.x + box.w, png.width); x++) {
      const i = (y * png.width + x) * 4;
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      if (r < 240 || g < 240 || b < 240) ink++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 40) colour++;
    }
  }
  return { ink: ink / (box.w * box.h), colour: colour / (box.w * box.h) };
}

let before: Record<string, string>;
let first: { html: string; json: string };
let report: EvidenceReport;
let runs: { code: number; out: string; err: string }[] = [];

beforeAll(async () => {
  before = snapshot(HAR);
  // Held-out subject 1604 (as `make har` holds it out), windows of 128 samples every 64, normalised
  // with the folder's own preprocessing: the input the model card states.
  const m = JSON.parse(readFileSync(join(HAR, 'manifest.json'), 'utf8')) as { preprocessing: { normalization: { mean: number[]; std: number[] } } };
  const { mean, std } = m.preprocessing.normalization;
  const w = makeWindows(loadRecordings(join(PACKAGE_ROOT, 'data/wisdm2019-watch'), [1604]), 128, 64);
  const x = w.x.map((win) => Array.from(win, (v, i) => Number(((v - mean[i % 6]!) / std[i % 6]!).toFixed(6))));
  writeFileSync(DATA, JSON.stringify({ x, y: w.y }));
  const conf = await edgec(['conformance', '--backend', 'ts', '--filter', '^(add|softmax)', '--json']);
  expect(conf.code).toBe(0);
  writeFileSync(CONFORMANCE, conf.out);
  if (!HAS_CORTEX) return;
  mkdirSync(RUN1);
  mkdirSync(RUN2);
  runs = [await edgecProcess(reportArgs('2026-01-15'), RUN1)];
  first = { html: readFileSync(OUT, 'utf8'), json: readFileSync(OUT_JSON, 'utf8') };
  report = JSON.parse(first.json) as EvidenceReport;
  // The same again, replacing its own earlier outputs; beside it, the same with another date.
  runs.push(...(await Promise.all([edgecProcess(reportArgs('2026-01-15'), RUN1), edgecProcess(reportArgs('2026-02-01'), RUN2)])));
}, 300_000);

afterAll(() => rmSync(S, { recursive: true, force: true }));

describe.skipIf(!HAS_CORTEX)(`edgec report generated/har${HAS_CORTEX ? '' : ` (skipped: ${CORTEX_SKIP_REASON})`}`, () => {
  it('writes the page and a JSON twin that validates against schemas/report.schema.json', () => {
    expect(runs[0]!.err).not.toMatch(/error|WARN/);
    expect(runs[0]!.code).toBe(0);
    expect(runs[0]!.out).toContain('host 10/10 bit-exact, cortex-m4 10/10 bit-exact');
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas/report.schema.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors, null, 1)).toBe(true);
    // A damaged report does not pass.
    expect(validate({ ...report, verification: [{ ...report.verification[0], result: 'fine' }] })).toBe(false);
  });

  it('holds the evidence: verification, budget, quantization, memory plan, hashes', () => {
    expect(report.verification.map((v) => [v.target, v.result, v.exact, v.bytesCompared, v.sampleInputs])).toEqual([
      ['host', 'bit-exact', 10, 50, 10],
      ['cortex-m4', 'bit-exact', 10, 50, 10],
    ]);
    expect(report.verification[0]!.outputsSha256).toBe(report.verification[1]!.outputsSha256);
    const b = report.budgets[0]!;
    expect(b.target).toBe('cortex-m4');
    expect(b.instructions.total).toBeGreaterThan(100_000);
    expect(b.instructions.per_layer.map((l) => l.name)).toEqual(report.model.layers.map((l) => l.layer));
    expect(b.ram.stack).toBeGreaterThan(0);
    expect(report.model.task).toContain('classification into 5 classes');
    expect(report.model.inputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 1, 128, 6], zeroPoint: 36 });
    const q = report.quantization;
    expect(q.sqnr.status).toBe('measured');
    expect(q.sqnr.layers).toHaveLength(9);
    for (const l of q.sqnr.layers) expect(l.sqnrDb).toBeGreaterThan(20);
    expect(q.reproduces.status).toBe('same graph');
    expect(q.accuracy.status).toBe('measured');
    expect(q.accuracy.windows).toBeGreaterThan(200);
    expect(q.accuracy.int8).toBeGreaterThan(0.7);
    expect(q.accuracy.float).toBeGreaterThan(0.7);
    expect(q.accuracy.int8Confusion!.flat().reduce((a, n) => a + n, 0)).toBe(q.accuracy.windows);
    expect(report.conformance.reports[0]).toMatchObject({ backend: 'ts', failed: 0 });
    expect(report.memory.status).toBe('reproduced');
    expect(Math.max(...report.memory.liveBytes)).toBe(report.memory.lowerBound);
    for (const buf of report.memory.buffers) expect(buf.offset + buf.bytes).toBeLessThanOrEqual(report.memory.arenaBytes);
    expect(report.hashes.modelHashMatches).toBe(true);
    expect(Object.fromEntries(report.hashes.files.map((f) => [f.path, f.sha256]))).toEqual(before);
    expect(report.hashes.inputs.map((f) => f.path)).toEqual([MODEL, join(dirname(MODEL), 'weights.bin'), CALIB, DATA, CONFORMANCE]);
    for (const f of report.hashes.inputs) expect(f.sha256).toBe(sha(readFileSync(f.path)));
    expect(report.toolchain.tools.map((t) => t.command)).toEqual(['gcc', 'arm-none-eabi-gcc', 'qemu-system-arm']);
    for (const t of report.toolchain.tools) expect(t.version).toBeTruthy();
  });

  it('gives the same bytes for the same --date; another date changes only the date', () => {
    expect(runs[1]!.code).toBe(0);
    expect(readFileSync(OUT, 'utf8')).toBe(first.html);
    expect(readFileSync(OUT_JSON, 'utf8')).toBe(first.json);
    expect(runs[2]!.code).toBe(0);
    const json = JSON.parse(readFileSync(join(RUN2, 'out', 'har.json'), 'utf8')) as EvidenceReport;
    expect(json.date).toBe('2026-02-01');
    expect({ ...json, date: report.date }).toEqual(report);
    expect(readFileSync(join(RUN2, 'out', 'har.html'), 'utf8').replaceAll('2026-02-01', '2026-01-15')).toBe(first.html);
  });

  it('is self-contained: no script, nothing fetched, a policy that forbids fetching', () => {
    const html = first.html;
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|url\((?!#)/i);
    expect(html).not.toMatch(/\s(src|href)="(?!#)/i);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(6);
  });

  it.skipIf(!HAS_CHROMIUM)(`draws every chart and shows the key figures in Chromium${HAS_CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, async () => {
    // Each chart's SVG on a sheet at a known position; the page's own layout is checked below.
    const charts = [...first.html.matchAll(/<figure id="chart-([a-z0-9-]+)" class="chart">.*?(<svg[^>]*>.*?<\/svg>)/gs)].map((m) => ({ id: m[1]!, svg: m[2]! }));
    expect(charts.map((c) => c.id)).toEqual(['sqnr', 'confusion-int8', 'instructions-cortex-m4', 'flash-cortex-m4', 'ram-cortex-m4', 'memory']);
    let top = 0;
    const boxes = charts.map((c) => {
      const [, w, h] = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(c.svg) ?? [];
      const box = { id: c.id, x: 0, y: top, w: Math.ceil(Number(w)), h: Math.ceil(Number(h)) };
      expect(box.w * box.h, `${c.id}: the SVG's size`).toBeGreaterThan(0);
      top += box.h + 20;
      return box;
    });
    const width = Math.max(...boxes.map((b) => b.w));
    const sheet = join(S, 'sheet.html');
    writeFileSync(
      sheet,
      `<!DOCTYPE html><html><head><style>body{margin:0;background:#fff}div{position:absolute;left:0;overflow:hidden}</style></head><body>${charts
        .map((c, i) => `<div style="top:${boxes[i]!.y}px;width:${boxes[i]!.w}px;height:${boxes[i]!.h}px">${c.svg}</div>`)
        .join('')}</body></html>`,
    );
    await chromium([`--screenshot=${join(S, 'sheet.png')}`, `--window-size=${width},${top}`, `file://${sheet}`]);
    const png = PNG.sync.read(readFileSync(join(S, 'sheet.png')));
    for (const b of boxes) {
      const { ink, colour } = inkIn(png, b);
      expect(ink, `${b.id}: share of non-white pixels`).toBeGreaterThan(0.03);
      expect(colour, `${b.id}: share of coloured pixels (bars, cells)`).toBeGreaterThan(0.01);
    }

    // The whole page renders, and its text holds the key figures.
    await chromium([`--screenshot=${join(S, 'page.png')}`, '--window-size=1200,4000', `file://${OUT}`]);
    const page = PNG.sync.read(readFileSync(join(S, 'page.png')));
    expect(inkIn(page, { x: 0, y: 0, w: 1200, h: 4000 }).ink).toBeGreaterThan(0.05);
    const text = (await chromium(['--dump-dom', `file://${OUT}`])).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const total = report.budgets[0]!.instructions.total!.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    expect(text).toContain('Evidence report: har');
    expect(text).toContain('bit-exact 10/10');
    expect(text).toContain(total);
    expect(text).toContain(report.hashes.modelHash);
    expect(text).toContain('same SHA-256');
    expect(text).toMatch(/float \/ int8 \d+\.\d% \/ \d+\.\d%/);
  });

  it('escapes names from the model everywhere on the page, charts included', async () => {
    const evil = `<script>alert(1)</script><img src=x onerror="fetch('//x')">`;
    const hostile: EvidenceReport = {
      ...report,
      model: { ...report.model, name: evil, labels: report.model.labels!.map(() => evil), layers: report.model.layers.map((l) => ({ ...l, layer: evil })) },
      quantization: { ...report.quantization, sqnr: { ...report.quantization.sqnr, layers: report.quantization.sqnr.layers.map((l, i) => ({ ...l, layer: `${evil}${i}` })) } },
      budgets: report.budgets.map((b) => ({ ...b, instructions: { ...b.instructions, per_layer: b.instructions.per_layer.map((l, i) => ({ ...l, name: `${evil}${i}` })) } })),
    };
    const { renderCharts } = await import('../../src/report/evidence/charts.ts');
    const { renderReportPage } = await import('../../src/report/evidence/page.ts');
    const html = renderReportPage(hostile, await renderCharts(hostile));
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses a file it did not write, and never writes generated/har', async () => {
    const mine = join(S, 'notes.html');
    writeFileSync(mine, 'my notes\n');
    const r = await edgec(['report', HAR, '--out', mine, '--date', '2026-01-15']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('E-OUT-EXISTS');
    expect(readFileSync(mine, 'utf8')).toBe('my notes\n');
    // In a copy of the folder: its own files are refused even with --force.
    const copy = join(S, 'harcopy');
    cpSync(HAR, copy, { recursive: true });
    const readme = readFileSync(join(copy, 'README.md'));
    const f = await edgec(['report', copy, '--out', join(copy, 'README.md'), '--force', '--date', '2026-01-15']);
    expect(f.code).toBe(1);
    expect(f.err).toContain('E-OUT-EXISTS');
    expect(readFileSync(join(copy, 'README.md'))).toEqual(readme);
    // Nor a file it reads.
    const data = sha(readFileSync(DATA));
    const g = await edgec(['report', HAR, '--data', DATA, '--out', join(S, 'x.html'), '--json-out', DATA, '--force']);
    expect(g.code).toBe(1);
    expect(g.err).toContain('E-OUT-INPUT');
    expect(sha(readFileSync(DATA))).toBe(data);
    expect(snapshot(HAR)).toEqual(before);
  });
});
