/**
 * A pool of long-lived fuzz workers (child_process.fork of worker.ts, which imports the library
 * once). Each worker runs one case at a time; the pool times every phase, watches the worker's
 * resident memory, and on a limit kills the worker's whole process group (gcc and the model program
 * included) and starts a fresh one for the next case.
 *
 *   slot: spawn -> 'ready' -> run(job) -> 'phase' compile (timer) -> 'phase' verify (timer) -> 'result'
 *                                     \-> timeout / memory cap / exit -> kill group -> respawn
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_DIR } from '../support/paths.ts';
import type { PoolEvent } from './classify.ts';
import type { BuildDirs, Job, ToParent, WorkerResult } from './protocol.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface PoolLimits {
  /** Per phase, wall clock. */
  compileMs: number;
  verifyMs: number;
  /** The worker's V8 heap, and a cap on its resident memory. */
  heapMb: number;
  rssCapMb: number;
}

export type JobOutcome = { result: WorkerResult } | { event: PoolEvent };

function residentMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/**
 * Host build folders in use by the pool's verifies. Two mutants often compile to the same C (a
 * mutation the importer ignores), so two workers can build into the same folder: it is removed only
 * when the last of them is done, keeping what existed before the first began.
 */
class BuildTracker {
  private readonly users = new Map<string, { count: number; existing: Set<string>; shared: boolean }>();

  acquire(b: BuildDirs): void {
    const u = this.users.get(b.prefix);
    if (u) u.count++;
    else this.users.set(b.prefix, { count: 1, existing: new Set(b.existing), shared: b.shared });
  }

  release(b: BuildDirs): void {
    const u = this.users.get(b.prefix);
    if (!u || --u.count > 0) return;
    this.users.delete(b.prefix);
    const dir = join(BUILD_DIR, 'models');
    if (u.shared || !existsSync(dir)) return;
    for (const n of readdirSync(dir)) if (n.startsWith(b.prefix) && !u.existing.has(n)) rmSync(join(dir, n), { recursive: true, force: true });
  }
}

/** Kills a worker's process group (the worker, gcc, the model program) and removes its run folder. */
async function killGroup(proc: ChildProcess): Promise<void> {
  if (proc.pid === undefined) return;
  const exited = proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => proc.once('exit', () => r()));
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await exited;
  rmSync(join(BUILD_DIR, 'runs', String(proc.pid)), { recursive: true, force: true });
}

class Slot {
  private proc: ChildProcess | null = null;
  private stderrTail = '';
  private ready: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    readonly limits: PoolLimits,
    readonly builds: BuildTracker,
  ) {}

  private spawn(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.stderrTail = '';
    const proc = fork(WORKER, [], {
      cwd: this.dir,
      execArgv: ['--import', 'tsx', `--max-old-space-size=${this.limits.heapMb}`],
      // Its own process group, so a kill reaches gcc and the model program too.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    proc.stderr!.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-8000);
    });
    // A send to a worker that just died reports an 'error' event; its 'exit' is what counts.
    proc.on('error', () => undefined);
    this.proc = proc;
    return new Promise((resolve, reject) => {
      const onMessage = (m: ToParent) => {
        if (m.type !== 'ready') return;
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null, signal: string | null) => reject(new Error(`fuzz worker exited during start-up (${code ?? signal}): ${this.stderrTail.slice(-2000)}`));
      proc.on('message', onMessage);
      proc.on('exit', onExit);
    });
  }

  private async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    this.ready = null;
    if (proc) await killGroup(proc);
  }

  async run(job: Job): Promise<JobOutcome> {
    if (!this.proc) this.ready = this.spawn();
    try {
      await this.ready;
    } catch (e) {
      await this.kill();
      return { event: { kind: 'died', how: 'during start-up', stderr: (e as Error).message } };
    }
    const proc = this.proc!;
    let build: BuildDirs | undefined;
    const outcome = await new Promise<JobOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (o: JobOutcome) => {
        clearTimeout(timer);
        clearInterval(watch);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(o);
      };
      const arm = (phase: string, ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ event: { kind: 'timeout', phase, limitMs: ms } }), ms);
      };
      const onMessage = (m: ToParent) => {
        if (m.type === 'phase') {
          if (m.build && !build) {
            build = m.build;
            this.builds.acquire(build);
          }
          arm(m.phase, m.phase === 'compile' ? this.limits.compileMs : this.limits.verifyMs);
        } else if (m.type === 'result') finish({ result: m.result });
      };
      const onExit = (code: number | null, signal: string | null) => {
        // Let the last stderr bytes arrive before quoting them.
        setTimeout(() => finish({ event: { kind: 'died', how: signal ? `signal ${signal}` : `exit code ${code}`, stderr: this.stderrTail } }), 100);
      };
      const watch = setInterval(() => {
        const rss = residentMb(proc.pid!);
        if (rss > this.limits.rssCapMb) finish({ event: { kind: 'memory', rssMb: rss, capMb: this.limits.rssCapMb } });
      }, 250);
      proc.on('message', onMessage);
      proc.on('exit', onExit);
      arm('compile', this.limits.compileMs);
      proc.send({ type: 'run', job });
    });
    if ('event' in outcome) await this.kill();
    if (build) this.builds.release(build);
    return outcome;
  }

  async close(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const pid = proc.pid;
    this.proc = null;
    if (!proc.connected || proc.exitCode !== null || proc.signalCode !== null) {
      await killGroup(proc);
      rmSync(this.dir, { recursive: true, force: true });
      return;
    }
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.disconnect();
    const t = setTimeout(() => {
      try {
        process.kill(-pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 5000);
    await exited;
    clearTimeout(t);
    rmSync(join(BUILD_DIR, 'runs', String(pid)), { recursive: true, force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class WorkerPool {
  private readonly slots: Slot[];
  private readonly free: Slot[];
  private readonly waiting: ((s: Slot) => void)[] = [];

  constructor(jobs: number, workRoot: string, limits: PoolLimits) {
    const builds = new BuildTracker();
    this.slots = Array.from({ length: jobs }, (_, i) => new Slot(join(workRoot, `slot${i}`), limits, builds));
    this.free = [...this.slots];
  }

  /** The slot's working folder: case folders go inside it (it is the worker's cwd). */
  async run(makeJob: (slotDir: string) => Job, after?: (o: JobOutcome) => void): Promise<JobOutcome> {
    const slot = this.free.pop() ?? (await new Promise<Slot>((r) => this.waiting.push(r)));
    try {
      const o = await slot.run(makeJob(slot.dir));
      after?.(o);
      return o;
    } finally {
      const next = this.waiting.shift();
      if (next) next(slot);
      else this.free.push(slot);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.close()));
  }
}
