/** Run targets for `run` and `verify`: the host build, and Cortex-M targets in QEMU. */
import { join } from 'node:path';
import { buildModelHost, runModelHost, type RunLimits } from '../toolchain/model-host.ts';
import { buildModelCortex, runModelCortex } from '../toolchain/model-cortex.ts';
import { loadTarget } from '../toolchain/cortex-m.ts';
import type { RunTarget } from './verify.ts';

/**
 * The host build. By default it is built with AddressSanitizer and UndefinedBehaviorSanitizer
 * without recovery, so an overflow or an out-of-range shift fails the run (E-RUN-SANITIZER) instead
 * of producing bytes that might happen to match.
 */
export function hostRunTarget(opts: { sanitize?: boolean; limits?: RunLimits } = {}): RunTarget {
  const sanitize = opts.sanitize ?? true;
  return {
    name: 'host',
    async run(dir, m, inputs, o) {
      const exe = await buildModelHost(dir, m, { debug: o.dump, resetEach: o.resetEach, sanitize, stream: o.stream });
      return runModelHost(exe, m, inputs, { dump: o.dump, sanitized: sanitize, limits: opts.limits, stream: o.stream, ...(m.weightsBlobBytes ? { weights: join(dir, 'weights.bin') } : {}) });
    },
  };
}

export const hostTarget: RunTarget = hostRunTarget();

export function cortexTarget(name: string): RunTarget {
  const target = loadTarget(name);
  return {
    name,
    async run(dir, m, inputs, opts) {
      const { elf, workDir } = await buildModelCortex(dir, m, target, { debug: opts.dump, resetEach: opts.resetEach, stream: opts.stream });
      return runModelCortex(elf, workDir, target, inputs, { dump: opts.dump });
    },
  };
}

export function runTarget(name: string, opts: { sanitize?: boolean; limits?: RunLimits } = {}): RunTarget {
  return name === 'host' ? hostRunTarget(opts) : cortexTarget(name);
}
