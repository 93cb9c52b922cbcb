/**
 * The fuzz harness on a fixed sample (src/fuzz, `npm run fuzz`): mutated .tflite files and model.json
 * folders, each compiled and, if it compiles, verified on the sanitized host build. Every input must
 * be refused with located diagnostics or verified bit-exact; anything else (crash, hang, bad C,
 * simulator error, mismatch, sanitizer finding, partial output, unlocated diagnostic) fails the test
 * with the case id, which `npm run fuzz -- --only <id>` reruns on its own.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseId, DEFAULT_MODELS, makeCase } from '../src/fuzz/cases.ts';
import { OK_CLASSES } from '../src/fuzz/classify.ts';
import { FUZZ_DIR, formatTable, runFuzz, scheduleIds } from '../src/fuzz/runner.ts';

/** Seed 7, the default schedule (a quarter model.json, the rest .tflite). */
const SAMPLE = scheduleIds({ count: 160, seed: 7 });

/**
 * Inputs the harness found failing, kept so that their fixes stay fixed: every failure of
 * `--count 600 --seed 1` on commit 94288b8 (97 inputs: crashes, simulator errors, bad C, sanitizer
 * findings, mismatches, a hang), by seed model and index, and later finds.
 */
const FAILED_BEFORE: Record<string, number[]> = {
  ad01_int8: [3, 111, 171, 411, 567, 591],
  keyword_scrambled_8bit: [17, 77, 89, 101, 125, 185, 269, 281, 293, 317, 353, 377, 425, 497, 557, 593],
  simple_add_model: [22, 46, 106, 142, 154, 166, 178, 190, 214, 226, 430, 598],
  micro_speech_quantized: [42, 210, 270, 342, 378, 390, 402, 522, 570, 582],
  network_tester_model: [50, 182, 206, 302, 314, 398, 446, 470, 494, 518, 554, 590],
  magic_wand_strokes_int8: [55, 103, 115, 127, 151, 187, 247, 367, 511, 547],
  hello_world_int8: [97, 133, 157, 229, 337, 373, 469, 481, 493],
  mnist_lstm_int8: [119, 239, 371, 419, 431, 467, 563, 587],
  har: [128, 368, 540, 568],
  classify_heartbeats_cnn_quantized: [153, 165, 177, 213, 273, 321, 357, 405, 573, 585],
};
const REGRESSIONS = [
  ...Object.entries(FAILED_BEFORE).flatMap(([model, indices]) => indices.map((i) => caseId(model, 1, i))),
  'magic_wand_strokes_int8@3.271', // the only input of a model marked is_variable: the planner placed no buffer for it
];

describe('fuzz harness', () => {
  it('regenerates a case byte for byte from its id', () => {
    for (const model of new Set(DEFAULT_MODELS)) {
      const id = caseId(model, 3, 17);
      const a = makeCase(id);
      const b = makeCase(id);
      expect(b.description).toBe(a.description);
      expect([...b.files.keys()]).toEqual([...a.files.keys()]);
      for (const [name, data] of a.files) expect(Buffer.from(b.files.get(name)!).equals(Buffer.from(data))).toBe(true);
    }
    expect(makeCase(caseId('hello_world_int8', 3, 18)).description).not.toBe(makeCase(caseId('hello_world_int8', 3, 17)).description);
  });

  it(`every one of ${SAMPLE.length + REGRESSIONS.length} mutants is refused with located diagnostics or verified bit-exact`, async () => {
    const report = await runFuzz({ count: 0, seed: 7, jobs: 2, only: [...SAMPLE, ...REGRESSIONS], inputs: 10, reportPath: join(FUZZ_DIR, 'report-test.json'), log: () => undefined });
    console.log(formatTable(report));
    const failures = report.cases.filter((c) => !OK_CLASSES.includes(c.class)).map((c) => `${c.id}: ${c.class}: ${c.first}${c.where ? ` (at ${c.where})` : ''} [${c.mutation}]`);
    expect(failures).toEqual([]);
    expect(report.cases.filter((c) => c.class === 'verified').length).toBeGreaterThan(0);
  }, 400_000);
});
