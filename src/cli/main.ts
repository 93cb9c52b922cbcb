/**
 * The `edgec` command line: parse arguments, call the library, print. Diagnostics raised by the
 * library are printed here, once, with their code and location; the exit code is non-zero.
 */
import { Command, CommanderError } from 'commander';
import { EdgecError, formatDiagnostic } from '../diagnostics.ts';
import { VERSION } from '../version.ts';
import { registerConformance } from './conformance.ts';

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('edgec')
    .description('Compile int8 neural networks for wearables to verified C for Cortex-M.')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();
  registerConformance(program);
  // Model commands load the tfjs importer and codegen lazily: `conformance` should not pay for them.
  if (!argv.slice(2).some((a) => a === 'conformance')) {
    const m = await import('./model.ts');
    m.registerModelCommands(program);
    m.registerBudgetCommand(program);
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof EdgecError) {
      for (const d of e.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
      return 1;
    }
    process.stderr.write(`edgec: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}
