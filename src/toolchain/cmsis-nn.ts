/**
 * CMSIS-NN as a build-time dependency. It is never part of this project: the user points
 * `CMSIS_NN_DIR` at a checkout of ARM-software/CMSIS-NN and the toolchain compiles its int8/int16
 * sources once per platform (host or Cortex-M target) into a static library cached under
 * `.cache/cmsis-nn/`, keyed by the sources and the exact compiler command.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import { PACKAGE_ROOT } from '../support/paths.ts';
import { exec, mapLimit, parallelism } from './exec.ts';
import { hostCompiler } from './host.ts';
import { checkCortexToolchain, type TargetDescriptor } from './cortex-m.ts';

export { CMSIS_NN_ENV, cmsisNnDir, cmsisNnMissingReason } from '../targets/cmsis-nn.ts';
import { cmsisNnDir } from '../targets/cmsis-nn.ts';

export function cmsisNnIncludeDir(): string {
  return join(cmsisNnDir(), 'Include');
}

/** int8/int16 kernel sources: everything under Source/ except the float variants (design.md §4). */
export function cmsisNnSources(dir = cmsisNnDir()): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.c') && !/_(f16|f32|flt)\.c$/.test(e.name)) out.push(p);
    }
  };
  walk(join(dir, 'Source'));
  return out;
}

/** Where a platform's library is compiled: host gcc, or arm-none-eabi-gcc with the target's CPU flags. */
export interface CmsisNnPlatform {
  name: string;
  cc: string;
  ar: string;
  cflags: string[];
  /** The target has MVE (Helium): the constant-predicate probe applies. */
  mve?: boolean;
}

export function hostCmsisNnPlatform(): CmsisNnPlatform {
  return { name: 'host', cc: hostCompiler(), ar: 'ar', cflags: ['-O2', '-ffp-contract=off'] };
}

/** -O2 as TFLite Micro's reference figures (design.md §7); sections so the linker drops unused kernels. */
export function cortexCmsisNnPlatform(t: TargetDescriptor): CmsisNnPlatform {
  return {
    name: t.name,
    cc: 'arm-none-eabi-gcc',
    ar: 'arm-none-eabi-ar',
    cflags: [...t.cflags, '-O2', '-ffp-contract=off', '-ffunction-sections', '-fdata-sections'],
    ...(t.features.includes('mve') ? { mve: true } : {}),
  };
}

/*
 * Some arm-none-eabi-gcc releases miscompile MVE code that uses a constant predicate: Debian's 12.2.1
 * loads `mve_pred16_t m = 0x0F0F` into P0 as 0xFFFFFFFF at -O1 and above (and stops with an internal
 * error on others, e.g. 0x0F00), so every lane is treated as active. CMSIS-NN's int4 kernels unpack
 * nibbles with such masks; miscompiled, arm_depthwise_conv_s4_opt gives wrong bytes on Cortex-M55.
 * A probe of our own detects the defect; the CMSIS-NN sources that declare constant predicates are then
 * compiled at -O0, where the constant goes through memory and comes out right.
 */
const PREDICATE_PROBE = `#include <arm_mve.h>
int32x4_t edgec_predicate_probe(int32x4_t a) { return vshrq_m_n_s32(a, a, 4, 0x0F0F); }
`;
const CONSTANT_PREDICATE = /mve_pred16_t\s+\w+\s*=\s*\d+/;
const probed = new Map<string, Promise<boolean>>();

