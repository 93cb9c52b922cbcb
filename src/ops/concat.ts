/**
 * CONCATENATION. Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface ConcatOps {}

export interface ConcatSteps {}

export const concat: OpFamily<ConcatOps, ConcatSteps> = { name: 'concat', ops: {}, steps: {} };
