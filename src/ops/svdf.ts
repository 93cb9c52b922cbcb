/**
 * SVDF. Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface SvdfOps {}

export interface SvdfSteps {}

export const svdf: OpFamily<SvdfOps, SvdfSteps> = { name: 'svdf', ops: {}, steps: {} };
