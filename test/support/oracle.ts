/** Builds and runs small C oracle programs for unit tests (host gcc, cached per test run). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR } from '../../src/support/paths.ts';
import { compileHost, runProgram } from '../../src/toolchain/host.ts';

export function buildOracle(name: string, sources: string[], includeDirs: string[], defines: string[] = [], libs: string[] = []): string {
  const dir = join(BUILD_DIR, 'test-oracles');
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, name);
  compileHost({ sources: [...sources, ...libs], includeDirs, output: exe, defines });
  return exe;
}

/** Feeds the lines to the oracle's stdin and returns its output lines. */
export function askOracle(exe: string, lines: string[]): string[] {
  const r = runProgram(exe, [], { input: Buffer.from(`${lines.join('\n')}\n`) });
  if (r.status !== 0) throw new Error(`${exe} exited with ${r.status}: ${r.stderr}`);
  return r.stdout.toString('utf8').trim().split('\n');
}
