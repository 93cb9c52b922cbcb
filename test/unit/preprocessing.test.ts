/**
 * `edgecPreprocessing` (tfjs model.json) and `meta.preprocessing` (graph.json) are input: each field is
 * checked and a bad one is a located E-PREPROCESSING error, never text copied into a README.
 */
import { describe, expect, it } from 'vitest';
import { parsePreprocessing } from '../../src/formats/preprocessing.ts';
import { EdgecError } from '../../src/support/diagnostics.ts';

const GOOD = { sampleRateHz: 50, channels: ['ax', 'ay'], normalization: { mean: [0.5, -1], std: [2, 3] }, description: 'wrist PPG' };

function errorOf(v: unknown): { code: string; field?: string } {
  try {
    parsePreprocessing(v, 'model.json');
  } catch (e) {
    if (!(e instanceof EdgecError)) throw e;
    const d = e.diagnostics[0]!;
    return { code: d.code, field: d.location?.field };
  }
  throw new Error('accepted');
}

describe('preprocessing metadata', () => {
  it('keeps a valid record and its absence', () => {
    expect(parsePreprocessing(GOOD, 'model.json')).toEqual(GOOD);
    expect(parsePreprocessing(undefined, 'model.json')).toBeUndefined();
  });

  for (const [what, value, field] of [
    ['not an object', 'fast', 'edgecPreprocessing'],
    ['a negative sample rate', { sampleRateHz: -1 }, 'edgecPreprocessing.sampleRateHz'],
    ['a sample rate that is not a number', { sampleRateHz: '20' }, 'edgecPreprocessing.sampleRateHz'],
    ['channel names that are not strings', { channels: [1, 2] }, 'edgecPreprocessing.channels'],
    ['a channel name of 65 characters', { channels: ['x'.repeat(65)] }, 'edgecPreprocessing.channels'],
    ['a NaN mean', { normalization: { mean: [Number.NaN], std: [1] } }, 'edgecPreprocessing.normalization.mean'],
    ['a zero standard deviation', { normalization: { mean: [0], std: [0] } }, 'edgecPreprocessing.normalization.std'],
    ['means and deviations of different lengths', { normalization: { mean: [0, 1], std: [1] } }, 'edgecPreprocessing.normalization'],
    ['a normalisation for other channels', { channels: ['a'], normalization: { mean: [0, 1], std: [1, 1] } }, 'edgecPreprocessing.normalization'],
    ['a description of 401 characters', { description: 'd'.repeat(401) }, 'edgecPreprocessing.description'],
  ] as const) {
    it(`refuses ${what}, naming the field`, () => {
      expect(errorOf(value)).toEqual({ code: 'E-PREPROCESSING', field });
    });
  }
});
