#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so a clone works without a build step. Failures that escape
// main (a rejected promise nobody awaited, an import that does not load) end as one line, exit 2.
import { register } from 'tsx/esm/api';

let describe = (e) => ({
  text: `edgec: internal error E-INTERNAL: ${String(e?.message ? e.message : e).split('\n')[0]} (please report this; run with EDGEC_DEBUG=1 for the stack)\n${process.env.EDGEC_DEBUG === '1' && e && e.stack ? `${e.stack}\n` : ''}`,
  exitCode: 2,
});
const fatal = (e) => {
  const f = describe(e);
  process.stderr.write(f.text);
  process.exit(f.exitCode);
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
// `edgec inspect ... | head`: the reader closed the pipe; stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) stream.on('error', (e) => (e.code === 'EPIPE' ? process.exit(0) : fatal(e)));

register();
try {
  const cli = await import('../src/cli/main.ts');
  describe = cli.describeFailure;
  process.exitCode = await cli.main(process.argv);
} catch (e) {
  fatal(e);
}
