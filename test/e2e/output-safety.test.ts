/**
 * Output safety through the CLI a user runs (src/io/atomic.ts): an --out that holds the user's files,
 * a regular file, '.', an ancestor of the working directory or edgec's own src/ survives byte for
 * byte, with and without --force where it applies; an earlier edgec output and an empty folder are
 * written; a compile killed with SIGKILL, SIGINT or SIGTERM leaves no temporary path after the next
 * run and never a partial output. Every dangerous path is a scratch copy, except src/, which is
 * only ever given to a command that must refuse it and is hashed before and after; a device is a
 * named pipe in the scratch folder (a regression must not be able to replace /dev/null).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModelToDir } from '../../src/import/tfjs-io.ts';
import { protectedReason } from '../../src/io/output-checks.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { smallHarModel, windows } from '../support/models.ts';
import { CORTEX_SKIP_REASON, HAS_CORTEX } from '../support/toolchain.ts';

const BIN = join(PACKAGE_ROOT, 'bin/edgec.js');
const TFLITE = join(PACKAGE_ROOT, 'test/models/ad01_int8.tflite');
const root = realpathSync(mkdtempSync(join(tmpdir(), 'edgec-outsafe-')));
let seq = 0;

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// Tests run concurrently (describe.concurrent), at most two CLI processes at a time (two cores).
let running = 0;
const waiting: (() => void)[] = [];

/** The CLI in a child process; `killOn` sends a signal once stderr matches. */
async function edgec(args: string[], opts: { cwd?: string; env?: Record<string, string>; killOn?: { match: RegExp; signal: NodeJS.Signals } } = {}): Promise<Run> {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await spawnCli(args, opts);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function spawnCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; killOn?: { match: RegExp; signal: NodeJS.Signals } }): Promise<Run> {
  return new Promise((done) => {
    const child = spawn('node', [BIN, ...args], { cwd: opts.cwd ?? root, env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (opts.killOn && !sent && opts.killOn.match.test(stderr)) {
        sent = true;
        child.kill(opts.killOn.signal);
      }
    });
    child.on('close', (status, signal) => done({ status, signal, stdout, stderr }));
  });
}

/** Every path under dir (lstat kinds, modes, file bytes), hashed: equal snapshots mean untouched. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      if (st.isDirectory()) {
        out[rel] = `dir ${st.mode}`;
        walk(p);
      } else out[rel] = st.isFile() ? `file ${st.mode} ${createHash('sha256').update(readFileSync(p)).digest('hex')}` : `other ${st.mode}`;
    }
  };
  walk(dir);
  return out;
}

/** Temporary paths edgec left in a folder. */
const temps = (dir: string) => readdirSync(dir).filter((e) => e.includes('.edgec-tmp-'));

/** A fresh scratch folder holding a marker file the user cares about. */
function scratch(name: string): string {
  const d = join(root, `${name}-${seq++}`);
  mkdirSync(d);
  writeFileSync(join(d, 'KEEP-user-notes.txt'), `the user's notes in ${name}\n`);
  return d;
}

const refusal = (r: Run, code: string) => {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stderr).toContain(code);
  expect(r.stderr).not.toMatch(/^ {4}at /m);
};

const MODEL_JSON = join(root, 'har', 'model.json');
const CALIB = join(root, 'har.f32');
const compileArgs = {
  tfjs: (out: string, ...extra: string[]) => ['compile', MODEL_JSON, '--calib', CALIB, '--name', 'har', '--out', out, ...extra],
  tflite: (out: string, ...extra: string[]) => ['compile', TFLITE, '--out', out, ...extra],
};
const PREVIOUS = join(root, 'previous-output');
const IN = join(root, 'in.bin');

