/** `edgec conformance`: the operator suite through one backend. */
import type { Command } from 'commander';
import { fail } from '../support/diagnostics.ts';
import { DEFAULT_TARGET, listRunnableTargets, shortName } from '../targets/targets.ts';
import { DEFAULT_SUITE_DIR } from '../support/paths.ts';
import { cortexPlatform, hostPlatform } from '../conformance/platforms.ts';
import { formatReport, loadSuite, runCBackend, runTsBackend, type ConformanceReport } from '../conformance/run.ts';
import type { ConformanceCase } from '../formats/conformance-case.ts';
import { checkInputFolder } from './inputs.ts';
import { parseChoice, parseRegex, type CliContext } from './options.ts';

/**
 * The backends: the TS reference, and the portable kernels and CMSIS-NN built for the host and for every
 * target QEMU runs (targets/*.json, by short name: c-m4 is cortex-m4); c-m4-O0 is a -O0 debug build of the default
 * target.
 */
function conformanceRunners(): Map<string, (cases: ConformanceCase[]) => Promise<ConformanceReport>> {
  const runnable = listRunnableTargets();
  return new Map([
    ['ts', async (cases) => runTsBackend(cases)],
    ['c-host', (cases) => runCBackend(cases, hostPlatform())],
    ['c-host-sanitize', (cases) => runCBackend(cases, hostPlatform({ sanitize: true }))],
    ...runnable.map((t) => [`c-${shortName(t)}`, (cases: ConformanceCase[]) => runCBackend(cases, cortexPlatform(t))] as const),
    [`c-${shortName(DEFAULT_TARGET)}-O0`, (cases: ConformanceCase[]) => runCBackend(cases, cortexPlatform(DEFAULT_TARGET, { debug: true }))],
    ['cmsis-nn-host', (cases) => runCBackend(cases, hostPlatform({ cmsisNn: true }))],
    ...runnable.map((t) => [`cmsis-nn-${shortName(t)}`, (cases: ConformanceCase[]) => runCBackend(cases, cortexPlatform(t, { cmsisNn: true }))] as const),
  ]);
}

export function conformanceBackends(): string[] {
  return [...conformanceRunners().keys()];
}

export async function runConformance(backend: string, suite: string, filter?: string): Promise<ConformanceReport> {
  parseChoice(backend, '--backend', conformanceBackends());
  const re = filter !== undefined ? parseRegex(filter, '--filter') : undefined;
  checkInputFolder(suite, 'the suite folder');
  const cases = loadSuite(suite, re ? (n) => re.test(n) : undefined);
  if (cases.length === 0) {
    fail('E-CONF-EMPTY', 'cli', re ? `no case in the suite matches --filter '${filter}'` : 'the suite folder holds no cases (cmsisnn-testcase/1 JSON files)', {
      file: suite,
      ...(re ? { field: '--filter' } : {}),
    });
  }
  return conformanceRunners().get(backend)!(cases);
}

export function registerConformance(program: Command, ctx: CliContext): void {
  program
    .command('conformance')
    .description('run every operator conformance case through a backend and compare every output byte')
    .option('--backend <name>', `one of ${conformanceBackends().join(', ')}`, 'ts')
    .option('--suite <dir>', 'suite folder (cmsisnn-testcase/1 JSON files)', DEFAULT_SUITE_DIR)
    .option('--filter <regex>', 'only cases whose name matches')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { backend: string; suite: string; filter?: string; json?: boolean }) => {
      const report = await runConformance(opts.backend, opts.suite, opts.filter);
      ctx.out(`${opts.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
      ctx.exitCode = report.failed > 0 ? 1 : 0;
    });
}
