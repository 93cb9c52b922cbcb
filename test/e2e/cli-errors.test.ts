/**
 * CLI mistakes end as one located diagnostic and exit 1, never a stack trace: a table of bad options,
 * bad values, missing or odd files, wrong kinds of paths and options that do not apply, for every
 * command. Rows run in-process through `main(argv, streams)` (fast); a sample of them, and the
 * internal-error edge (exit 2, one line, the stack only with EDGEC_DEBUG=1), also run through
 * bin/edgec.js in a child process, two at a time. Devices and pipes are a named pipe in the scratch
 * folder, never /dev/null or /dev/zero: a regression must not be able to replace or read a device.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { saveModelToDir } from '../../src/import/tfjs-io.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { smallHarModel, windows } from '../support/models.ts';

const S = realpathSync(mkdtempSync(join(tmpdir(), 'edgec-clierr-')));
const p = (...parts: string[]) => join(S, ...parts);
const TFLITE = join(PACKAGE_ROOT, 'test/models/ad01_int8.tflite');
const G = p('gen');
const J = p('har', 'model.json');
const C = p('har.f32');
const I = p('in.bin');
const OUT = p('never-written');
const IN_SRC = join(PACKAGE_ROOT, 'src', 'edgec-cli-errors-test-out');
// Root ignores permission bits: /sys refuses mkdir (EPERM) even to root.
const UNWRITABLE = process.getuid?.() === 0 ? '/sys/edgec-cli-errors-test' : p('readonly', 'out');

beforeAll(async () => {
  await emitModelFolder(importTflite(TFLITE), G);
  await saveModelToDir(smallHarModel(), p('har'));
  const ws = windows(8, 32 * 6);
  const flat = new Float32Array(ws.length * ws[0]!.length);
  ws.forEach((w, i) => flat.set(w, i * w.length));
  writeFileSync(C, new Uint8Array(flat.buffer));
  writeFileSync(I, Buffer.alloc(640, 3));
  writeFileSync(p('short.bin'), Buffer.alloc(7));
  writeFileSync(p('empty.bin'), Buffer.alloc(0));
  writeFileSync(p('file.txt'), 'a file\n');
  mkdirSync(p('notes'));
  writeFileSync(p('notes', 'mine.txt'), 'mine\n');
  mkdirSync(p('emptydir'));
  mkdirSync(p('badmanifest'));
  writeFileSync(p('badmanifest', 'manifest.json'), '{nope');
  mkdirSync(p('wrongformat'));
  writeFileSync(p('wrongformat', 'manifest.json'), '{"format":"something-else/2"}');
  cpSync(G, p('damaged'), { recursive: true });
  writeFileSync(p('damaged', 'manifest.json'), JSON.stringify({ format: 'edgec-manifest/1', name: 'x', prefix: 'x' }));
  cpSync(G, p('nograph'), { recursive: true });
  unlinkSync(p('nograph', 'graph.json'));
  cpSync(G, p('badgraph'), { recursive: true });
  writeFileSync(p('badgraph', 'graph.json'), '{');
  await emitModelFolder(importTflite(TFLITE), p('gen-host'), { target: 'host' });
  const withTarget = (dir: string, target: string) => {
    cpSync(G, p(dir), { recursive: true });
    writeFileSync(p(dir, 'manifest.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(G, 'manifest.json'), 'utf8')), target }));
  };
  withTarget('gen-m99', 'cortex-m99');
  withTarget('gen-pathtarget', '../../etc');
  cpSync(G, p('gen-budget'), { recursive: true });
  writeFileSync(p('gen-budget', 'budget-cortex-m4.md'), 'my notes\n');
  mkdirSync(p('gen-budget', 'budget-cortex-m3.json'));
  writeFileSync(p('calib-bad.json'), '[1, 2');
  writeFileSync(p('calib-shape.json'), '[[1, 2]]');
  writeFileSync(p('calib-size.f32'), Buffer.alloc(10));
  // "TFL3" where a .tflite has it, then a root table offset far outside the file.
  writeFileSync(p('bad.tflite'), Buffer.concat([Buffer.from([0xff, 0xff, 0, 0]), Buffer.from('TFL3, then nothing a flatbuffer needs')]));
  writeFileSync(p('model.onnx'), 'onnx');
  mkdirSync(p('notjson'));
  writeFileSync(p('notjson', 'model.json'), '{');
  mkdirSync(p('graphmodel'));
  writeFileSync(p('graphmodel', 'model.json'), '{"format":"graph-model"}');
  mkdirSync(p('holder'));
  cpSync(TFLITE, p('holder', 'm.tflite'));
  symlinkSync(p('notes'), p('link'));
  symlinkSync(p('loop'), p('loop'));
  spawnSync('mkfifo', [p('fifo')]);
  if (process.getuid?.() !== 0) {
    mkdirSync(p('readonly'));
    chmodSync(p('readonly'), 0o555);
  }
});

afterAll(() => {
  if (existsSync(p('readonly'))) chmodSync(p('readonly'), 0o755);
  rmSync(S, { recursive: true, force: true });
  rmSync(IN_SRC, { recursive: true, force: true });
});

type Row = [what: string, args: string[], code: string, env?: Record<string, string | undefined>];

const tfl = (...extra: string[]) => ['compile', TFLITE, '--out', OUT, ...extra];
const tfjs = (...extra: string[]) => ['compile', J, '--calib', C, '--out', OUT, ...extra];
const sim = (...extra: string[]) => ['simulate', G, '--input', I, '--out', p('sim-out.bin'), ...extra];
const run = (...extra: string[]) => ['run', G, '--input', I, '--out', p('run-out.bin'), ...extra];

const ROWS: Row[] = [
  // the command line itself
  ['no command', [], 'E-CLI-USAGE'],
  ['unknown command', ['frobnicate'], 'E-CLI-USAGE'],
  ['unknown global option', ['--frob'], 'E-CLI-USAGE'],
  // compile: the model
  ['compile: model file missing', ['compile', p('nope.tflite'), '--out', OUT], 'E-CLI-INPUT'],
  ['compile: model is a folder holding model.json', ['compile', p('har'), '--calib', C, '--out', OUT], 'E-CLI-INPUT'],
  ['compile: model is an empty folder', ['compile', p('emptydir'), '--out', OUT], 'E-CLI-INPUT'],
  ['compile: model of an unknown kind (text named .onnx)', ['compile', p('model.onnx'), '--out', OUT], 'E-FORMAT-UNKNOWN'],
  ['compile: model is a named pipe', ['compile', p('fifo'), '--out', OUT], 'E-CLI-INPUT'],
  ['compile: model is a symlink loop', ['compile', p('loop'), '--out', OUT], 'E-CLI-INPUT'],
  ['compile: model.json is not JSON', ['compile', p('notjson', 'model.json'), '--calib', C, '--out', OUT], 'E-TFJS-JSON'],
  ['compile: a tfjs graph model', ['compile', p('graphmodel', 'model.json'), '--calib', C, '--out', OUT], 'E-TFJS-FORMAT'],
  ['compile: .tflite whose flatbuffer is damaged', ['compile', p('bad.tflite'), '--out', OUT], 'E-TFLITE-'],
  ['compile: model missing', ['compile', '--out', OUT], 'E-CLI-USAGE'],
  ['compile: two models', ['compile', TFLITE, TFLITE, '--out', OUT], 'E-CLI-USAGE'],
  ["compile: a missing model named 'conformance'", ['compile', p('nope.json'), '--name', 'conformance', '--out', OUT], 'E-CLI-INPUT'],
  // compile: calibration
  ['compile: tfjs without --calib', ['compile', J, '--out', OUT], 'E-CALIB-MISSING'],
  ['compile: --calib missing', ['compile', J, '--calib', p('nope.f32'), '--out', OUT], 'E-CLI-INPUT'],
  ['compile: --calib is a folder', ['compile', J, '--calib', p('emptydir'), '--out', OUT], 'E-CLI-INPUT'],
  ['compile: --calib is a named pipe', ['compile', J, '--calib', p('fifo'), '--out', OUT], 'E-CLI-INPUT'],
  ['compile: --calib JSON that does not parse', ['compile', J, '--calib', p('calib-bad.json'), '--out', OUT], 'E-CALIB-FORMAT'],
  ['compile: --calib JSON windows of the wrong size', ['compile', J, '--calib', p('calib-shape.json'), '--out', OUT], 'E-CALIB-FORMAT'],
  ['compile: --calib bytes not whole windows', ['compile', J, '--calib', p('calib-size.f32'), '--out', OUT], 'E-CALIB-FORMAT'],
  ['compile: --calib empty', ['compile', J, '--calib', p('empty.bin'), '--out', OUT], 'E-QUANT-CALIB'],
  // compile: options that do not apply, bad values
  ['compile: --calib for an int8 .tflite', tfl('--calib', C), 'E-CLI-OPTION'],
  ['compile: --observer for an int8 .tflite', tfl('--observer', 'minmax'), 'E-CLI-OPTION'],
  ['compile: --observer unknown', tfjs('--observer', 'median'), 'E-CLI-OPTION'],
  ['compile: --backend unknown', tfl('--backend', 'tvm'), 'E-CLI-OPTION'],
  ['compile: --target unknown', tfl('--target', 'cortex-m99'), 'E-TARGET'],
  ['compile: --target all', tfl('--target', 'all'), 'E-TARGET'],
  ['compile: --backend cmsis-nn --target unknown', tfl('--backend', 'cmsis-nn', '--target', 'cortex-m99'), 'E-TARGET'],
  ['compile: --backend cmsis-nn without CMSIS_NN_DIR', tfl('--backend', 'cmsis-nn'), 'E-CMSIS-NN', { CMSIS_NN_DIR: undefined }],
  ['compile: --max-arena-bytes not a number', tfl('--max-arena-bytes', 'lots'), 'E-CLI-OPTION'],
  ['compile: --max-arena-bytes 0', tfl('--max-arena-bytes', '0'), 'E-CLI-OPTION'],
  ['compile: --max-arena-bytes negative', tfl('--max-arena-bytes', '-5'), 'E-CLI-OPTION'],
  ['compile: --max-weights-bytes fractional', tfl('--max-weights-bytes', '1.5'), 'E-CLI-OPTION'],
  ['compile: --max-weights-bytes in exponent form', tfl('--max-weights-bytes', '1e6'), 'E-CLI-OPTION'],
  ['compile: --max-weights-bytes without a value', tfl('--max-weights-bytes'), 'E-CLI-USAGE'],
  ['compile: --name empty', tfl('--name', ''), 'E-CLI-OPTION'],
  ['compile: unknown option', tfl('--optimize'), 'E-CLI-USAGE'],
  // compile: the output folder
  ['compile: --out missing', ['compile', TFLITE], 'E-CLI-USAGE'],
  ['compile: --out is a file', ['compile', TFLITE, '--out', p('file.txt')], 'E-OUT-KIND'],
  ['compile: --out is a file, --force', ['compile', TFLITE, '--out', p('file.txt'), '--force'], 'E-OUT-KIND'],
  ['compile: --out under a file', ['compile', TFLITE, '--out', p('file.txt', 'sub')], 'E-OUT-PARENT'],
  ["compile: --out holds the user's files", ['compile', TFLITE, '--out', p('notes')], 'E-OUT-EXISTS'],
  ['compile: --out is a symlink', ['compile', TFLITE, '--out', p('link'), '--force'], 'E-OUT-KIND'],
  ['compile: --out is a named pipe', ['compile', TFLITE, '--out', p('fifo'), '--force'], 'E-OUT-KIND'],
  ['compile: --out parent not writable', ['compile', TFLITE, '--out', UNWRITABLE], 'E-OUT-PARENT'],
  ["compile: --out inside edgec's src/", ['compile', TFLITE, '--out', IN_SRC], 'E-OUT-PROTECTED'],
  ['compile: --out holds the model, --force', ['compile', p('holder', 'm.tflite'), '--out', p('holder'), '--force'], 'E-OUT-INPUT'],
  // simulate
  ['simulate: folder missing', ['simulate', p('nope'), '--input', I, '--out', p('x.bin')], 'E-CLI-INPUT'],
  ['simulate: folder is a file', ['simulate', I, '--input', I, '--out', p('x.bin')], 'E-CLI-INPUT'],
  ['simulate: folder without manifest', ['simulate', p('emptydir'), '--input', I, '--out', p('x.bin')], 'E-DIR-MANIFEST'],
  ['simulate: a tfjs model folder', ['simulate', p('har'), '--input', I, '--out', p('x.bin')], 'E-DIR-MANIFEST'],
  ['simulate: manifest is not JSON', ['simulate', p('badmanifest'), '--input', I, '--out', p('x.bin')], 'E-DIR-MANIFEST'],
  ['simulate: manifest of another format', ['simulate', p('wrongformat'), '--input', I, '--out', p('x.bin')], 'E-DIR-MANIFEST'],
  ['simulate: manifest missing fields', ['simulate', p('damaged'), '--input', I, '--out', p('x.bin')], 'E-DIR-MANIFEST'],
  ['simulate: graph.json missing', ['simulate', p('nograph'), '--input', I, '--out', p('x.bin')], 'E-DIR-GRAPH'],
  ['simulate: graph.json not JSON', ['simulate', p('badgraph'), '--input', I, '--out', p('x.bin')], 'E-GRAPH-JSON'],
  ['simulate: --input missing file', ['simulate', G, '--input', p('nope.bin'), '--out', p('x.bin')], 'E-CLI-INPUT'],
  ['simulate: --input is a folder', ['simulate', G, '--input', p('emptydir'), '--out', p('x.bin')], 'E-CLI-INPUT'],
  ['simulate: --input is a named pipe', ['simulate', G, '--input', p('fifo'), '--out', p('x.bin')], 'E-CLI-INPUT'],
  ['simulate: --input is a symlink loop', ['simulate', G, '--input', p('loop'), '--out', p('x.bin')], 'E-CLI-INPUT'],
  ['simulate: --input not whole samples', ['simulate', G, '--input', p('short.bin'), '--out', p('x.bin')], 'E-RUN-INPUT'],
  ['simulate: --input empty', ['simulate', G, '--input', p('empty.bin'), '--out', p('x.bin')], 'E-RUN-INPUT'],
  ['simulate: --input not given', ['simulate', G, '--out', p('x.bin')], 'E-CLI-USAGE'],
  ['simulate: --out existing file', ['simulate', G, '--input', I, '--out', p('file.txt')], 'E-OUT-EXISTS'],
  ['simulate: --out is a folder', sim('--out', p('notes'), '--force'), 'E-OUT-KIND'],
  ['simulate: --out under a file', sim('--out', p('file.txt', 'x.bin')), 'E-OUT-PARENT'],
  ['simulate: --out parent not writable', sim('--out', join(UNWRITABLE, 'x.bin')), 'E-OUT-PARENT'],
  ['simulate: --out is a file of the model folder', sim('--out', join(G, 'graph.json'), '--force'), 'E-OUT-INPUT'],
  ['simulate: --target does not exist for simulate', sim('--target', 'host'), 'E-CLI-USAGE'],
  // run
  ['run: --target unknown', run('--target', 'cortex-a53'), 'E-TARGET'],
  ['run: --no-sanitize on a Cortex-M target', run('--target', 'cortex-m4', '--no-sanitize'), 'E-CLI-OPTION'],
  ['run: --time-limit on a Cortex-M target', run('--target', 'cortex-m4', '--time-limit', '5'), 'E-CLI-OPTION'],
  ['run: --memory-limit on a Cortex-M target', run('--target', 'cortex-m4', '--memory-limit', '100'), 'E-CLI-OPTION'],
  ['run: --time-limit not a number', run('--time-limit', 'soon'), 'E-CLI-OPTION'],
  ['run: --time-limit 0', run('--time-limit', '0'), 'E-CLI-OPTION'],
  ['run: --memory-limit fractional', run('--memory-limit', '1.5'), 'E-CLI-OPTION'],
  ['run: --memory-limit 0', run('--memory-limit', '0'), 'E-CLI-OPTION'],
  ['run: --input not whole samples', ['run', G, '--input', p('short.bin'), '--out', p('x.bin')], 'E-RUN-INPUT'],
  ['run: --out existing file', run('--out', p('file.txt')), 'E-OUT-EXISTS'],
  ['run: --out is a named pipe', run('--out', p('fifo'), '--force'), 'E-OUT-KIND'],
  ['run: folder missing', ['run', p('nope'), '--input', I, '--out', p('x.bin')], 'E-CLI-INPUT'],
  ['run: folder without manifest', ['run', p('emptydir'), '--input', I, '--out', p('x.bin')], 'E-DIR-MANIFEST'],
  // verify
  ['verify: --inputs not a number', ['verify', G, '--inputs', 'many'], 'E-CLI-OPTION'],
  ['verify: --inputs 0', ['verify', G, '--inputs', '0'], 'E-CLI-OPTION'],
  ['verify: --inputs fractional', ['verify', G, '--inputs', '1.5'], 'E-CLI-OPTION'],
  ['verify: --inputs too many', ['verify', G, '--inputs', '99999999999'], 'E-CLI-OPTION'],
  ['verify: --seed negative', ['verify', G, '--seed', '-1'], 'E-CLI-OPTION'],
  ['verify: --seed not a number', ['verify', G, '--seed', 'x'], 'E-CLI-OPTION'],
  ['verify: --seed above 32 bits', ['verify', G, '--seed', '4294967296'], 'E-CLI-OPTION'],
  ['verify: --target unknown', ['verify', G, '--target', 'esp32'], 'E-TARGET'],
  ['verify: --time-limit negative', ['verify', G, '--time-limit', '-3'], 'E-CLI-OPTION'],
  ['verify: --memory-limit not a number', ['verify', G, '--memory-limit', 'lots'], 'E-CLI-OPTION'],
  ['verify: folder missing', ['verify', p('nope')], 'E-CLI-INPUT'],
  ['verify: folder is a file', ['verify', I], 'E-CLI-INPUT'],
  ['verify: manifest is not JSON', ['verify', p('badmanifest')], 'E-DIR-MANIFEST'],
  // budget
  ['budget: --target host', ['budget', G, '--target', 'host'], 'E-CLI-OPTION'],
  ['budget: --target unknown', ['budget', G, '--target', 'cortex-m99'], 'E-TARGET'],
  ['budget: a folder compiled for the host, no --target', ['budget', p('gen-host')], 'E-CLI-OPTION'],
  ['budget: the manifest names an unknown target', ['budget', p('gen-m99')], 'E-TARGET'],
  ['budget: the manifest target is not a name', ['budget', p('gen-pathtarget')], 'E-DIR-MANIFEST'],
  ['budget: folder missing', ['budget', p('nope')], 'E-CLI-INPUT'],
  ['budget: folder without manifest', ['budget', p('emptydir')], 'E-DIR-MANIFEST'],
  ['budget: budget file written by the user', ['budget', p('gen-budget')], 'E-OUT-EXISTS'],
  ['budget: a folder where a budget file goes, --force', ['budget', p('gen-budget'), '--target', 'cortex-m3', '--force'], 'E-OUT-KIND'],
  // inspect
  ['inspect: path missing', ['inspect', p('nope.json')], 'E-CLI-INPUT'],
  ['inspect: a file of an unknown kind', ['inspect', p('file.txt')], 'E-FORMAT-UNKNOWN'],
  ['inspect: folder without manifest', ['inspect', p('emptydir')], 'E-DIR-MANIFEST'],
  ['inspect: manifest is not JSON', ['inspect', p('badmanifest')], 'E-DIR-MANIFEST'],
  ['inspect: model.json is not JSON', ['inspect', p('notjson', 'model.json')], 'E-TFJS-JSON'],
  ['inspect: a named pipe', ['inspect', p('fifo')], 'E-CLI-INPUT'],
  ['inspect: .tflite whose flatbuffer is damaged', ['inspect', p('bad.tflite')], 'E-TFLITE-'],
  // conformance
  ['conformance: --filter not a regex', ['conformance', '--filter', '('], 'E-CLI-OPTION'],
  ['conformance: --filter unbalanced class', ['conformance', '--filter', '[a-'], 'E-CLI-OPTION'],
  ['conformance: --filter matches nothing', ['conformance', '--filter', '^no-such-case$'], 'E-CONF-EMPTY'],
  ['conformance: --backend unknown', ['conformance', '--backend', 'gpu'], 'E-CLI-OPTION'],
  ['conformance: --suite missing', ['conformance', '--suite', p('nope')], 'E-CLI-INPUT'],
  ['conformance: --suite is a file', ['conformance', '--suite', p('file.txt')], 'E-CLI-INPUT'],
  ['conformance: --suite without cases', ['conformance', '--suite', p('emptydir')], 'E-CONF-EMPTY'],
  ['conformance: a stray argument', ['conformance', 'ts'], 'E-CLI-USAGE'],
];

/** Exactly one error line, carrying the expected code; no stack frame. */
function expectOneError(stderr: string, code: string, what: string): void {
  expect(stderr, what).not.toMatch(/^ {4}at /m);
  const errors = stderr.split('\n').filter((l) => /^error E-[A-Z0-9-]+ \[/.test(l));
  expect(errors, `${what}\n${stderr}`).toHaveLength(1);
  expect(errors[0], what).toContain(code);
}

async function inProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(env);
  try {
    const status = await main(['node', 'edgec', ...args], {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
    });
    return { status, stdout, stderr };
  } finally {
    set(saved);
  }
}

