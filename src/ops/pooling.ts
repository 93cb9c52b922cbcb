/**
 * MAX_POOL_2D, AVERAGE_POOL_2D, MEAN over H and W; global pooling. Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface PoolingOps {}

export interface PoolingSteps {}

export const pooling: OpFamily<PoolingOps, PoolingSteps> = { name: 'pooling', ops: {}, steps: {} };
