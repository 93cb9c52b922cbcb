/** Run targets for `run` and `verify`: the host build today; Cortex-M targets plug in here. */
import { fail } from '../diagnostics.ts';
import { buildModelHost, runModelHost } from '../toolchain/model-host.ts';
import type { RunTarget } from './verify.ts';

export const hostTarget: RunTarget = {
  name: 'host',
  async run(dir, m, inputs, opts) {
    const exe = buildModelHost(dir, m, { debug: opts.dump });
    return runModelHost(exe, m, inputs, { dump: opts.dump });
  },
};

export function runTarget(name: string): RunTarget {
  if (name === 'host') return hostTarget;
  fail('E-CLI-TARGET', 'cli', `unknown target '${name}'; available: host`);
}
