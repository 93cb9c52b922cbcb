/**
 * Platforms that build and run batched conformance programs. `c-host` compiles with the host gcc and
 * the project's portable kernels; Cortex-M platforms plug in here with the same interface.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import { BUILD_DIR, CMSIS_GLUE_DIR, HARNESS_DIR, PORTABLE_KERNELS_DIR } from '../support/paths.ts';
import { HOST_CFLAGS, hostCompiler } from '../toolchain/host.ts';
import { exec, mapLimit, parallelism } from '../toolchain/exec.ts';
import { buildElf, checkCortexToolchain, loadTarget, runQemu } from '../toolchain/cortex-m.ts';
import type { CPlatform } from './run.ts';
import type { CmsisPath } from '../ops/contract.ts';
import { cmsisNnIncludeDir, cmsisNnLibrary, cortexCmsisNnPlatform, hostCmsisNnPlatform } from '../toolchain/cmsis-nn.ts';
import { cmsisPathOf } from '../toolchain/cortex-m.ts';

export function portableKernelSources(): string[] {
  return readdirSync(PORTABLE_KERNELS_DIR)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => join(PORTABLE_KERNELS_DIR, f));
}

export interface HostPlatformOptions {
  sanitize?: boolean;
  workDir?: string;
  /** Run the cases' CMSIS-NN calls (its pure-C path) instead of the portable kernels. */
  cmsisNn?: boolean;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs the batches, then removes this run's folder (kept with EDGEC_KEEP_BUILD=1 to look inside). */
async function withCleanup<T>(workDir: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    if (process.env.EDGEC_KEEP_BUILD !== '1') rmSync(workDir, { recursive: true, force: true });
  }
}

export function hostPlatform(opts: HostPlatformOptions = {}): CPlatform {
  const name = opts.cmsisNn ? 'cmsis-nn-host' : opts.sanitize ? 'c-host-sanitize' : 'c-host';
  // One folder per process: concurrent runs of the same backend never overwrite each other's batches.
  const workDir = opts.workDir ?? join(BUILD_DIR, 'conformance', `${name}-${process.pid}`);
  return {
    name,
    batchSize: 60,
    ...(opts.cmsisNn ? { cmsisPath: 'plain' as CmsisPath } : {}),
    async runBatches(programs) {
      mkdirSync(workDir, { recursive: true });
      const cc = hostCompiler();
      // CMSIS-NN builds check every scratch size CMSIS-NN asks for against the computed one.
      const kernels = opts.cmsisNn ? [`-I${cmsisNnIncludeDir()}`, `-I${CMSIS_GLUE_DIR}`, '-DEDGEC_CHECK_SCRATCH'] : [`-I${PORTABLE_KERNELS_DIR}`];
      const libs = opts.cmsisNn ? [await cmsisNnLibrary(hostCmsisNnPlatform(), log)] : portableKernelSources();
      return withCleanup(workDir, () =>
        mapLimit(programs, parallelism(), async (program, i) => {
          const src = join(workDir, `batch${i}.c`);
          const exe = join(workDir, `batch${i}`);
          writeFileSync(src, program);
          const args = [
            ...HOST_CFLAGS,
            opts.sanitize ? '-O1' : '-O2',
            ...(opts.sanitize ? ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-g'] : []),
            ...kernels,
            `-I${HARNESS_DIR}`,
            src,
            join(HARNESS_DIR, 'host', 'case_main.c'),
            ...libs,
            '-o',
            exe,
          ];
          const built = await exec(cc, args, { timeoutMs: 600_000 }).catch((e: Error) =>
            fail('E-TOOL-CC', 'toolchain', `cannot run ${cc}: ${e.message} (apt-get install -y --no-install-recommends gcc libc6-dev)`),
          );
          if (built.status !== 0) fail('E-TOOL-CC', 'toolchain', `${cc} failed on ${src}:\n${built.stderr.slice(0, 4000)}`);
          const ran = await exec(exe, [], { timeoutMs: 300_000 });
          if (ran.status !== 0) {
            // Records written before a crash still count; the missing ones are reported per case.
            process.stderr.write(`${name}: ${exe} exited with ${ran.status ?? ran.signal}${ran.timedOut ? ' (timeout)' : ''}\n${ran.stderr.slice(0, 4000)}\n`);
          }
          return ran.stdout;
        }),
      );
    },
  };
}

/**
 * A Cortex-M target in QEMU: each batch is one ELF, its records written to cases.bin by semihosting.
 * `debug` builds at -O0, as firmware debug configurations do: kernels whose optimised builds use inline
 * asm take their plain C loops there, and those must give the same bytes.
 */
export function cortexPlatform(targetName: string, opts: { cmsisNn?: boolean; debug?: boolean } = {}): CPlatform {
  const short = targetName.replace(/^cortex-/, '');
  const name = (opts.cmsisNn ? `cmsis-nn-${short}` : `c-${short}`) + (opts.debug ? '-O0' : '');
  const workDir = join(BUILD_DIR, 'conformance', `${name}-${process.pid}`);
  const target = loadTarget(targetName);
  return {
    name,
    batchSize: 40,
    ...(opts.cmsisNn ? { cmsisPath: cmsisPathOf(target) } : {}),
    async runBatches(programs) {
      checkCortexToolchain(true);
      const lib = opts.cmsisNn ? await cmsisNnLibrary(cortexCmsisNnPlatform(target), log) : null;
      mkdirSync(workDir, { recursive: true });
      return withCleanup(workDir, () =>
        mapLimit(programs, parallelism(), async (program, i) => {
          const dir = join(workDir, `batch${i}`);
          mkdirSync(dir, { recursive: true });
          const src = join(dir, 'cases.c');
          writeFileSync(src, program);
          const elf = await buildElf({
            target,
            sources: [src, join(HARNESS_DIR, 'cortex-m', 'case_main.c'), ...(lib ? [] : portableKernelSources())],
            includeDirs: lib ? [cmsisNnIncludeDir(), CMSIS_GLUE_DIR] : [PORTABLE_KERNELS_DIR],
            ...(lib ? { defines: ['EDGEC_CHECK_SCRATCH'] } : {}),
            libraries: lib ? [lib] : [],
            ...(opts.debug ? { cflags: ['-O0'] } : {}),
            workDir: dir,
          });
          rmSync(join(dir, 'cases.bin'), { force: true });
          try {
            await runQemu(target, elf, dir);
          } catch (e) {
            // Records written before a fault still count; the missing ones are reported per case.
            process.stderr.write(`${name}: batch ${i}: ${(e as Error).message}\n`);
          }
          return existsSync(join(dir, 'cases.bin')) ? readFileSync(join(dir, 'cases.bin')) : Buffer.alloc(0);
        }),
      );
    },
  };
}
