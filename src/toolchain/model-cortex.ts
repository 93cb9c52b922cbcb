/**
 * Builds a generated model folder for a Cortex-M target with the project's harness and runs it in
 * QEMU on a file of quantized inputs: outputs, optional per-layer dumps, optional instruction
 * profile (total only, or per step) and the painted-stack high-water mark.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Manifest } from '../formats/manifest.ts';
import { BUILD_DIR, HARNESS_DIR } from '../support/paths.ts';
import { buildElf, CORTEX_CFLAGS, runQemu, ticksToInstructions, type TargetDescriptor } from './cortex-m.ts';
import { targetFit } from '../targets/fit.ts';
import { fail } from '../support/diagnostics.ts';
import { folderDigest, glueHeader, modelSources, recipeDigest } from './model-host.ts';
import { cmsisNnIncludeDir, cmsisNnLibrary, cortexCmsisNnPlatform } from './cmsis-nn.ts';
import { streamGlueHeader } from './stream-glue.ts';

export type ProfileMode = 'none' | 'total' | 'steps';

export interface CortexBuildOptions {
  debug?: boolean;
  profile?: ProfileMode;
  /** Reset the model's state before every input (default: the inputs are one stream). */
  resetEach?: boolean;
  /** Check CMSIS-NN's scratch requests at run time (default: in unprofiled builds). Off for size budgets. */
  checkScratch?: boolean;
  /** Push hops through the folder's streaming API instead of invoking (src/toolchain/stream-glue.ts). */
  stream?: boolean;
}

export async function buildModelCortex(dir: string, m: Manifest, target: TargetDescriptor, opts: CortexBuildOptions = {}): Promise<{ elf: string; workDir: string }> {
  const abs = resolve(dir);
  const profile = opts.profile ?? 'none';
  const fit = targetFit(m, target);
  if (fit && 'refused' in fit) fail('E-CMSIS-NN-TARGET', 'toolchain', fit.refused, { file: dir });
  const cmsis = m.backend === 'cmsis-nn' ? { lib: await cmsisNnLibrary(cortexCmsisNnPlatform(target), (l) => process.stderr.write(`${l}\n`)), include: cmsisNnIncludeDir() } : null;
  const recipe = recipeDigest([...CORTEX_CFLAGS, JSON.stringify(target)], join(HARNESS_DIR, 'cortex-m'));
  const tag = `${m.prefix}-${folderDigest(abs, m)}-${recipe}${cmsis ? `-${createHash('sha256').update(cmsis.lib).digest('hex').slice(0, 8)}` : ''}-${target.name}${opts.debug ? '-debug' : ''}${profile === 'none' ? '' : `-prof-${profile}`}${(opts.checkScratch ?? profile === 'none') ? '' : '-nocheck'}${opts.resetEach ? '-reset' : ''}${opts.stream ? '-stream' : ''}`;
  const workDir = join(BUILD_DIR, 'models', tag);
  const elf = join(workDir, 'prog.elf');
  if (existsSync(elf)) return { elf, workDir };
  // Built beside the cache entry and renamed into place, so concurrent runs never share a half-built one.
  const tmp = `${workDir}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'edgec_model_glue.h'), opts.stream ? streamGlueHeader(m) : glueHeader(m));
  // A weights-blob folder: the harness reads ../weights.bin from its run folder inside this one.
  if (m.weightsBlobBytes) copyFileSync(join(abs, 'weights.bin'), join(tmp, 'weights.bin'));
  const defines = [
    ...(opts.debug ? ['EDGEC_DEBUG_DUMP'] : []),
    ...(profile !== 'none' && target.counter ? ['EDGEC_PROFILE', `EDGEC_COUNTER_ADDRESS=${target.counter.address}u`, `EDGEC_MAX_STEPS=${Math.max(m.steps.length, 1)}`] : []),
    ...(profile === 'steps' ? ['EDGEC_PROFILE_STEPS'] : []),
    // Functional builds check CMSIS-NN's scratch requests; profiled builds count only the kernels.
    ...((opts.checkScratch ?? profile === 'none') ? ['EDGEC_CHECK_SCRATCH'] : []),
    ...(opts.resetEach ? ['EDGEC_RESET_EACH_INPUT'] : []),
  ];
  try {
    await buildElf({
      target,
      sources: [...modelSources(abs, m), join(HARNESS_DIR, 'cortex-m', 'model_main.c')],
      includeDirs: [tmp, abs, join(abs, 'kernels'), ...(cmsis ? [cmsis.include] : [])],
      defines,
      workDir: tmp,
      libraries: cmsis ? [cmsis.lib] : [],
    });
    try {
      renameSync(tmp, workDir);
    } catch {
      if (!existsSync(elf)) throw new Error(`cannot move the build ${tmp} to ${workDir}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { elf, workDir };
}

export interface CortexRun {
  outputs: Buffer;
  dump?: Buffer;
  profile?: Buffer;
}

export async function runModelCortex(elf: string, workDir: string, target: TargetDescriptor, inputs: Buffer, opts: { dump?: boolean; profile?: boolean } = {}): Promise<CortexRun> {
  const runDir = join(workDir, `run-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  for (const f of ['out.bin', 'dump.bin', 'profile.bin']) rmSync(join(runDir, f), { force: true });
  writeFileSync(join(runDir, 'in.bin'), inputs);
  await runQemu(target, elf, runDir, { icount: opts.profile, timeoutMs: 600_000 });
  const read = (f: string) => (existsSync(join(runDir, f)) ? readFileSync(join(runDir, f)) : undefined);
  return { outputs: read('out.bin') ?? Buffer.alloc(0), ...(opts.dump ? { dump: read('dump.bin') } : {}), ...(opts.profile ? { profile: read('profile.bin') } : {}) };
}

export interface ProfileResult {
  /** Per input: instructions of each step (empty for total-only builds) and of the whole invoke. */
  perInput: { steps: number[]; total: number }[];
  stackBytes: number;
}

export function parseProfile(buf: Buffer, stepsPerInput: number, inputs: number, target: TargetDescriptor): ProfileResult {
  const perInput: ProfileResult['perInput'] = [];
  let p = 0;
  const next = () => {
    const v = buf.readUInt32LE(p);
    p += 4;
    return v;
  };
  for (let i = 0; i < inputs; i++) {
    const steps = Array.from({ length: stepsPerInput }, () => ticksToInstructions(next(), target));
    perInput.push({ steps, total: ticksToInstructions(next(), target) });
  }
  return { perInput, stackBytes: next() };
}
