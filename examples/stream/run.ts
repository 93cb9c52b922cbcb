/**
 * Streaming inference on WISDM subject 1604's recording (README, "Streaming inference"): the HAR model
 * (examples/har/model) compiled with --stream 16, 32 and 64, and the TCN of examples/sequence/run.ts
 * (seeded, untrained weights, calibrated on WISDM windows) with --stream 32. Each is verified hop by
 * hop against the full-window model on the host and on Cortex-M4 in QEMU, and measured there:
 * executed instructions per output streaming and recomputing the full window, and the RAM each needs.
 *
 *   npx tsx examples/stream/run.ts [--hops 1000] [--m4-hops 1000] [--only har|tcn]
 *
 * Output folders: build/stream/<model>_<hop>/.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { quantizeValues } from '../../src/arith/tensor-quant.ts';
import { readManifest } from '../../src/formats/manifest.ts';
import { importLayersModel } from '../../src/import/tfjs.ts';
import { compileGraph, compileModelFile } from '../../src/pipeline/compile.ts';
import { measureBudget } from '../../src/report/budget.ts';
import { formatStreamBudget, measureStreamBudget, type StreamBudget } from '../../src/report/stream-budget.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { formatStreamReport, verifyStream } from '../../src/verify/stream.ts';
import { cortexTarget, hostTarget } from '../../src/verify/targets.ts';
import { harData } from '../har/train.ts';
import { subjectSignal, tcnModel } from './models.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const hostHops = Number(flag('--hops', '1000'));
const m4Hops = Number(flag('--m4-hops', '1000'));
const only = flag('--only', '');
const log = (s: string) => process.stdout.write(`${s}\n`);

interface Row {
  name: string;
  hop: number;
  host: string;
  m4: string;
  budget: StreamBudget;
}

/** Subject 1604 played until there are enough hops, quantized as the folder's input. */
function signalFor(dir: string, hop: number, hops: number): Int8Array {
  const m = readManifest(dir);
  const once = subjectSignal(1);
  const repeat = Math.ceil(((hops + m.stream!.fillHops) * hop * m.stream!.channels) / once.length);
  return quantizeValues(subjectSignal(repeat), m.input.scale, m.input.zeroPoint);
}

async function measure(name: string, dir: string, hop: number): Promise<Row> {
  const signal = signalFor(dir, hop, Math.max(hostHops, m4Hops));
  const host = await verifyStream(dir, hostTarget, { signal, outputs: hostHops, onProgress: log });
  log(formatStreamReport(host));
  const m4 = await verifyStream(dir, cortexTarget('cortex-m4'), { signal, outputs: m4Hops, onProgress: log });
  log(formatStreamReport(m4));
  const full = await measureBudget(dir, 'cortex-m4', { cycles: false });
  const budget = (await measureStreamBudget(dir, 'cortex-m4', full))!;
  log(formatStreamBudget(budget));
  return { name, hop, host: `${host.exact}/${host.outputs}`, m4: `${m4.exact}/${m4.outputs}`, budget };
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const rows: Row[] = [];
  if (!only || only === 'har') {
    for (const hop of [16, 32, 64]) {
      const dir = join(PACKAGE_ROOT, `build/stream/har_${hop}`);
      log(`\n== HAR, --stream ${hop} ==`);
      const model = join(PACKAGE_ROOT, 'examples/har/model');
      await compileModelFile(join(model, 'model.json'), join(model, 'calibration.f32'), { out: dir, name: 'har', force: true, stream: hop });
      rows.push(await measure('har', dir, hop));
    }
  }
  if (!only || only === 'tcn') {
    const dir = join(PACKAGE_ROOT, 'build/stream/wisdm_tcn_32');
    log('\n== TCN (causal dilated convolutions 1-2-4-8), --stream 32 ==');
    await compileGraph(importLayersModel(tcnModel(), 'wisdm_tcn/model.json'), harData(1).calibration, { out: dir, name: 'wisdm_tcn', force: true, stream: 32 });
    rows.push(await measure('tcn', dir, 32));
  }
  log('\n== summary (Cortex-M4 in QEMU: executed instructions, not cycles; subject 1604, consecutive hops) ==');
  log('model  hop  host bit-exact  M4 bit-exact  instr/output stream  instr/output full  ratio  state B  extra RAM B');
  for (const r of rows) {
    const i = r.budget.instructions;
    log(
      `${r.name.padEnd(5)} ${String(r.hop).padStart(4)}  ${r.host.padStart(14)}  ${r.m4.padStart(12)}  ${i.perPush.mean.toLocaleString('en-US').padStart(19)}  ${(i.fullPerOutput ?? 0).toLocaleString('en-US').padStart(17)}  ${(i.perPush.mean / (i.fullPerOutput ?? 1)).toFixed(3).padStart(5)}  ${String(r.budget.ram.state).padStart(7)}  ${String(r.budget.ram.extra).padStart(11)}`,
    );
  }
  const exact = (s: string) => s.split('/')[0] === s.split('/')[1];
  if (rows.some((r) => !exact(r.host) || !exact(r.m4))) process.exitCode = 1;
}

await main();
