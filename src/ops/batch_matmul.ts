/**
 * BATCH_MATMUL (conformance only). Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface BatchMatmulOps {}

export interface BatchMatmulSteps {}

export const batchMatmul: OpFamily<BatchMatmulOps, BatchMatmulSteps> = { name: 'batch_matmul', ops: {}, steps: {} };
