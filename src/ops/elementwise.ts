/**
 * ADD (and the conformance-only MUL, MAXIMUM/MINIMUM kernels). Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface ElementwiseOps {}

export interface ElementwiseSteps {}

export const elementwise: OpFamily<ElementwiseOps, ElementwiseSteps> = { name: 'elementwise', ops: {}, steps: {} };
