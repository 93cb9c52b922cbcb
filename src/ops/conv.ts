/**
 * CONV_2D, DEPTHWISE_CONV_2D, transposed convolution. Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface ConvOps {}

export interface ConvSteps {}

export const conv: OpFamily<ConvOps, ConvSteps> = { name: 'conv', ops: {}, steps: {} };
