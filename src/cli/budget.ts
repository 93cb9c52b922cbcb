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
import { checkFileOutput, writeFileAtomically, type OutputOptions } from '../io/atomic.ts';
import { openModelFolder } from './inputs.ts';

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
  program
    .command('budget <dir>')
    .description('flash, RAM and executed-instruction budgets of a generated model on Cortex-M targets (QEMU); writes budget*.md/json into the folder')
    .option('--target <name>', 'a Cortex-M target, or "all"', 'cortex-m4')
    .option('--json', 'print JSON')
    .option('--force', 'replace budget*.md/json files in the folder that edgec did not write')
    .action(async (dir: string, opts: { target: string; json?: boolean; force?: boolean }) => {
      if (opts.target === 'host') notApplicable('--target host', 'budgets are measured on Cortex-M targets (cortex-m4, ..., or all)');
      const targetName = await parseTarget(opts.target, '--target', ['all']);
      const { listTargets, loadTarget } = await import('../toolchain/cortex-m.ts');
      const { cmsisTargetMismatch } = await import('../toolchain/model-cortex.ts');
      const { measureBudget, formatBudgets } = await import('../report/budget.ts');
      const m = openModelFolder(dir);
      const stem = targetName === 'all' ? 'budget' : `budget-${targetName}`;
      const md = join(dir, `${stem}.md`);
      const json = join(dir, `${stem}.json`);
      const out: OutputOptions = { force: opts.force, isOwnOutput: isBudgetFile };
      checkFileOutput(md, out);
      checkFileOutput(json, out);
      const names = targetName === 'all' ? listTargets() : [targetName];
      const budgets = [];
      for (const t of names) {
        const mismatch = targetName === 'all' ? cmsisTargetMismatch(m, loadTarget(t)) : null;
        if (mismatch) {
          ctx.log(`skipping ${t}: ${mismatch}`);
          continue;
        }
        ctx.log(`measuring ${t} ...`);
        budgets.push(await measureBudget(dir, t));
      }
      const table = formatBudgets(budgets);
      const data = `${JSON.stringify(budgets.length === 1 ? budgets[0] : budgets, null, 2)}\n`;
      writeFileAtomically(md, `${MD_HEADER}${m.name}\n\n${table}\n`, out);
      writeFileAtomically(json, data, out);
      ctx.out(`${opts.json ? data.trimEnd() : table}\n`);
    });
}
