/**
 * STRIDED_SLICE. Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface StridedSliceOps {}

export interface StridedSliceSteps {}

export const stridedSlice: OpFamily<StridedSliceOps, StridedSliceSteps> = { name: 'strided_slice', ops: {}, steps: {} };
