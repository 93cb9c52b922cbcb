/**
 * `npm run fuzz -- --count N --seed S [--jobs J] [--models a,b] [--keep DIR] [--only ID[,ID]] [--inputs N]`
 *
 * Mutates the seed models, compiles every mutant, verifies what compiles on the sanitized host
 * build, and prints one class per input (see classify.ts), a table, and the JSON report's path.
 * Exit code 1 when any input is neither refused nor verified.
 */
import { Command } from 'commander';
import { DEFAULT_MODELS } from './cases.ts';
import { OK_CLASSES } from './classify.ts';
import { DEFAULT_LIMITS, FUZZ_DIR, formatTable, runFuzz } from './runner.ts';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, not '${v}'`);
  return n;
};

const program = new Command('fuzz')
  .description('deterministic fuzzing of the compiler with mutated .tflite and model.json inputs')
  .option('--count <n>', 'number of inputs', int('count'), 100)
  .option('--seed <n>', 'seed of the mutations', int('seed'), 1)
  .option('--jobs <n>', 'worker processes', int('jobs'), 2)
  .option('--models <list>', `seed models in schedule order (default ${[...new Set(DEFAULT_MODELS)].join(',')})`)
  .option('--keep <dir>', 'save failing inputs (and how to reproduce them) in this folder')
  .option('--only <ids>', 'run only these case ids (comma-separated, e.g. hello_world_int8@1.42)')
  .option('--inputs <n>', 'host inputs compared per compiled case', int('inputs'), 10)
  .option('--compile-timeout <s>', 'seconds per compile', int('compile-timeout'), DEFAULT_LIMITS.compileMs / 1000)
  .option('--verify-timeout <s>', 'seconds per verify (build + runs)', int('verify-timeout'), DEFAULT_LIMITS.verifyMs / 1000)
  .option('--memory <mb>', "cap on a worker's resident memory (its V8 heap gets two thirds)", int('memory'), DEFAULT_LIMITS.rssCapMb)
  .option('--report <path>', `JSON report (default ${FUZZ_DIR}/report-<seed>.json)`)
  .parse(process.argv);

const o = program.opts<{
  count: number;
  seed: number;
  jobs: number;
  models?: string;
  keep?: string;
  only?: string;
  inputs: number;
  compileTimeout: number;
  verifyTimeout: number;
  memory: number;
  report?: string;
}>();
const report = await runFuzz({
  count: o.count,
  seed: o.seed,
  jobs: Math.max(1, o.jobs),
  ...(o.models ? { models: o.models.split(',').filter(Boolean) } : {}),
  ...(o.only ? { only: o.only.split(',').filter(Boolean) } : {}),
  ...(o.keep ? { keep: o.keep } : {}),
  inputs: o.inputs,
  limits: { compileMs: o.compileTimeout * 1000, verifyMs: o.verifyTimeout * 1000, rssCapMb: o.memory, heapMb: Math.max(64, Math.round((o.memory * 2) / 3)) },
  ...(o.report ? { reportPath: o.report } : {}),
});
process.stdout.write(`${formatTable(report)}\n`);
process.exitCode = report.cases.every((c) => OK_CLASSES.includes(c.class)) ? 0 : 1;