/** True when the compiler gets constant MVE predicates wrong (see above); cached per compiler and flags. */
function constantPredicatesMiscompiled(p: CmsisNnPlatform): Promise<boolean> {
  if (!p.mve) return Promise.resolve(false);
  const key = JSON.stringify([p.cc, p.cflags]);
  let pending = probed.get(key);
  if (!pending) {
    pending = (async () => {
      const dir = join(PACKAGE_ROOT, '.cache', 'cmsis-nn');
      mkdirSync(dir, { recursive: true });
      const src = join(dir, `predicate-probe-${process.pid}.c`);
      writeFileSync(src, PREDICATE_PROBE);
      try {
        const r = await exec(p.cc, [...p.cflags, '-S', src, '-o', '-']);
        // A right build loads 3855 into P0; a wrong one loads -1, and an internal error fails the compile.
        return r.status !== 0 || !/#3855\b/.test(String(r.stdout));
      } finally {
        rmSync(src, { force: true });
      }
    })();
    probed.set(key, pending);
  }
  return pending;
}

const building = new Map<string, Promise<string>>();

/**
 * The path of `libcmsis-nn.a` for the platform, compiling it on first use. Concurrent callers share
 * one build; the library appears atomically (built in a temp dir, then renamed).
 */
export function cmsisNnLibrary(p: CmsisNnPlatform, log: (line: string) => void = () => undefined): Promise<string> {
  const dir = cmsisNnDir();
  const sources = cmsisNnSources(dir);
  const h = createHash('sha256');
  // The recipe tag changes when the way the library is built changes (e.g. the predicate workaround).
  h.update(JSON.stringify([p.cc, p.cflags, dir, 'recipe-2']));
  for (const s of sources) {
    const st = statSync(s);
    h.update(`${s}:${st.size}:${st.mtimeMs}\n`);
  }
  const key = `${p.name}-${h.digest('hex').slice(0, 16)}`;
  const outDir = join(PACKAGE_ROOT, '.cache', 'cmsis-nn', key);
  const lib = join(outDir, 'libcmsis-nn.a');
  if (existsSync(lib)) return Promise.resolve(lib);
  let pending = building.get(key);
  if (!pending) {
    pending = buildLibrary(p, dir, sources, outDir, log);
    building.set(key, pending);
  }
  return pending;
}

async function buildLibrary(p: CmsisNnPlatform, dir: string, sources: string[], outDir: string, log: (line: string) => void): Promise<string> {
  if (p.cc === 'arm-none-eabi-gcc') checkCortexToolchain(false);
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  log(`cmsis-nn: compiling ${sources.length} sources for ${p.name} (cached afterwards)`);
  const include = join(dir, 'Include');
  const unoptimised = (await constantPredicatesMiscompiled(p)) ? sources.filter((s) => CONSTANT_PREDICATE.test(readFileSync(s, 'utf8'))) : [];
  if (unoptimised.length > 0) {
    log(`cmsis-nn: ${p.cc} miscompiles constant MVE predicates (probe: 0x0F0F loaded as all lanes); ` + `compiling ${unoptimised.map((s) => basename(s)).join(', ')} at -O0 for ${p.name}`);
  }
  const objects = await mapLimit(sources, parallelism(), async (src, i) => {
    const obj = join(tmp, `${String(i).padStart(3, '0')}.o`);
    const flags = unoptimised.includes(src) ? [...p.cflags, '-O0'] : p.cflags;
    const r = await exec(p.cc, ['-std=c99', ...flags, `-I${include}`, '-c', src, '-o', obj], { timeoutMs: 300_000 }).catch((e: Error) =>
      fail('E-TOOL-CC', 'toolchain', `cannot run ${p.cc}: ${e.message}`),
    );
    if (r.status !== 0) fail('E-CMSIS-NN', 'toolchain', `${p.cc} failed on CMSIS-NN source ${src} for ${p.name}:\n${r.stderr.slice(0, 3000)}`);
    return obj;
  });
  const lib = join(tmp, 'libcmsis-nn.a');
  const r = await exec(p.ar, ['rcs', lib, ...objects]);
  if (r.status !== 0) fail('E-CMSIS-NN', 'toolchain', `${p.ar} failed for ${p.name}: ${r.stderr}`);
  for (const o of objects) rmSync(o);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, '..'), { recursive: true });
  renameSync(tmp, outDir);
  return join(outDir, 'libcmsis-nn.a');
}
