/**
 * The `edgec` command line: parse arguments, call the library, print. This is the one edge where
 * failures become text and exit codes:
 *
 *   0  success
 *   1  a diagnostic (EdgecError: code, stage, location; one line each) or a usage error (commander's
 *      message, with the code E-CLI-USAGE); also verify/conformance finding a mismatch
 *   2  an internal error (a bug): one line naming E-INTERNAL; EDGEC_DEBUG=1 adds the stack
 *   130 / 143  interrupted by SIGINT / SIGTERM while writing (src/io/temp.ts)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { EdgecError, formatDiagnostic } from '../support/diagnostics.ts';
import { PACKAGE_ROOT } from '../support/paths.ts';
import { VERSION } from '../support/version.ts';
import { registerConformance } from './conformance.ts';
import type { CliContext } from './options.ts';

export interface CliStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processStreams: CliStreams = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** Where to report a bug: package.json's bugs (or repository) URL when it has one. */
function reportAt(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { bugs?: string | { url?: string }; repository?: string | { url?: string } };
    const url = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'object' && v !== null ? (v as { url?: string }).url : undefined);
    return url(pkg.bugs) ?? url(pkg.repository) ?? "edgec's issue tracker, with the command line";
  } catch {
    return "edgec's issue tracker, with the command line";
  }
}

/** The text and exit code of any failure that reaches the edge. */
export function describeFailure(e: unknown): { text: string; exitCode: number } {
  if (e instanceof EdgecError) return { text: e.diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join(''), exitCode: 1 };
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim() || (e instanceof Error ? e.name : 'unknown error');
  const line = `edgec: internal error E-INTERNAL: ${message} (please report this at ${reportAt()}; run with EDGEC_DEBUG=1 for the stack)\n`;
  const stack = process.env.EDGEC_DEBUG === '1' && e instanceof Error && e.stack ? `${e.stack}\n` : '';
  return { text: line + stack, exitCode: 2 };
}

/** commander's "error: unknown option '--x'\n(Did you mean --y?)" as one E-CLI-USAGE line. */
function formatUsageError(text: string): string {
  const message = text
    .trim()
    .replace(/^error:\s*/, '')
    .replace(/\s*\n\s*/g, ' ');
  return `error E-CLI-USAGE [cli]: ${message}\n`;
}

export async function main(argv: string[], streams: CliStreams = processStreams): Promise<number> {
  const ctx: CliContext = { out: streams.stdout, log: (line) => streams.stderr(`${line}\n`), exitCode: 0 };
  const program = new Command();
  program
    .name('edgec')
    .description('Compile int8 neural networks for wearables to verified C for Cortex-M.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: streams.stdout, writeErr: streams.stderr, outputError: (text, write) => write(formatUsageError(text)) })
    .showHelpAfterError('(add --help for the usage)');
  try {
    // Test hook (test/e2e/cli-errors.test.ts): a bug anywhere below ends here like this one.
    if (process.env.EDGEC_TEST_INTERNAL_ERROR === '1') throw new Error('injected internal error (EDGEC_TEST_INTERNAL_ERROR=1)');
    registerConformance(program, ctx);
    // `conformance` does not load the model commands (codegen, toolchain); the command is the first
    // word that is not an option (`compile m.tflite --name conformance` is a compile).
    if (argv.slice(2).find((a) => !a.startsWith('-')) !== 'conformance') {
      const [model, compile, budget, train, report] = await Promise.all([import('./model.ts'), import('./compile.ts'), import('./budget.ts'), import('./train.ts'), import('./report.ts')]);
      compile.registerCompile(program, ctx);
      model.registerModelCommands(program, ctx);
      budget.registerBudgetCommand(program, ctx);
      (await import('./cycles.ts')).registerCyclesCommand(program, ctx);
      train.registerTrainCommand(program, ctx);
      report.registerReportCommand(program, ctx);
    }
    if (argv.length <= 2) {
      streams.stderr(formatUsageError('no command given'));
      program.outputHelp({ error: true });
      return 1;
    }
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    const f = describeFailure(e);
    streams.stderr(f.text);
    return f.exitCode;
  }
}
