/**
 * A fuzz worker: a long-lived child process that imports the library once and runs one case at a
 * time: compile into job.out, check what the compile left on disk, then (if it compiled) verify the
 * folder on the sanitized host build. The parent times each phase and kills this process (and its
 * process group: gcc, the model executable) when a phase runs too long.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { compileModelFile } from '../pipeline/compile.ts';
import { EdgecError } from '../support/diagnostics.ts';
import { readManifest } from '../formats/manifest.ts';
import { folderDigest } from '../toolchain/model-host.ts';
import { verifyFolder } from '../verify/verify.ts';
import { hostRunTarget } from '../verify/targets.ts';
import { BUILD_DIR } from '../support/paths.ts';
import type { BuildDirs, ErrorInfo, Job, ToParent, ToWorker, VerifyStage, WorkerResult } from './protocol.ts';

const send = (m: ToParent) => process.send!(m);

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof EdgecError) return { edgec: true, name: e.name, message: e.message, diagnostics: e.diagnostics, stack: e.stack };
  if (e instanceof Error) return { edgec: false, name: e.name || e.constructor?.name || 'Error', message: e.message, stack: e.stack };
  return { edgec: false, name: typeof e, message: String(e) };
}

/** The files every generated folder must hold (besides <prefix>.c and <prefix>.h). */
const FOLDER_FILES = ['model.mk', 'CMakeLists.txt', 'kernels', 'graph.json', 'plan.txt', 'manifest.json', 'model.ts', 'sample_inputs.bin', 'README.md'];

/** What the compile left beside or inside --out that it should not have. */
function leftovers(job: Job, compiled: boolean): string[] {
  const parent = dirname(job.out);
  const found: string[] = [];
  for (const e of readdirSync(parent)) {
    if (compiled && e === basename(job.out)) continue;
    found.push(`${e} left in the output's parent${e === basename(job.out) ? ' (the --out folder of a failed compile)' : ''}`);
  }
  if (!compiled) return found;
  if (!existsSync(job.out) || !statSync(job.out).isDirectory()) return [...found, 'no --out folder after a successful compile'];
  let prefix: string | null = null;
  try {
    prefix = readManifest(job.out).prefix;
  } catch (e) {
    found.push(`manifest.json unreadable: ${(e as Error).message.split('\n')[0]}`);
  }
  const want = [...FOLDER_FILES, ...(prefix ? [`${prefix}.c`, `${prefix}.h`, `${prefix}_selftest.c`, `${prefix}_quantize.c`] : [])];
  for (const f of want) if (!existsSync(join(job.out, f))) found.push(`${f} missing from the compiled folder`);
  return found;
}

function buildPrefix(out: string): string {
  const m = readManifest(out);
  return `${m.prefix}-${folderDigest(out, m)}`;
}

/** The build prefix of each unmutated seed, computed once by compiling it beside the case folders. */
const seedPrefixes = new Map<string, string | null>();

async function seedPrefix(seed: Job['seed']): Promise<string | null> {
  const known = seedPrefixes.get(seed.model);
  if (known !== undefined) return known;
  const out = join(process.cwd(), `seed-${basename(seed.model)}`, 'out');
  let prefix: string | null = null;
  try {
    await compileModelFile(seed.model, seed.calib, { out, sampleInputs: 8 });
    prefix = buildPrefix(out);
  } catch {
    prefix = null;
  }
  rmSync(dirname(out), { recursive: true, force: true });
  seedPrefixes.set(seed.model, prefix);
  return prefix;
}

/** Host build folders are named <prefix>-<digest>-...; the parent removes the ones this verify adds. */
async function buildDirs(job: Job): Promise<BuildDirs | undefined> {
  try {
    const prefix = buildPrefix(job.out);
    const dir = join(BUILD_DIR, 'models');
    return { prefix, existing: existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(prefix)) : [], shared: prefix === (await seedPrefix(job.seed)) };
  } catch {
    return undefined;
  }
}

async function runJob(job: Job): Promise<WorkerResult> {
  send({ type: 'phase', phase: 'compile' });
  let t = performance.now();
  try {
    await compileModelFile(job.model, job.calib, { out: job.out, sampleInputs: 8 });
  } catch (e) {
    return { compile: { ok: false, ms: performance.now() - t, error: errorInfo(e) }, leftovers: leftovers(job, false) };
  }
  const compile = { ok: true as const, ms: performance.now() - t };
  const left = leftovers(job, true);
  if (left.length > 0) return { compile, leftovers: left };
  send({ type: 'phase', phase: 'verify', build: await buildDirs(job) });
  t = performance.now();
  let stage: VerifyStage = 'load';
  try {
    const target = hostRunTarget({ limits: { timeoutMs: job.runTimeoutMs, memoryMb: job.runMemoryMb } });
    const report = await verifyFolder(job.out, target, {
      inputs: job.inputs,
      onProgress: (msg) => {
        if (msg.startsWith('simulating')) stage = 'simulate';
        else if (msg.startsWith('running')) stage = 'run';
        else if (msg.startsWith('mismatch')) stage = 'divergence';
      },
    });
    const mm = report.mismatches[0];
    const d = report.firstDivergence;
    return {
      compile,
      leftovers: [],
      verify: {
        ok: true,
        ms: performance.now() - t,
        inputs: report.inputs,
        exact: report.exact,
        ...(mm ? { firstMismatch: `input ${mm.input}, output byte ${mm.byte}: simulator ${mm.expected}, host ${mm.actual}` } : {}),
        ...(d ? { divergence: `step ${d.step} '${d.layer}' (${d.op}), byte ${d.byte}: simulator ${d.expected}, host ${d.actual}` } : {}),
      },
    };
  } catch (e) {
    return { compile, leftovers: [], verify: { ok: false, ms: performance.now() - t, stage, error: errorInfo(e) } };
  }
}

process.on('message', (m: ToWorker) => {
  if (m.type !== 'run') return;
  runJob(m.job).then(
    (result) => send({ type: 'result', result }),
    (e) => send({ type: 'result', result: { compile: { ok: false, ms: 0, error: errorInfo(e) }, leftovers: [] } }),
  );
});
// Without the parent there is nobody to report to.
process.on('disconnect', () => process.exit(0));
// A promise rejected outside the awaited chain (e.g. a timer inside a library) is a crash of the case.
process.on('unhandledRejection', (e) => {
  process.stderr.write(`unhandled rejection: ${String((e as Error)?.stack ?? e)}\n`);
  process.exit(70);
});
send({ type: 'ready' });
