/** The cycle model of each core edgec targets (targets/*.json names them). */
import { fail } from '../../support/diagnostics.ts';
import type { CoreModel } from './model.ts';
import { CORTEX_M7, CORTEX_M55 } from './model-approx.ts';
import { CORTEX_M0PLUS } from './model-m0plus.ts';
import { CORTEX_M3, CORTEX_M4, CORTEX_M33 } from './model-v7m.ts';

const MODELS: Record<string, CoreModel> = {
  'cortex-m0plus': CORTEX_M0PLUS,
  'cortex-m3': CORTEX_M3,
  'cortex-m4': CORTEX_M4,
  'cortex-m7': CORTEX_M7,
  'cortex-m33': CORTEX_M33,
  'cortex-m55': CORTEX_M55,
};

export function listCycleModels(): string[] {
  return Object.keys(MODELS);
}

export function coreModel(core: string, field = '--core'): CoreModel {
  const m = MODELS[core];
  if (!m) fail('E-CLI-OPTION', 'cli', `no cycle model for ${JSON.stringify(core)}: one of ${listCycleModels().join(', ')}`, { field });
  return m;
}
