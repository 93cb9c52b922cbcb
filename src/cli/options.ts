/**
 * Option values, checked where they are parsed: each bad value is one located diagnostic
 * (E-CLI-OPTION, the option as the field), never a NaN or an exception further down.
 */
import type { Command } from 'commander';
import { fail } from '../support/diagnostics.ts';

/** What the commands write to, so `main` can run in-process in tests. */
export interface CliContext {
  out(text: string): void;
  /** One line on stderr (progress, notices). */
  log(line: string): void;
  /** The command's exit code when it ends normally (0 unless set, e.g. verify found mismatches). */
  exitCode: number;
}

const bad = (option: string, message: string): never => fail('E-CLI-OPTION', 'cli', message, { field: option });

/** A whole number written in decimal digits (no sign, exponent, hex or blanks), within [min, max]. */
export function parseInteger(value: string, option: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    bad(option, `${option} must be a whole number${min === 1 ? ' above 0' : min === 0 ? '' : ` of at least ${min}`}${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, not '${value}'`);
  }
  return n;
}

/** A positive decimal number (e.g. seconds), at most max. */
export function parsePositive(value: string, option: string, max: number): number {
  const n = /^(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : NaN;
  if (!(n > 0 && n <= max)) bad(option, `${option} must be a number above 0 and up to ${max}, not '${value}'`);
  return n;
}

export function parseChoice<T extends string>(value: string, option: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) bad(option, `${option} must be one of ${choices.join(', ')}, not '${value}'`);
  return value as T;
}

export function parseRegex(value: string, option: string): RegExp {
  try {
    return new RegExp(value);
  } catch (e) {
    return bad(option, `${option} is not a valid regular expression: ${(e as Error).message}`);
  }
}

/** A target name: one of targets/*.json (and 'host' or 'all' where the command takes them). */
export async function parseTarget(value: string, option: string, extra: readonly string[]): Promise<string> {
  const { listTargets } = await import('../toolchain/cortex-m.ts');
  const names = [...extra, ...listTargets()];
  if (!names.includes(value)) fail('E-TARGET', 'cli', `unknown target '${value}'; available: ${names.join(', ')}`, { field: option });
  return value;
}

/** Whether the user gave the option on the command line (not its default). */
export function given(cmd: Command, key: string): boolean {
  return cmd.getOptionValueSource(key) === 'cli';
}

/** An option that does not apply to what was asked. */
export function notApplicable(option: string, why: string): never {
  return fail('E-CLI-OPTION', 'cli', `${option} does not apply: ${why}`, { field: option });
}
