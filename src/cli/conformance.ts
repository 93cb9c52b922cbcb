/** `edgec conformance`: the operator suite through one backend. */
import type { Command } from 'commander';
import { fail } from '../support/diagnostics.ts';
import { DEFAULT_SUITE_DIR } from '../support/paths.ts';
import { cortexPlatform, hostPlatform } from '../conformance/platforms.ts';
import { formatReport, loadSuite, runCBackend, runTsBackend, type ConformanceReport } from '../conformance/run.ts';
import { checkInputFolder } from './inputs.ts';
import { parseChoice, parseRegex, type CliContext } from './options.ts';

export const CONFORMANCE_BACKENDS = [
  'ts',
  'c-host',
  'c-host-sanitize',
  'c-m3',
  'c-m4',
  'c-m7',
  'c-m33',
  'c-m55',
  'c-m4-O0',
  'cmsis-nn-host',
  'cmsis-nn-m3',
  'cmsis-nn-m4',
  'cmsis-nn-m7',
  'cmsis-nn-m33',
  'cmsis-nn-m55',
] as const;

export async function runConformance(backend: string, suite: string, filter?: string): Promise<ConformanceReport> {
  parseChoice(backend, '--backend', CONFORMANCE_BACKENDS);
  const re = filter !== undefined ? parseRegex(filter, '--filter') : undefined;
  checkInputFolder(suite, 'the suite folder');
  const cases = loadSuite(suite, re ? (n) => re.test(n) : undefined);
  if (cases.length === 0) {
    fail('E-CONF-EMPTY', 'cli', re ? `no case in the suite matches --filter '${filter}'` : 'the suite folder holds no cases (cmsisnn-testcase/1 JSON files)', {
      file: suite,
      ...(re ? { field: '--filter' } : {}),
    });
  }
  switch (backend) {
    case 'ts':
      return runTsBackend(cases);
    case 'c-host':
      return runCBackend(cases, hostPlatform());
    case 'c-host-sanitize':
      return runCBackend(cases, hostPlatform({ sanitize: true }));
    case 'c-m4-O0':
      return runCBackend(cases, cortexPlatform('cortex-m4', { debug: true }));
    case 'cmsis-nn-host':
      return runCBackend(cases, hostPlatform({ cmsisNn: true }));
    default:
      if (backend.startsWith('cmsis-nn-m')) return runCBackend(cases, cortexPlatform(`cortex-${backend.slice('cmsis-nn-'.length)}`, { cmsisNn: true }));
      return runCBackend(cases, cortexPlatform(`cortex-${backend.slice(2)}`));
  }
}

export function registerConformance(program: Command, ctx: CliContext): void {
  program
    .command('conformance')
    .description('run every operator conformance case through a backend and compare every output byte')
    .option('--backend <name>', `one of ${CONFORMANCE_BACKENDS.join(', ')}`, 'ts')
    .option('--suite <dir>', 'suite folder (cmsisnn-testcase/1 JSON files)', DEFAULT_SUITE_DIR)
    .option('--filter <regex>', 'only cases whose name matches')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { backend: string; suite: string; filter?: string; json?: boolean }) => {
      const report = await runConformance(opts.backend, opts.suite, opts.filter);
      ctx.out(`${opts.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
      ctx.exitCode = report.failed > 0 ? 1 : 0;
    });
}
