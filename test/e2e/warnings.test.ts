/**
 * Generated C builds without a single warning under the toolchain's own flags (-Wall -Wextra
 * -Wconversion -Wsign-conversion -Werror): every portable kernel source, model folders (the committed
 * HAR golden and its kernel copies; .tflite models with LSTM, SVDF, convolution and depthwise layers)
 * and the harnesses the toolchain builds them with, on host gcc and on arm-none-eabi-gcc for every
 * target in targets/ (each with its own CPU flags), at -O0, -Os, -O2, -O3 and -O2 -flto.
 *
 * The -flto configurations link each model with its harness: GCC sees the model's constant dims
 * inside the kernels only there, and some warnings exist only there. The others compile (-c) every
 * source in one gcc run, once as firmware builds it and once with the toolchain's debug and profiling
 * hooks defined. A failure quotes the compiler.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitModelFolder } from '../../src/codegen/emit-folder.ts';
import { readManifest } from '../../src/formats/manifest.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { HARNESS_DIR, PACKAGE_ROOT, PORTABLE_KERNELS_DIR } from '../../src/support/paths.ts';
import { debianPackages } from '../../src/targets/targets.ts';
import { buildElf, CORTEX_CFLAGS, listTargets, loadTarget, type TargetDescriptor } from '../../src/toolchain/cortex-m.ts';
import { exec, mapLimit, parallelism } from '../../src/toolchain/exec.ts';
import { HOST_CFLAGS, hostCompiler } from '../../src/toolchain/host.ts';
import { glueHeader, modelSources } from '../../src/toolchain/model-host.ts';
import { MODELS_DIR } from '../support/goldens.ts';

const CONVERSION_FLAGS = ['-Wconversion', '-Wsign-conversion'];
const OPTIMIZATIONS = [['-O0'], ['-Os'], ['-O2'], ['-O3'], ['-O2', '-flto']];
/**
 * LSTM with int16 gates, SVDF, and the two whose constant dims under -flto once made GCC warn about
 * dead left-over channel loops (convolution, depthwise); HAR's did so in max pooling.
 */
const TFLITE_MODELS = ['mnist_lstm_int8', 'keyword_scrambled_8bit', 'micro_speech_quantized', 'network_tester_model'];
/** The hooks the toolchain's own builds define (verify, per-layer dumps, budgets). */
const HOOKS = ['EDGEC_DEBUG_DUMP', 'EDGEC_RESET_EACH_INPUT', 'EDGEC_CHECK_SCRATCH'];

const HAS_CROSS_GCC = spawnSync('arm-none-eabi-gcc', ['--version'], { stdio: 'ignore' }).status === 0;
const CROSS_SKIP_REASON = `arm-none-eabi-gcc missing (apt-get install ${debianPackages(['arm-none-eabi-gcc']).join(' ')})`;

interface Compiler {
  name: string;
  target: TargetDescriptor | null; // null: host gcc
}

interface Folder {
  dir: string;
  prefix: string;
  glueDir: string; // holds the edgec_model_glue.h the harness includes
}

const compilers: Compiler[] = [{ name: 'host', target: null }, ...listTargets().map((name) => ({ name, target: loadTarget(name) }))];
const configName = (c: Compiler, opt: string[]) => `${c.name} ${opt.join(' ')}`;
const sortedSources = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => join(dir, f));

