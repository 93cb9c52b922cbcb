/**
 * `npm run bench`: prints measured figures. Kernel throughput is wall-clock (varies with the machine
 * and its load); sizes and executed-instruction counts (QEMU -icount) are exact and repeatable.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/support/paths.ts';
import { measureBudget } from '../src/report/budget.ts';
import { listRunnableTargets } from '../src/targets/targets.ts';
import { benchKernels } from './kernels.ts';
import { benchKernelChoices, type ChosenFolder } from './kernel-choices.ts';

const rows = benchKernels();
console.log('kernel throughput (TS simulator vs portable C, host gcc -O2), M MAC/s:');
console.log(`${'shape'.padEnd(44)}${'TS'.padStart(10)}${'C'.padStart(10)}${'TS/C'.padStart(8)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(44)}${(r.tsMacPerSec / 1e6).toFixed(0).padStart(10)}${(r.cMacPerSec / 1e6).toFixed(0).padStart(10)}${(r.tsMacPerSec / r.cMacPerSec).toFixed(2).padStart(8)}`);
}

// Training: one epoch of the HAR example with tfjs's stock CPU kernels first (registering ours is
// process-wide), then three with the toolchain's kernels.
{
  const { trainHar } = await import('../examples/har/train.ts');
  const stock = await trainHar({ epochs: 1, stockKernels: true });
  const fast = await trainHar({ epochs: 3 });
  console.log('\nHAR training epoch (880 windows, batch 32, tfjs CPU backend):');
  console.log(
    `  stock kernels ${stock.secondsPerEpoch.toFixed(2)} s/epoch, edgec kernels ${fast.secondsPerEpoch.toFixed(2)} s/epoch: ${(stock.secondsPerEpoch / fast.secondsPerEpoch).toFixed(1)}x faster`,
  );
}

// Training sequence models on WISDM: one epoch each, stock and edgec kernels each in a fresh process
// (bench/sequence-training.ts), so neither inherits the other's kernels or warmed-up code.
{
  const { SEQUENCE_BENCH_MODELS, timeSequenceEpochInChild } = await import('./sequence-training.ts');
  const labels: Record<keyof typeof SEQUENCE_BENCH_MODELS, string> = {
    gru: 'GRU 24 (avg pool 4)',
    lstm: 'LSTM 24 (avg pool 4)',
    tcn: 'TCN 4 x causal conv 16, k3, d1-8',
  };
  console.log('\nSequence model training epoch (WISDM, 880 windows, batch 32, tfjs CPU backend, a fresh process each):');
  for (const kind of Object.keys(labels) as (keyof typeof labels)[]) {
    const stock = timeSequenceEpochInChild(kind, 'stock');
    const fast = timeSequenceEpochInChild(kind, 'fast');
    console.log(`  ${labels[kind].padEnd(34)} stock ${stock.toFixed(2).padStart(6)} s/epoch, edgec ${fast.toFixed(2).padStart(5)} s/epoch: ${(stock / fast).toFixed(1)}x faster`);
  }
}

const hasCortex = ['arm-none-eabi-gcc', 'qemu-system-arm'].every((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
if (!hasCortex) {
  console.log('\nHAR on Cortex-M: skipped (arm-none-eabi-gcc or qemu-system-arm missing)');
} else {
  console.log('\nHAR example (generated/har), portable kernels, per inference (instructions are executed instructions, not cycles):');
  console.log(`${'target'.padEnd(12)}${'instructions'.padStart(14)}${'arena B'.padStart(10)}${'stack B'.padStart(10)}${'code B'.padStart(10)}${'weights B'.padStart(11)}`);
  for (const t of listRunnableTargets()) {
    const b = await measureBudget(join(PACKAGE_ROOT, 'generated/har'), t);
    console.log(
      `${t.padEnd(12)}${String(b.instructions.total).padStart(14)}${String(b.ram.arena).padStart(10)}${String(b.ram.stack).padStart(10)}${String(b.flash.code).padStart(10)}${String(b.flash.weights).padStart(11)}`,
    );
  }
}

/** design.md §7: TFLite Micro + CMSIS-NN on Cortex-M4 (-O2), xorshift32 input, from zero state. */
const TFLM: Record<string, { instructions: number; arena: number; code: number }> = {
  kws_ref_model_int8: { instructions: 7697584, arena: 22820, code: 102621 },
  resnet8_ic_int8: { instructions: 29864720, arena: 54996, code: 96839 },
  micro_speech_quantized: { instructions: 1495573, arena: 6836, code: 73672 },
  magic_wand_strokes_int8: { instructions: 1889059, arena: 9316, code: 84398 },
  classify_heartbeats_cnn_quantized: { instructions: 614974, arena: 5904, code: 106815 },
  ad01_int8: { instructions: 583411, arena: 2580, code: 44906 },
  mnist_lstm_int8: { instructions: 575106, arena: 4052, code: 70355 },
  dtln_noise_suppression_int8: { instructions: 748854, arena: 14356, code: 64759 },
};

