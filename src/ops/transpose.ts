/**
 * TRANSPOSE. Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface TransposeOps {}

export interface TransposeSteps {}

export const transpose: OpFamily<TransposeOps, TransposeSteps> = { name: 'transpose', ops: {}, steps: {} };
