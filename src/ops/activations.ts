/**
 * LOGISTIC, TANH, standalone ReLU (float graphs). Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface ActivationsOps {}

export interface ActivationsSteps {}

export const activations: OpFamily<ActivationsOps, ActivationsSteps> = { name: 'activations', ops: {}, steps: {} };
