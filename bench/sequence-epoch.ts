/** Child process of bench/sequence-training.ts: `sequence-epoch.ts <gru|lstm|tcn> <stock|fast>` prints the seconds of one epoch. */
import { SEQUENCE_BENCH_MODELS, type KernelSet, type SequenceBenchModel, timeSequenceEpoch } from './sequence-training.ts';

const [kind, kernels] = process.argv.slice(2);
if (!(kind! in SEQUENCE_BENCH_MODELS) || (kernels !== 'stock' && kernels !== 'fast')) throw new Error('usage: sequence-epoch.ts <gru|lstm|tcn> <stock|fast>');
console.log(await timeSequenceEpoch(kind as SequenceBenchModel, kernels as KernelSet));
