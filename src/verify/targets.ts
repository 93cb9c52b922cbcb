/** Run targets for `run` and `verify`: the host build, and Cortex-M targets in QEMU. */
import { buildModelHost, runModelHost } from '../toolchain/model-host.ts';
import { buildModelCortex, runModelCortex } from '../toolchain/model-cortex.ts';
import { loadTarget } from '../toolchain/cortex-m.ts';
import type { RunTarget } from './verify.ts';

export const hostTarget: RunTarget = {
  name: 'host',
  async run(dir, m, inputs, opts) {
    const exe = await buildModelHost(dir, m, { debug: opts.dump, resetEach: opts.resetEach });
    return runModelHost(exe, m, inputs, { dump: opts.dump });
  },
};

export function cortexTarget(name: string): RunTarget {
  const target = loadTarget(name);
  return {
    name,
    async run(dir, m, inputs, opts) {
      const { elf, workDir } = await buildModelCortex(dir, m, target, { debug: opts.dump, resetEach: opts.resetEach });
      return runModelCortex(elf, workDir, target, inputs, { dump: opts.dump });
    },
  };
}

export function runTarget(name: string): RunTarget {
  return name === 'host' ? hostTarget : cortexTarget(name);
}