/** Child processes of the CLI, at most two at a time. */
let running = 0;
const waiting: (() => void)[] = [];
async function spawned(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stderr: string }> {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await new Promise((done) => {
      const child = spawn('node', [join(PACKAGE_ROOT, 'bin/edgec.js'), ...args], { cwd: S, env: { ...process.env, ...env } });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => done({ status, stderr }));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

describe(`${ROWS.length} CLI mistakes: exit 1, one error line with its code, no stack trace`, () => {
  it('the table has at least 70 distinct mistakes', () => {
    expect(new Set(ROWS.map((r) => r[0])).size).toBe(ROWS.length);
    expect(new Set(ROWS.map((r) => JSON.stringify(r[1]))).size).toBe(ROWS.length);
    expect(ROWS.length).toBeGreaterThanOrEqual(70);
  });

  it.each(ROWS)('%s', async (what, args, code, env) => {
    const r = await inProcess(args, env);
    expect(r.status, `${what}\n${r.stderr}`).toBe(1);
    expectOneError(r.stderr, code, what);
    expect(existsSync(OUT), what).toBe(false);
    expect(existsSync(IN_SRC), what).toBe(false);
  });
});

describe.concurrent('through bin/edgec.js (child processes, two at a time)', () => {
  const sample = [
    'no command',
    'compile: --out is a file, --force',
    'compile: --calib JSON that does not parse',
    'simulate: --input is a named pipe',
    'run: --target unknown',
    'verify: --inputs 0',
    'budget: --target host',
    'conformance: --filter not a regex',
  ];
  for (const name of sample) {
    const row = ROWS.find((r) => r[0] === name)!;
    it(name, async () => {
      const r = await spawned(row[1]);
      expect(r.status, r.stderr).toBe(1);
      expectOneError(r.stderr, row[2], name);
    });
  }

  it('an internal error: exit 2, one line naming E-INTERNAL, no stack', async () => {
    const r = await spawned(['inspect', G], { EDGEC_TEST_INTERNAL_ERROR: '1', EDGEC_DEBUG: '' });
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^edgec: internal error E-INTERNAL: injected internal error .*please report this at .*run with EDGEC_DEBUG=1 for the stack\)$/);
  });

  it('an internal error with EDGEC_DEBUG=1: the same line, then the stack', async () => {
    const r = await spawned(['inspect', G], { EDGEC_TEST_INTERNAL_ERROR: '1', EDGEC_DEBUG: '1' });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^edgec: internal error E-INTERNAL: injected internal error/);
    expect(r.stderr).toMatch(/^ {4}at /m);
  });
});

describe('the edge in-process', () => {
  it('an internal error returns 2 with one line; the stack only with EDGEC_DEBUG=1', async () => {
    const plain = await inProcess(['verify', G], { EDGEC_TEST_INTERNAL_ERROR: '1', EDGEC_DEBUG: undefined });
    expect(plain.status).toBe(2);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(plain.stderr).toContain('E-INTERNAL');
    const debug = await inProcess(['verify', G], { EDGEC_TEST_INTERNAL_ERROR: '1', EDGEC_DEBUG: '1' });
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/^ {4}at /m);
  });

  it('--help and --version exit 0', async () => {
    expect((await inProcess(['--version'])).status).toBe(0);
    expect((await inProcess(['compile', '--help'])).status).toBe(0);
  });
});
