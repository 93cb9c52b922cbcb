/**
 * RESHAPE, SQUEEZE, EXPAND_DIMS, Flatten, identities. Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface ReshapeOps {}

export interface ReshapeSteps {}

export const reshape: OpFamily<ReshapeOps, ReshapeSteps> = { name: 'reshape', ops: {}, steps: {} };
