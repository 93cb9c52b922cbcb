/** Seeded shuffling and sampling for training, on the project's xorshift32 (src/support/xorshift.ts). */
import { xorshift32 } from '../support/xorshift.ts';

/** Seeded permutation (xorshift32 Fisher-Yates): the same seed orders the same windows the same way on every machine. */
export function seededShuffle(n: number, seed: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  const next = xorshift32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx;
}

/** A seeded uniform [0, 1) stream (xorshift32), for initialisation and sampling. */
export function seededRandom(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 4294967296;
}
