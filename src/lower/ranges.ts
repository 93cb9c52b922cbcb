/**
 * Every multiplier and shift the lowering computed, held to the range TFLite's own kernels accept
 * before any C sees it: a quantized multiplier is in [0, 2^31) and its shift in [-31, 30] (what
 * MultiplyByQuantizedMultiplier is defined for; a left shift of 31 or more, or a right shift past 31,
 * is undefined behaviour in C), unless the step's family declares another range (softmax's and the
 * int8 LOGISTIC/TANH input stages take left shifts in [0, 30]). Each family lists its step's
 * requantizers (StepDef.requantizers); a model whose scales give anything else is refused, its layer named.
 */
import type { Diagnostic } from '../support/diagnostics.ts';
import { stepDef, type Step } from '../ops/registry.ts';

const INT32_MAX = 2147483647;

export function checkStepRanges(steps: readonly Step[], file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of steps) {
    for (const r of stepDef(s.kind)?.requantizers?.(s) ?? []) {
      const [lo, hi] = r.shiftRange ?? [-31, 30];
      const okMultiplier = Number.isInteger(r.multiplier) && r.multiplier >= 0 && r.multiplier <= INT32_MAX;
      const okShift = Number.isInteger(r.shift) && r.shift >= lo && r.shift <= hi;
      if (okMultiplier && okShift) continue;
      out.push({
        code: 'E-LOWER-RANGE',
        stage: 'codegen',
        message: `${r.name}: multiplier ${r.multiplier} and shift ${r.shift} are outside what TFLite's kernels accept (multiplier in [0, 2^31), shift in [${lo}, ${hi}]); the layer's quantization scales are out of range`,
        location: { file, layer: s.op.name },
      });
    }
  }
  return out;
}