if (hasCortex) {
  const { importTflite } = await import('../src/import/tflite.ts');
  const { emitModelFolder } = await import('../src/codegen/emit-folder.ts');
  const { deserializeGraph } = await import('../src/ir/serialize.ts');
  const { cmsisNnMissingReason } = await import('../src/toolchain/cmsis-nn.ts');
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const work = mkdtempSync(join(tmpdir(), 'edgec-bench-'));
  const noCmsis = cmsisNnMissingReason();
  const backends = noCmsis ? (['portable'] as const) : (['portable', 'cmsis-nn'] as const);
  console.log(
    '\nOn cortex-m4, per inference from zero state, xorshift32 input: executed instructions (not cycles), RAM (arena + LSTM state; TFLite Micro keeps state in its arena) and code bytes (without weights).',
  );
  console.log('Ratios are ours / TFLite Micro + CMSIS-NN (design.md §7); below 1.00 is better.');
  if (noCmsis) console.log(`cmsis-nn backend: not measured (${noCmsis})`);
  const cols = (label: string) => `${label.padEnd(10)}${'instructions'.padStart(13)}${'ratio'.padStart(7)}${'RAM B'.padStart(9)}${'ratio'.padStart(7)}${'code B'.padStart(8)}${'ratio'.padStart(7)}`;
  console.log(`${'model'.padEnd(36)}${cols('backend')}`);
  const models: [string, () => import('../src/ir/graph.ts').Graph][] = [
    ['har (generated/har)', () => deserializeGraph(readFileSync(join(PACKAGE_ROOT, 'generated/har/graph.json'), 'utf8'), 'generated/har/graph.json')],
    // keyword_scrambled (SVDF) has no TFLite Micro figure in design.md §7; it is here for the kernel choices below.
    ...[...Object.keys(TFLM), 'keyword_scrambled_8bit'].map(
      (name) => [name, () => importTflite(join(PACKAGE_ROOT, 'test/models', `${name}.tflite`))] as [string, () => import('../src/ir/graph.ts').Graph],
    ),
  ];
  const chosen: ChosenFolder[] = [];
  for (const [name, load] of models) {
    let g: import('../src/ir/graph.ts').Graph;
    try {
      g = load();
    } catch (e) {
      console.log(
        `${name.padEnd(36)}not importable yet: ${(e as Error).message
          .split('\n')[0]!
          .replace(/^error \S+ \[import\] \S+ /, '')
          .slice(0, 80)}`,
      );
      continue;
    }
    const ref = TFLM[name];
    for (const backend of backends) {
      const dir = join(work, `${name.replace(/\W/g, '_')}-${backend}`);
      await emitModelFolder(g, dir, { backend, target: 'cortex-m4' });
      const b = await measureBudget(dir, 'cortex-m4');
      if (backend === 'cmsis-nn') chosen.push({ name, graph: g, dir, budget: b });
      const r = (x: number, y: number | undefined) => (y ? (x / y).toFixed(2) : '-').padStart(7);
      console.log(
        `${(backend === 'portable' ? name : '').padEnd(36)}${backend.padEnd(10)}${String(b.instructions.total).padStart(13)}${r(b.instructions.total!, ref?.instructions)}${String(b.ram.arena + b.ram.state).padStart(9)}${r(b.ram.arena + b.ram.state, ref?.arena)}${String(b.flash.code).padStart(8)}${r(b.flash.code, ref?.code)}`,
      );
    }
  }
  if (!noCmsis) await benchKernelChoices(chosen, work);
}
