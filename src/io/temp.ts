/**
 * Temporary paths for atomic writes, and what happens to them when a run is interrupted.
 *
 * An output `<parent>/<name>` is built in a sibling folder (same file system, so rename is atomic):
 *
 *   <parent>/.<name>.edgec-tmp-<pid>-<random>/
 *       .edgec-tmp      marker: {"edgec":"tmp/1","pid":...,"target":"<name>"}, written first, removed last
 *       out             the new folder (or file) being written
 *       old             the previous output, only between the two renames of a replacement
 *
 * - SIGINT / SIGTERM while a temporary path exists: the handler puts `old` back if the target is
 *   gone, removes the temporary path, and exits with 130 / 143. The handlers are installed only while
 *   a temporary path exists, so Ctrl-C during a long synchronous stage still stops the process at once.
 * - SIGKILL (or a power cut): the next write into the same parent finds temporary paths whose pid is
 *   no longer alive and that carry the marker, restores `old` if the target is missing, removes them
 *   and says so on stderr. Anything without the marker is never touched.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';

export const MARKER = '.edgec-tmp';
const MARKER_FORMAT = 'tmp/1';
const TEMP_NAME = /^\.(.+)\.edgec-tmp-(\d+)-([0-9a-f]+)$/;

export interface TempPath {
  /** The temporary folder. */
  dir: string;
  /** Where the new output is built (`dir/out`). */
  out: string;
  /** Where the previous output waits between the two renames (`dir/old`). */
  old: string;
  /** The final path. */
  target: string;
}

const active = new Map<string, TempPath>();
let handlersInstalled = false;

const notice = (msg: string) => process.stderr.write(`edgec: ${msg}\n`);

/** `.<name>.edgec-tmp-<pid>-<random>`; long names are cut so the whole stays a valid file name. */
export function tempName(target: string): string {
  return `.${basename(target).slice(0, 120)}.edgec-tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Creates the temporary folder with its marker, registered for the signal handlers. */
export function createTemp(parent: string, target: string): TempPath {
  const dir = join(parent, tempName(target));
  mkdirSync(dir);
  const t: TempPath = { dir, out: join(dir, 'out'), old: join(dir, 'old'), target };
  active.set(dir, t);
  installHandlers();
  writeFileSync(join(dir, MARKER), `${JSON.stringify({ edgec: MARKER_FORMAT, pid: process.pid, target: basename(target) })}\n`);
  return t;
}

/**
 * Undoes an unfinished write: the previous output goes back if the target is missing, then the
 * temporary folder goes (its contents first, the marker last, so a kill mid-way leaves a marked folder).
 */
export function discardTemp(t: TempPath): void {
  try {
    if (existsSync(t.old) && !lexists(t.target)) renameSync(t.old, t.target);
  } finally {
    removeMarked(t.dir);
    active.delete(t.dir);
    if (active.size === 0) uninstallHandlers();
  }
}

/** The write completed: drop the temporary folder (and the previous output inside it). */
export function finishTemp(t: TempPath): void {
  removeMarked(t.dir);
  active.delete(t.dir);
  if (active.size === 0) uninstallHandlers();
}

function removeMarked(dir: string): void {
  if (!lexists(dir)) return;
  for (const e of readdirSync(dir)) if (e !== MARKER) rmSync(join(dir, e), { recursive: true, force: true });
  if (lexists(join(dir, MARKER))) unlinkSync(join(dir, MARKER));
  rmdirSync(dir);
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readMarker(dir: string): { pid: number; target: string } | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as { edgec?: unknown; pid?: unknown; target?: unknown };
    if (m.edgec !== MARKER_FORMAT || typeof m.pid !== 'number' || typeof m.target !== 'string' || m.target.includes('/')) return null;
    return { pid: m.pid, target: m.target };
  } catch {
    return null;
  }
}

/**
 * Removes temporary paths in `parent` left by edgec runs that died (their pid is gone, or is ours
 * but the path is not one of ours: a reused pid), restoring a previous output a kill left between
 * the two renames. Returns what it did, one line each (also printed on stderr).
 */
export function cleanStaleTemps(parent: string, log: (msg: string) => void = notice): string[] {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const name of entries) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const dir = join(parent, name);
    if (active.has(dir)) continue;
    let isDir = false;
    try {
      isDir = lstatSync(dir).isDirectory();
    } catch {
      continue;
    }
    const marker = isDir ? readMarker(dir) : null;
    const pid = Number(m[2]);
    if (!marker || marker.pid !== pid) continue;
    if (pid !== process.pid && isAlive(pid)) continue;
    const target = join(parent, marker.target);
    try {
      if (existsSync(join(dir, 'old')) && !lexists(target)) {
        renameSync(join(dir, 'old'), target);
        done.push(`restored ${target}, which an interrupted edgec run (pid ${pid}) was replacing`);
      }
      removeMarked(dir);
      done.push(`removed ${dir}, left by an interrupted edgec run (pid ${pid})`);
    } catch (e) {
      done.push(`could not remove ${dir}, left by an interrupted edgec run (pid ${pid}): ${(e as Error).message}`);
    }
  }
  for (const d of done) log(d);
  return done;
}

function onSignal(signal: NodeJS.Signals): void {
  for (const t of [...active.values()]) {
    try {
      discardTemp(t);
      notice(`interrupted (${signal}): removed the unfinished output for ${t.target}`);
    } catch (e) {
      notice(`interrupted (${signal}): could not remove ${t.dir}: ${(e as Error).message}`);
    }
  }
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  handlersInstalled = true;
}

function uninstallHandlers(): void {
  if (!handlersInstalled) return;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  handlersInstalled = false;
}

/**
 * Test hook: `EDGEC_TEST_PAUSE=<phase>:<ms>` stops for ms milliseconds at one phase of a write
 * ('after-fill': asynchronously, signals are handled; 'between-renames': synchronously, the old
 * output is inside the temporary folder and the target is missing) and announces it on stderr.
 */
export function testPauseMs(phase: 'after-fill' | 'between-renames'): number {
  const spec = process.env.EDGEC_TEST_PAUSE;
  if (!spec) return 0;
  const [p, ms] = spec.split(':');
  if (p !== phase) return 0;
  process.stderr.write(`edgec-test: paused ${phase}\n`);
  return Number(ms) || 0;
}

export async function testPauseAsync(phase: 'after-fill'): Promise<void> {
  const ms = testPauseMs(phase);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}

export function testPauseSync(phase: 'between-renames'): void {
  const ms = testPauseMs(phase);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
