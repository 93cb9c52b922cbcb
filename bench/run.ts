/**
 * `npm run bench`: prints measured figures. Kernel throughput is wall-clock (varies with the machine
 * and its load); sizes and executed-instruction counts (QEMU -icount) are exact and repeatable.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/paths.ts';
import { measureBudget } from '../src/report/budget.ts';
import { benchKernels } from './kernels.ts';

const rows = benchKernels();
console.log('kernel throughput (TS simulator vs portable C, host gcc -O2), M MAC/s:');
console.log(`${'shape'.padEnd(44)}${'TS'.padStart(10)}${'C'.padStart(10)}${'TS/C'.padStart(8)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(44)}${(r.tsMacPerSec / 1e6).toFixed(0).padStart(10)}${(r.cMacPerSec / 1e6).toFixed(0).padStart(10)}${(r.tsMacPerSec / r.cMacPerSec).toFixed(2).padStart(8)}`);
}

const hasCortex = ['arm-none-eabi-gcc', 'qemu-system-arm'].every((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
if (!hasCortex) {
  console.log('\nHAR on Cortex-M: skipped (arm-none-eabi-gcc or qemu-system-arm missing)');
} else {
  console.log('\nHAR example (generated/har), portable kernels, per inference (instructions are executed instructions, not cycles):');
  console.log(`${'target'.padEnd(12)}${'instructions'.padStart(14)}${'arena B'.padStart(10)}${'stack B'.padStart(10)}${'code B'.padStart(10)}${'weights B'.padStart(11)}`);
  for (const t of ['cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55', 'cortex-m3']) {
    const b = await measureBudget(join(PACKAGE_ROOT, 'generated/har'), t);
    console.log(`${t.padEnd(12)}${String(b.instructions.total).padStart(14)}${String(b.ram.arena).padStart(10)}${String(b.ram.stack).padStart(10)}${String(b.flash.code).padStart(10)}${String(b.flash.weights).padStart(11)}`);
  }
}
