/**
 * `edgec budget`: flash, RAM and instructions on Cortex-M targets, written beside the model as
 * budget-<target>.md/json (budget.md/json for `--target all`). Those files are replaced when they are
 * earlier budgets (recognized by their content); anything else there is refused unless --force, and
 * both are checked before the (slow) measurement.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { notApplicable, parseTarget, type CliContext } from './options.ts';
import { fail } from '../support/diagnostics.ts';
import { targetFit } from '../targets/fit.ts';
import { DEFAULT_TARGET, HOST, listTargets, loadTarget } from '../targets/targets.ts';
import { checkFileOutput, writeFileAtomically, type OutputOptions } from '../io/atomic.ts';
import { openModelFolder } from './inputs.ts';
import { addCycleOptions, type CycleOptionValues, parseCycleOptions } from './cycles.ts';

const MD_HEADER = '# Budgets of ';

/** An earlier budget file: the markdown starts with our header, the JSON has a target (or a list of them). */
function isBudgetFile(abs: string): boolean {
  try {
    const text = readFileSync(abs, 'utf8');
    if (abs.endsWith('.md')) return text.startsWith(MD_HEADER);
    const j = JSON.parse(text) as unknown;
    const isBudget = (b: unknown) => typeof b === 'object' && b !== null && typeof (b as { target?: unknown }).target === 'string';
    return Array.isArray(j) ? j.every(isBudget) : isBudget(j);
  } catch {
    return false;
  }
}

export function registerBudgetCommand(program: Command, ctx: CliContext): void {
  addCycleOptions(
    program
      .command('budget <dir>')
      .description('flash, RAM, executed instructions and estimated cycles (a model, not a measurement) of a generated model on Cortex-M targets (QEMU); writes budget*.md/json into the folder')
      .option('--target <name>', `a Cortex-M target (${listTargets().join(', ')}), or "all" (default: the core the folder was compiled for)`),
  )
    .option('--json', 'print JSON')
    .option('--force', 'replace budget*.md/json files in the folder that edgec did not write')
    .action(async (dir: string, opts: CycleOptionValues & { target?: string; json?: boolean; force?: boolean }) => {
      const cycles = parseCycleOptions(opts);
      if (opts.target === HOST) notApplicable('--target host', `budgets are measured on Cortex-M targets (${listTargets().join(', ')}, or all)`);
      if (opts.target !== undefined) await parseTarget(opts.target, '--target', ['all']);
      const { measureBudget, formatBudgets } = await import('../report/budget.ts');
      const m = openModelFolder(dir);
      const targetName = opts.target ?? m.target ?? DEFAULT_TARGET;
      if (targetName === HOST)
        fail('E-CLI-OPTION', 'cli', `this folder was compiled for the host; budgets are measured on Cortex-M targets: pass --target ${DEFAULT_TARGET} (or all)`, { field: '--target' });
      // An unknown name recorded in a (hand-edited) manifest fails here, with the list of targets.
      if (targetName !== 'all') await parseTarget(targetName, 'manifest.json target', []);
      const stem = targetName === 'all' ? 'budget' : `budget-${targetName}`;
      const md = join(dir, `${stem}.md`);
      const json = join(dir, `${stem}.json`);
      const out: OutputOptions = { force: opts.force, isOwnOutput: isBudgetFile };
      checkFileOutput(md, out);
      checkFileOutput(json, out);
      const names = targetName === 'all' ? listTargets() : [targetName];
      const budgets = [];
      for (const t of names) {
        const fit = targetFit(m, loadTarget(t));
        if (fit && 'refused' in fit) {
          if (targetName !== 'all') fail('E-CMSIS-NN-TARGET', 'toolchain', fit.refused, { file: dir });
          ctx.log(`skipping ${t}: ${fit.refused}`);
          continue;
        }
        if (fit && targetName !== 'all') ctx.log(`note: ${fit.note}`);
        ctx.log(`measuring ${t} ...`);
        budgets.push(await measureBudget(dir, t, { cycles }));
      }
      let table = formatBudgets(budgets);
      if (m.stream) {
        // A streaming folder: per push (= per output) and per layer, against the full window measured above.
        const { measureStreamBudget, formatStreamBudget } = await import('../report/stream-budget.ts');
        for (const b of budgets) {
          ctx.log(`measuring the stream on ${b.target} ...`);
          const sb = await measureStreamBudget(dir, b.target, b);
          if (sb) {
            Object.assign(b, { stream: sb });
            table += `\n\n${formatStreamBudget(sb)}`;
          }
        }
      }
      const data = `${JSON.stringify(budgets.length === 1 ? budgets[0] : budgets, null, 2)}\n`;
      writeFileAtomically(md, `${MD_HEADER}${m.name}\n\n${table}\n`, out);
      writeFileAtomically(json, data, out);
      ctx.out(`${opts.json ? data.trimEnd() : table}\n`);
    });
}
