/**
 * Generated code calls "folded" kernels (input offset folded into the bias by the compiler) where the
 * interchangeable, CMSIS-NN-shaped kernel would take raw offsets. A conformance case runs both: the
 * interchangeable kernel's bytes are compared with the expected output as usual, and the folded call,
 * given the kernel sums the compiler would emit, must give the very same bytes, or the case fails.
 */
import type { CCaseBuilder } from './cemit.ts';

export const FOLDED_MISMATCH_STATUS = 1001;
export const FOLDED_MISMATCH_MESSAGE = 'the folded kernel that generated code calls gives other bytes than the interchangeable kernel';

/** `call(out)` is the folded kernel's C call writing to `out`; run after the interchangeable one. */
export function checkFolded(b: CCaseBuilder, output: string, outLen: number, call: (out: string) => string): void {
  const folded = b.mutableArray('output_folded', 'int8_t', outLen);
  b.stmt(`if (status == 0) status = ${call(folded)};`);
  compareFolded(b, output, folded, outLen);
}

/** The case fails when the folded kernel's output array differs from the interchangeable kernel's. */
export function compareFolded(b: CCaseBuilder, output: string, folded: string, outLen: number): void {
  b.stmt(`for (int32_t i = 0; i < ${outLen}; i++) if (${folded}[i] != ${output}[i]) status = ${FOLDED_MISMATCH_STATUS};`);
}
