/**
 * Where CMSIS-NN is: a checkout named by CMSIS_NN_DIR (never part of this project; design.md §4).
 * Compiling for the cmsis-nn backend asks early, so a folder nobody can build is never written.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fail } from '../support/diagnostics.ts';

export const CMSIS_NN_ENV = 'CMSIS_NN_DIR';
const MARKER = join('Include', 'arm_nnfunctions.h');

/** Why CMSIS-NN cannot be used here, or null when `CMSIS_NN_DIR` names a usable checkout. */
export function cmsisNnMissingReason(): string | null {
  const dir = process.env[CMSIS_NN_ENV];
  if (!dir) return `${CMSIS_NN_ENV} is not set (point it at a checkout of https://github.com/ARM-software/CMSIS-NN)`;
  if (!existsSync(join(dir, MARKER))) return `${CMSIS_NN_ENV}=${dir} is not a CMSIS-NN checkout (no ${MARKER})`;
  return null;
}

/** The CMSIS-NN checkout, or a clear E-CMSIS-NN error naming the variable. */
export function cmsisNnDir(): string {
  const why = cmsisNnMissingReason();
  if (why) fail('E-CMSIS-NN', 'toolchain', `the cmsis-nn backend needs CMSIS-NN: ${why}`);
  return resolve(process.env[CMSIS_NN_ENV]!);
}
