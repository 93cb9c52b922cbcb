/**
 * FULLY_CONNECTED / Dense. Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface FullyConnectedOps {}

export interface FullyConnectedSteps {}

export const fullyConnected: OpFamily<FullyConnectedOps, FullyConnectedSteps> = { name: 'fully_connected', ops: {}, steps: {} };
