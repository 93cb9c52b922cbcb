/**
 * QUANTIZE between integer types. Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface QuantizeOps {}

export interface QuantizeSteps {}

export const quantize: OpFamily<QuantizeOps, QuantizeSteps> = { name: 'quantize', ops: {}, steps: {} };
