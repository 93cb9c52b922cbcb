/**
 * The conformance table's contract: one adapter per (op, activation dtype) family maps a case's
 * fields onto a TS reference kernel call (`runTs`) and onto the same call into the portable C
 * kernels (`emitC`). Every backend runs every case from the same case data.
 */
import type { CaseReader } from './case.ts';
import type { CCaseBuilder } from './cemit.ts';
import type { CmsisPath } from '../codegen/cmsis-nn/buffer-sizes.ts';

export interface OpAdapter {
  /** The case's `op` field, e.g. "conv2d". */
  op: string;
  /** The case `act_dtype` values this adapter handles, e.g. ["s8", "s8w4"]. */
  actDtypes: readonly string[];
  /** Runs the case on the TS reference kernels; returns values in expected_output's dtype. */
  runTs(r: CaseReader): ArrayLike<number>;
  /** Declares the case's arrays and the portable kernel call that fills the output. */
  emitC(r: CaseReader, b: CCaseBuilder): void;
  /** The same case as a call into CMSIS-NN built for `path` (absent: CMSIS-NN has no such kernel). */
  emitCmsis?(r: CaseReader, b: CCaseBuilder, path: CmsisPath): void;
}
