/**
 * SOFTMAX (int8 out, int16 out). Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface SoftmaxOps {}

export interface SoftmaxSteps {}

export const softmax: OpFamily<SoftmaxOps, SoftmaxSteps> = { name: 'softmax', ops: {}, steps: {} };
