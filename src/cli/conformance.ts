/** `edgec conformance`: the operator suite through one backend. */
import type { Command } from 'commander';
import { fail } from '../diagnostics.ts';
import { DEFAULT_SUITE_DIR } from '../paths.ts';
import { cortexPlatform, hostPlatform } from '../conformance/platforms.ts';
import { formatReport, loadSuite, runCBackend, runTsBackend, type ConformanceReport } from '../conformance/run.ts';

export const CONFORMANCE_BACKENDS = ['ts', 'c-host', 'c-host-sanitize', 'c-m3', 'c-m4', 'c-m7', 'c-m33', 'c-m55', 'c-m4-O0', 'cmsis-nn-host', 'cmsis-nn-m3', 'cmsis-nn-m4', 'cmsis-nn-m7', 'cmsis-nn-m33', 'cmsis-nn-m55'];

export async function runConformance(backend: string, suite: string, filter?: string): Promise<ConformanceReport> {
  const re = filter ? new RegExp(filter) : undefined;
  const cases = loadSuite(suite, re ? (n) => re.test(n) : undefined);
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
      if (/^c-m\d+$/.test(backend) && CONFORMANCE_BACKENDS.includes(backend)) return runCBackend(cases, cortexPlatform(`cortex-${backend.slice(2)}`));
      if (/^cmsis-nn-m/.test(backend) && CONFORMANCE_BACKENDS.includes(backend)) return runCBackend(cases, cortexPlatform(`cortex-${backend.slice('cmsis-nn-'.length)}`, { cmsisNn: true }));
      fail('E-CLI-BACKEND', 'cli', `unknown backend '${backend}'; expected one of ${CONFORMANCE_BACKENDS.join(', ')}`);
  }
}

export function registerConformance(program: Command): void {
  program
    .command('conformance')
    .description('run every operator conformance case through a backend and compare every output byte')
    .option('--backend <name>', `one of ${CONFORMANCE_BACKENDS.join(', ')}`, 'ts')
    .option('--suite <dir>', 'suite folder (cmsisnn-testcase/1 JSON files)', DEFAULT_SUITE_DIR)
    .option('--filter <regex>', 'only cases whose name matches')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { backend: string; suite: string; filter?: string; json?: boolean }) => {
      const report = await runConformance(opts.backend, opts.suite, opts.filter);
      process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : formatReport(report)) + '\n');
      process.exitCode = report.failed > 0 ? 1 : 0;
    });
}
