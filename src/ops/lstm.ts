/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM. Still served by the legacy tables (src/codegen, src/sim, src/import, src/conformance/ops)
 * until this family declares its parts here.
 */
import type { OpFamily } from './contract.ts';

export interface LstmOps {}

export interface LstmSteps {}

export const lstm: OpFamily<LstmOps, LstmSteps> = { name: 'lstm', ops: {}, steps: {} };