beforeAll(async () => {
  await saveModelToDir(smallHarModel(), join(root, 'har'));
  const ws = windows(40, 32 * 6);
  const flat = new Float32Array(ws.length * ws[0]!.length);
  ws.forEach((w, i) => flat.set(w, i * w.length));
  writeFileSync(CALIB, new Uint8Array(flat.buffer));
  writeFileSync(IN, Buffer.from(Int8Array.from({ length: 640 }, (_, i) => ((i * 37) % 256) - 128).buffer));
  const r = await edgec(compileArgs.tflite(PREVIOUS));
  expect(r.status, r.stderr).toBe(0);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.concurrent('compile --out', () => {
  for (const kind of ['tfjs', 'tflite'] as const) {
    it(`${kind}: a folder holding a user file survives without --force; --force replaces it`, async () => {
      const out = scratch(`user-folder-${kind}`);
      const before = snapshot(out);
      const r = await edgec(compileArgs[kind](out));
      refusal(r, 'E-OUT-EXISTS');
      expect(r.stderr).toContain('KEEP-user-notes.txt');
      expect(snapshot(out)).toEqual(before);
      if (kind === 'tflite') {
        const f = await edgec(compileArgs[kind](out, '--force'));
        expect(f.status, f.stderr).toBe(0);
        expect(existsSync(join(out, 'manifest.json'))).toBe(true);
        expect(existsSync(join(out, 'KEEP-user-notes.txt'))).toBe(false);
      }
      expect(temps(dirname(out)).filter((t) => t.startsWith(`.user-folder-${kind}`))).toEqual([]);
    });

    it(`${kind}: a regular file at --out survives, with and without --force`, async () => {
      const d = scratch(`file-${kind}`);
      const file = join(d, 'KEEP-user-notes.txt');
      const before = snapshot(d);
      const [plain, forced] = await Promise.all([edgec(compileArgs[kind](file)), edgec(compileArgs[kind](file, '--force'))]);
      refusal(plain, 'E-OUT-KIND');
      refusal(forced, 'E-OUT-KIND');
      expect(snapshot(d)).toEqual(before);
    });

    it(`${kind}: an earlier edgec output is replaced, an empty folder is used`, async () => {
      const prev = join(root, `prev-${kind}`);
      cpSync(PREVIOUS, prev, { recursive: true });
      const empty = join(root, `empty-${kind}`);
      mkdirSync(empty);
      const [a, b] = await Promise.all([edgec(compileArgs[kind](prev)), edgec(compileArgs[kind](empty))]);
      expect(a.status, a.stderr).toBe(0);
      expect(b.status, b.stderr).toBe(0);
      const name = kind === 'tfjs' ? 'har' : 'ad01_int8';
      for (const d of [prev, empty]) {
        expect(JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')).name).toBe(name);
        expect(existsSync(join(d, `${name}.c`))).toBe(true);
      }
      if (kind === 'tfjs') expect(existsSync(join(prev, 'ad01_int8.c'))).toBe(false);
      expect(temps(root).filter((t) => t.includes(`-${kind}.edgec-tmp-`))).toEqual([]);
    });
  }

  it("'.' survives with and without --force (cwd: a scratch copy with a marker file)", async () => {
    const cwd = scratch('dot');
    cpSync(join(root, 'har'), join(cwd, 'har'), { recursive: true });
    cpSync(CALIB, join(cwd, 'har.f32'));
    const before = snapshot(cwd);
    const runs = await Promise.all([
      edgec(['compile', TFLITE, '--out', '.'], { cwd }),
      edgec(['compile', TFLITE, '--out', '.', '--force'], { cwd }),
      edgec(['compile', 'har/model.json', '--calib', 'har.f32', '--out', '.', '--force'], { cwd }),
      edgec(['compile', TFLITE, '--out', join(cwd, 'har', '..'), '--force'], { cwd }),
    ]);
    for (const r of runs) refusal(r, 'E-OUT-PROTECTED');
    expect(snapshot(cwd)).toEqual(before);
  });

  it('an ancestor of the working directory survives --force', async () => {
    const outer = scratch('ancestor');
    const cwd = join(outer, 'inner');
    mkdirSync(cwd);
    const before = snapshot(outer);
    refusal(await edgec(['compile', TFLITE, '--out', '..', '--force'], { cwd }), 'E-OUT-PROTECTED');
    expect(snapshot(outer)).toEqual(before);
  });

  it('a symlink, a named pipe (standing in for devices), a path under a file and an unwritable parent are refused', async () => {
    const d = scratch('kinds');
    const target = scratch('link-target');
    symlinkSync(target, join(d, 'link'));
    const unwritable = scratch('unwritable');
    let parent = join(unwritable, 'ro');
    mkdirSync(parent);
    // Root ignores permission bits: make the folder immutable instead, or fall back to /sys.
    let undo = () => {};
    if (process.getuid?.() === 0) {
      if (spawnSync('chattr', ['+i', parent]).status === 0) undo = () => void spawnSync('chattr', ['-i', parent]);
      else parent = '/sys';
    } else {
      chmodSync(parent, 0o555);
      undo = () => chmodSync(parent, 0o755);
    }
    spawnSync('mkfifo', [join(d, 'fifo')]);
    const before = [snapshot(d), snapshot(target)];
    try {
      const runs = await Promise.all([
        edgec(compileArgs.tflite(join(d, 'link'), '--force')),
        edgec(compileArgs.tflite(join(d, 'fifo'), '--force')),
        edgec(compileArgs.tflite(join(d, 'KEEP-user-notes.txt', 'sub'))),
        edgec(compileArgs.tflite(join(parent, 'out'))),
      ]);
      refusal(runs[0]!, 'E-OUT-KIND');
      expect(runs[0]!.stderr).toContain('symbolic link');
      refusal(runs[1]!, 'E-OUT-KIND');
      refusal(runs[2]!, 'E-OUT-PARENT');
      refusal(runs[3]!, 'E-OUT-PARENT');
      expect(existsSync(join(parent, 'out'))).toBe(false);
    } finally {
      undo();
    }
    expect([snapshot(d), snapshot(target)]).toEqual(before);
  });

  it('an edgec output the user added files to, or a folder holding the model, survives (the model even with --force)', async () => {
    const prev = join(root, `prev-added-${seq++}`);
    cpSync(PREVIOUS, prev, { recursive: true });
    writeFileSync(join(prev, 'KEEP-user-notes.txt'), 'mine\n');
    const holder = scratch('holds-model');
    cpSync(TFLITE, join(holder, 'm.tflite'));
    const before = [snapshot(prev), snapshot(holder)];
    const [a, b] = await Promise.all([edgec(compileArgs.tflite(prev)), edgec(['compile', join(holder, 'm.tflite'), '--out', holder, '--force'])]);
    refusal(a, 'E-OUT-EXISTS');
    expect(a.stderr).toContain('KEEP-user-notes.txt');
    refusal(b, 'E-OUT-INPUT');
    expect([snapshot(prev), snapshot(holder)]).toEqual(before);
  });

  it('never replaces /, home, the working directory, the package or their ancestors, nor edgec source folders (checked in-process)', () => {
    for (const p of [
      '/',
      homedir(),
      process.cwd(),
      dirname(process.cwd()),
      PACKAGE_ROOT,
      dirname(PACKAGE_ROOT),
      join(PACKAGE_ROOT, 'src'),
      join(PACKAGE_ROOT, 'src', 'new-folder'),
      join(PACKAGE_ROOT, 'templates'),
    ]) {
      expect(protectedReason(p), p).not.toBeNull();
    }
    expect(protectedReason(join(root, 'anything'))).toBeNull();
    expect(protectedReason(join(PACKAGE_ROOT, 'generated', 'har'))).toBeNull();
  });
});

// Alone (not concurrent), so the window between the two hashes is only the two refused runs: edits
// made to src/ while the suite runs would otherwise show up as a difference.
describe("edgec's own src/", () => {
  it("edgec's own src/ survives --force, by its path and through a symlink; src/ is byte-for-byte unchanged", async () => {
    const src = realpathSync(join(PACKAGE_ROOT, 'src'));
    const link = join(root, `pkg-link-${seq++}`);
    symlinkSync(PACKAGE_ROOT, link);
    const before = snapshot(src);
    const ino = statSync(src).ino;
    const runs = await Promise.all([edgec(compileArgs.tflite(src, '--force')), edgec(compileArgs.tflite(join(link, 'src'), '--force'))]);
    for (const r of runs) refusal(r, 'E-OUT-PROTECTED');
    expect(statSync(src).ino).toBe(ino);
    expect(snapshot(src)).toEqual(before);
    expect(temps(PACKAGE_ROOT)).toEqual([]);
  });
});

describe('saving a tfjs model (saveModelToDir, in-process)', () => {
  it('an earlier save is replaced, with its extra files; a folder holding other files is refused unless forced', async () => {
    const dir = join(root, `saved-${seq++}`);
    const files = { 'calibration.f32': new Uint8Array(8) };
    await saveModelToDir(smallHarModel(), dir, { edgecName: 'first' }, { files });
    await saveModelToDir(smallHarModel(), dir, { edgecName: 'second' }, { files });
    expect(readdirSync(dir).sort()).toEqual(['calibration.f32', 'model.json', 'weights.bin']);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).edgecName).toBe('second');
    writeFileSync(join(dir, 'KEEP-user-notes.txt'), 'mine\n');
    const before = snapshot(dir);
    await expect(saveModelToDir(smallHarModel(), dir)).rejects.toThrow(/E-OUT-EXISTS/);
    expect(snapshot(dir)).toEqual(before);
    const user = scratch('saved-user');
    await expect(saveModelToDir(smallHarModel(), user)).rejects.toThrow(/E-OUT-EXISTS/);
    await saveModelToDir(smallHarModel(), user, {}, { force: true });
    expect(readdirSync(user).sort()).toEqual(['model.json', 'weights.bin']);
    expect(temps(root).filter((t) => t.startsWith('.saved-'))).toEqual([]);
  });
});

describe.concurrent('simulate and run --out (files)', () => {
  for (const cmd of ['simulate', 'run'] as const) {
    const args = (out: string, ...extra: string[]) => [cmd, PREVIOUS, '--input', IN, '--out', out, ...(cmd === 'run' ? ['--no-sanitize'] : []), ...extra];

    it(`${cmd}: an existing file survives without --force and is replaced with it; a new file is written`, async () => {
      const d = scratch(`${cmd}-file`);
      const file = join(d, 'KEEP-user-notes.txt');
      const before = snapshot(d);
      refusal(await edgec(args(file)), 'E-OUT-EXISTS');
      expect(snapshot(d)).toEqual(before);
      const [fresh, forced] = await Promise.all([edgec(args(join(d, 'new.bin'))), edgec(args(file, '--force'))]);
      expect(fresh.status, fresh.stderr).toBe(0);
      expect(forced.status, forced.stderr).toBe(0);
      expect(readFileSync(join(d, 'new.bin')).length).toBe(readFileSync(file).length);
      expect(readFileSync(join(d, 'new.bin')).equals(readFileSync(file))).toBe(true);
      expect(temps(d)).toEqual([]);
    });

    it(`${cmd}: a folder, '.', a symlink and a file of the model folder survive, with and without --force`, async () => {
      const cwd = scratch(`${cmd}-kinds`);
      mkdirSync(join(cwd, 'folder'));
      writeFileSync(join(cwd, 'folder', 'KEEP.txt'), 'mine\n');
      writeFileSync(join(cwd, 'target.bin'), 'the link target\n');
      symlinkSync(join(cwd, 'target.bin'), join(cwd, 'link.bin'));
      const before = [snapshot(cwd), snapshot(PREVIOUS)];
      const runs = await Promise.all([
        edgec(args('folder'), { cwd }),
        edgec(args('folder', '--force'), { cwd }),
        edgec(args('.', '--force'), { cwd }),
        edgec(args('link.bin', '--force'), { cwd }),
        edgec(args(join(PREVIOUS, 'graph.json'), '--force'), { cwd }),
      ]);
      refusal(runs[0]!, 'E-OUT-KIND');
      refusal(runs[1]!, 'E-OUT-KIND');
      refusal(runs[2]!, 'E-OUT-');
      refusal(runs[3]!, 'E-OUT-KIND');
      refusal(runs[4]!, 'E-OUT-INPUT');
      expect([snapshot(cwd), snapshot(PREVIOUS)]).toEqual(before);
    });
  }
});

describe.concurrent('budget files', () => {
  it('a user file or a folder named like a budget survives, with and without --force for the folder', async () => {
    const dir = join(root, `budget-foreign-${seq++}`);
    cpSync(PREVIOUS, dir, { recursive: true });
    writeFileSync(join(dir, 'budget-cortex-m4.md'), 'my own notes\n');
    mkdirSync(join(dir, 'budget-cortex-m3.json'));
    const before = snapshot(dir);
    const [a, b, c] = await Promise.all([edgec(['budget', dir]), edgec(['budget', dir, '--target', 'cortex-m3']), edgec(['budget', dir, '--target', 'cortex-m3', '--force'])]);
    refusal(a, 'E-OUT-EXISTS');
    refusal(b, 'E-OUT-KIND');
    refusal(c, 'E-OUT-KIND');
    expect(snapshot(dir)).toEqual(before);
  });

  it.skipIf(!HAS_CORTEX)(
    `earlier budgets are replaced; --force replaces a user's budget file (cortex-m4)${HAS_CORTEX ? '' : ` [skipped: ${CORTEX_SKIP_REASON}]`}`,
    async () => {
      const dir = join(root, `budget-own-${seq++}`);
      cpSync(PREVIOUS, dir, { recursive: true });
      const first = await edgec(['budget', dir]);
      expect(first.status, first.stderr).toBe(0);
      const again = await edgec(['budget', dir]);
      expect(again.status, again.stderr).toBe(0);
      expect(readFileSync(join(dir, 'budget-cortex-m4.md'), 'utf8')).toMatch(/^# Budgets of ad01_int8/);
      writeFileSync(join(dir, 'budget-cortex-m4.md'), 'my own notes\n');
      refusal(await edgec(['budget', dir]), 'E-OUT-EXISTS');
      const forced = await edgec(['budget', dir, '--force']);
      expect(forced.status, forced.stderr).toBe(0);
      expect(temps(dir)).toEqual([]);
    },
    240_000,
  );
});

describe.concurrent('interrupted compiles', () => {
  /** A parent folder with an earlier output in it, and its snapshot. */
  function withPrevious(name: string): { parent: string; out: string; before: Record<string, string> } {
    const parent = scratch(name);
    const out = join(parent, 'model');
    cpSync(PREVIOUS, out, { recursive: true });
    return { parent, out, before: snapshot(out) };
  }

  it('SIGKILL while the new folder is complete but not yet in place: the old folder stays; the next run removes the temporary folder and says so', async () => {
    const { parent, out, before } = withPrevious('kill-fill');
    const r = await edgec(compileArgs.tfjs(out), { env: { EDGEC_TEST_PAUSE: 'after-fill:20000' }, killOn: { match: /paused after-fill/, signal: 'SIGKILL' } });
    expect(r.signal).toBe('SIGKILL');
    expect(temps(parent)).toHaveLength(1);
    expect(existsSync(join(parent, temps(parent)[0]!, '.edgec-tmp'))).toBe(true);
    expect(snapshot(out)).toEqual(before);
    const next = await edgec(compileArgs.tflite(join(parent, 'other')));
    expect(next.status, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/removed .*\.model\.edgec-tmp-\d+-[0-9a-f]+, left by an interrupted edgec run/);
    expect(temps(parent)).toEqual([]);
    expect(snapshot(out)).toEqual(before);
  });

  it('SIGKILL between the two renames (the target briefly missing): the next run puts the old folder back, then replaces it', async () => {
    const { parent, out, before } = withPrevious('kill-renames');
    const r = await edgec(compileArgs.tfjs(out), { env: { EDGEC_TEST_PAUSE: 'between-renames:20000' }, killOn: { match: /paused between-renames/, signal: 'SIGKILL' } });
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    expect(temps(parent)).toHaveLength(1);
    // A run that only looks (refused for another reason) already restores it.
    const look = await edgec(['compile', TFLITE, '--out', join(parent, 'KEEP-user-notes.txt')]);
    refusal(look, 'E-OUT-KIND');
    expect(look.stderr).toMatch(/restored .*model, which an interrupted edgec run \(pid \d+\) was replacing/);
    expect(snapshot(out)).toEqual(before);
    expect(temps(parent)).toEqual([]);
    const next = await edgec(compileArgs.tfjs(out));
    expect(next.status, next.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).name).toBe('har');
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} while writing: exit ${code}, the temporary folder is gone, the old folder stays`, async () => {
      const { parent, out, before } = withPrevious(`sig-${signal}`);
      const r = await edgec(compileArgs.tfjs(out), { env: { EDGEC_TEST_PAUSE: 'after-fill:20000' }, killOn: { match: /paused after-fill/, signal } });
      expect(r.status, r.stderr).toBe(code);
      expect(r.stderr).toContain(`interrupted (${signal})`);
      expect(temps(parent)).toEqual([]);
      expect(snapshot(out)).toEqual(before);
    });
  }

  it('SIGKILL at an arbitrary moment of a compile into a new folder: after the next run, no temporary path and no partial output', async () => {
    const parent = scratch('kill-any');
    const out = join(parent, 'model');
    const r = await edgec(compileArgs.tfjs(out), { killOn: { match: /calibrating/, signal: 'SIGKILL' } });
    expect(r.signal).toBe('SIGKILL');
    // Either nothing, or the complete folder (the kill came after the rename).
    if (existsSync(out)) expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    const next = await edgec(compileArgs.tflite(join(parent, 'other')));
    expect(next.status, next.stderr).toBe(0);
    expect(temps(parent)).toEqual([]);
  });

  it("only marked temporary folders of dead processes are removed (not an unmarked look-alike, not a live run's)", async () => {
    const parent = scratch('lookalikes');
    const unmarked = join(parent, '.model.edgec-tmp-999999-abcd1234');
    mkdirSync(unmarked);
    writeFileSync(join(unmarked, 'KEEP.txt'), 'not edgec\n');
    const live = join(parent, `.model.edgec-tmp-${process.pid}-abcd1234`);
    mkdirSync(live);
    writeFileSync(join(live, '.edgec-tmp'), JSON.stringify({ edgec: 'tmp/1', pid: process.pid, target: 'model' }));
    const before = snapshot(parent);
    const r = await edgec(compileArgs.tflite(join(parent, 'model')));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('removed');
    const after = snapshot(parent);
    for (const k of Object.keys(before)) expect(after[k], k).toBe(before[k]);
  });
});
