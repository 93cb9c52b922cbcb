/**
 * Host C toolchain: builds C99 with the warning set every generated file must pass, and runs the
 * result. `-ffp-contract=off` keeps any float code identical across compilers (design.md §5).
 */
import { spawnSync } from 'node:child_process';
import { fail } from '../support/diagnostics.ts';

import { HOST_CFLAGS } from '../targets/flags.ts';

export { HOST_CFLAGS };

/** Added to sanitized host builds (run and verify by default): a sanitizer finding stops the program. */
export const HOST_SANITIZE_CFLAGS = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-g'];

export interface HostBuild {
  sources: string[];
  includeDirs: string[];
  output: string;
  optimize?: string; // default -O2
  sanitize?: boolean; // -fsanitize=address,undefined
  defines?: string[];
  cc?: string;
}

export function hostCompiler(): string {
  return process.env.CC ?? 'gcc';
}

export function compileHost(b: HostBuild): void {
  const cc = b.cc ?? hostCompiler();
  const args = [
    ...HOST_CFLAGS,
    b.optimize ?? '-O2',
    ...(b.sanitize ? HOST_SANITIZE_CFLAGS : []),
    ...(b.defines ?? []).map((d) => `-D${d}`),
    ...b.includeDirs.map((d) => `-I${d}`),
    ...b.sources,
    '-o',
    b.output,
  ];
  const r = spawnSync(cc, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) {
    fail('E-TOOL-CC', 'toolchain', `cannot run ${cc}: ${r.error.message} (install it with: apt-get install -y --no-install-recommends gcc libc6-dev)`);
  }
  if (r.status !== 0) {
    fail('E-TOOL-CC', 'toolchain', `${cc} failed building ${b.output}:\n${(r.stderr || r.stdout).slice(0, 4000)}`);
  }
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

export function runProgram(path: string, args: string[] = [], opts: { input?: Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const r = spawnSync(path, args, {
    input: opts.input,
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 1 << 30,
    env: opts.env ?? process.env,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') {
    fail('E-TOOL-RUN', 'toolchain', `cannot run ${path}: ${r.error.message}`);
  }
  return { stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr?.toString('utf8') ?? '', status: r.status, signal: r.signal };
}
