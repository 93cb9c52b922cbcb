/** `--target` on the command line: its help text from targets/*.json, and what a folder's recorded core means for a run. */
import type { Manifest } from '../formats/manifest.ts';
import { fail } from '../support/diagnostics.ts';
import { targetFit } from '../targets/fit.ts';
import { HOST, listTargets, loadTarget } from '../targets/targets.ts';
import type { CliContext } from './options.ts';

export function targetHelp(what: string): string {
  return `${what}: ${HOST}, or a Cortex-M target (${listTargets().join(', ')})`;
}

/**
 * Before building a folder for a Cortex-M core: refuse what cannot be right there (a cmsis-nn folder
 * sized for another CMSIS-NN path), explain a core other than the one the folder records.
 */
export function checkTargetFit(ctx: CliContext, dir: string, m: Manifest, targetName: string): void {
  if (targetName === HOST) return;
  const fit = targetFit(m, loadTarget(targetName));
  if (fit && 'refused' in fit) fail('E-CMSIS-NN-TARGET', 'toolchain', fit.refused, { file: dir });
  if (fit) ctx.log(`note: ${fit.note}`);
}