const tmp = mkdtempSync(join(tmpdir(), 'edgec-warnings-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const folders: Folder[] = [];
/** The compiler's complaint per configuration; empty when clean. */
const findings = new Map<string, string>();

function folderOf(dir: string, tag: string): Folder {
  const m = readManifest(dir);
  const glueDir = join(tmp, 'glue', tag);
  mkdirSync(glueDir, { recursive: true });
  writeFileSync(join(glueDir, 'edgec_model_glue.h'), glueHeader(m));
  return { dir, prefix: m.prefix, glueDir };
}

/** Flags of the toolchain's builds for this compiler, then the configuration's optimisation. */
function cflags(c: Compiler, opt: string[]): string[] {
  return c.target ? [...c.target.cflags, ...CORTEX_CFLAGS, ...opt] : [...HOST_CFLAGS, ...opt];
}

/** What the compiler said, or '' when it built and said nothing about warnings. */
function complaint(r: { status: number | null; stderr: string }): string {
  return r.status === 0 && !/warning:/.test(r.stderr) ? '' : r.stderr.trim() || `exit status ${r.status}`;
}

/** -c of every portable kernel, the harnesses and each model's C: once plain, once with the hooks. */
async function compileAll(c: Compiler, opt: string[], workDir: string): Promise<string> {
  const cc = c.target ? 'arm-none-eabi-gcc' : hostCompiler();
  const harness = c.target
    ? ['case_main.c', 'model_main.c', 'startup.c', 'edgec_semihost.c', 'edgec_libc.c'].map((f) => join(HARNESS_DIR, 'cortex-m', f))
    : ['case_main.c', 'model_main.c'].map((f) => join(HARNESS_DIR, 'host', f));
  // The harness's model_main.c is built against the HAR glue; the other models' links use their own.
  const includes = [folders[0]!.glueDir, PORTABLE_KERNELS_DIR, HARNESS_DIR, ...(c.target ? [join(HARNESS_DIR, 'cortex-m')] : []), ...folders.map((f) => f.dir)].map((d) => `-I${d}`);
  const models = folders.map((f) => join(f.dir, `${f.prefix}.c`));
  const hooks = [...HOOKS, ...(c.target ? ['EDGEC_PROFILE', 'EDGEC_PROFILE_STEPS', 'EDGEC_COUNTER_ADDRESS=0x40028018u', 'EDGEC_MAX_STEPS=64'] : [])];
  const runs = [
    // The golden's kernel copies too (each includes the headers beside it); the other folders' are fresh copies.
    [...sortedSources(PORTABLE_KERNELS_DIR), ...sortedSources(join(folders[0]!.dir, 'kernels')), ...harness, ...models],
    [...hooks.map((d) => `-D${d}`), ...models, harness.find((f) => f.endsWith('model_main.c'))!],
  ];
  const said: string[] = [];
  for (const [i, sources] of runs.entries()) {
    const dir = join(workDir, `c${i}`);
    mkdirSync(dir, { recursive: true });
    said.push(complaint(await exec(cc, [...cflags(c, opt), ...includes, '-c', ...sources], { cwd: dir, timeoutMs: 300_000 })));
  }
  return said.filter((s) => s !== '').join('\n');
}

/** Links each model folder (its own kernel copies) with the harness, as the toolchain does, plus -flto. */
async function linkModels(c: Compiler, opt: string[], workDir: string): Promise<string> {
  const said: string[] = [];
  for (const f of folders) {
    const dir = join(workDir, f.prefix);
    mkdirSync(dir, { recursive: true });
    const sources = modelSources(f.dir, readManifest(f.dir));
    const includes = [f.glueDir, f.dir, join(f.dir, 'kernels')];
    if (c.target) {
      // buildElf puts the target's and the toolchain's flags first; the -O2 -flto here come after.
      const built = await buildElf({ target: c.target, sources: [...sources, join(HARNESS_DIR, 'cortex-m', 'model_main.c')], includeDirs: includes, workDir: dir, cflags: opt }).then(
        () => '',
        (e: Error) => e.message,
      );
      said.push(built);
    } else {
      const args = [...cflags(c, opt), ...includes.map((d) => `-I${d}`), ...sources, join(HARNESS_DIR, 'host', 'model_main.c'), '-o', join(dir, 'model')];
      said.push(complaint(await exec(hostCompiler(), args, { cwd: dir, timeoutMs: 300_000 })));
    }
  }
  return said.filter((s) => s !== '').join('\n');
}

beforeAll(async () => {
  folders.push(folderOf(join(PACKAGE_ROOT, 'generated/har'), 'har'));
  for (const name of TFLITE_MODELS) {
    const dir = join(tmp, name);
    await emitModelFolder(importTflite(join(MODELS_DIR, `${name}.tflite`)), dir);
    folders.push(folderOf(dir, name));
  }
  const jobs = compilers.filter((c) => c.target === null || HAS_CROSS_GCC).flatMap((c) => OPTIMIZATIONS.map((opt) => ({ c, opt })));
  await mapLimit(jobs, parallelism(), async ({ c, opt }) => {
    const workDir = join(tmp, 'build', `${c.name}${opt.join('')}`);
    const said = opt.includes('-flto') ? await linkModels(c, opt, workDir) : await compileAll(c, opt, workDir);
    findings.set(configName(c, opt), said);
  });
}, 600_000);

describe('generated C is warning-clean', () => {
  it('the toolchain builds generated and kernel C with -Wconversion -Wsign-conversion -Werror', () => {
    for (const flags of [HOST_CFLAGS, CORTEX_CFLAGS]) {
      expect(flags).toEqual(expect.arrayContaining(['-Wall', '-Wextra', ...CONVERSION_FLAGS, '-Werror']));
    }
  });

  for (const c of compilers) {
    for (const opt of OPTIMIZATIONS) {
      const name = configName(c, opt);
      if (c.target && !HAS_CROSS_GCC) {
        it.skip(`${name}: skipped: ${CROSS_SKIP_REASON}`, () => undefined);
        continue;
      }
      it(`${name}: kernels, models and harness build without a warning`, () => {
        expect(findings.get(name), `${name} did not run`).toBeDefined();
        expect(findings.get(name)).toBe('');
      });
    }
  }
});
