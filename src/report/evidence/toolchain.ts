/**
 * The toolchain behind the evidence: edgec's version, the first line of `--version` of every compiler
 * and emulator the targets run with, and the flags each build used (src/targets/flags.ts, the
 * sanitizers of src/toolchain/host.ts, each target's `cflags` in targets/<core>.json, QEMU's machine
 * and instruction counting).
 */
import { spawnSync } from 'node:child_process';
import { VERSION } from '../../support/version.ts';
import { HOST } from '../../targets/targets.ts';
import { CORTEX_CFLAGS, ICOUNT_SHIFT, loadTarget } from '../../toolchain/cortex-m.ts';
import { HOST_CFLAGS, HOST_SANITIZE_CFLAGS, hostCompiler } from '../../toolchain/host.ts';
import type { Toolchain, ToolVersion } from './types.ts';

/** First line of `<command> --version`, or null when the command does not run. */
export function toolVersion(command: string): ToolVersion {
  const r = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  const line = r.status === 0 ? (r.stdout || r.stderr).split('\n')[0]!.trim() : '';
  return { command, version: line || null };
}

/** `targets`: 'host' and Cortex-M target names, as verified. */
export function toolchainEvidence(targets: readonly string[], opts: { sanitize: boolean }): Toolchain {
  const cortex = targets.filter((t) => t !== HOST);
  const commands = [...(targets.includes(HOST) ? [hostCompiler()] : []), ...(cortex.length > 0 ? ['arm-none-eabi-gcc'] : []), ...(cortex.some((t) => loadTarget(t).qemu) ? ['qemu-system-arm'] : [])];
  const builds = targets.map((t) => {
    if (t === HOST) return { target: t, compiler: hostCompiler(), flags: [...HOST_CFLAGS, '-O2', ...(opts.sanitize ? HOST_SANITIZE_CFLAGS : [])], runner: 'native, under the sanitizers' };
    const d = loadTarget(t);
    return {
      target: t,
      compiler: 'arm-none-eabi-gcc',
      flags: [...d.cflags, ...CORTEX_CFLAGS],
      runner: d.qemu ? `qemu-system-arm -M ${d.qemu.machine}${d.qemu.cpu ? ` -cpu ${d.qemu.cpu}` : ''} (budgets: -icount shift=${ICOUNT_SHIFT})` : null,
    };
  });
  return { edgec: VERSION, node: process.version, tools: commands.map(toolVersion), builds };
}
