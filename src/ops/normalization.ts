/**
 * batch normalization (float graphs; folded by a pass). Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface NormalizationOps {}

export interface NormalizationSteps {}

export const normalization: OpFamily<NormalizationOps, NormalizationSteps> = { name: 'normalization', ops: {}, steps: {} };
