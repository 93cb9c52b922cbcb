/** `npm run bench`: prints measured figures (throughput is wall-clock; sizes are exact). */
import { benchKernels } from './kernels.ts';

const rows = benchKernels();
console.log('kernel throughput (TS simulator vs portable C, host gcc -O2), M MAC/s:');
console.log(`${'shape'.padEnd(44)}${'TS'.padStart(10)}${'C'.padStart(10)}${'TS/C'.padStart(8)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(44)}${(r.tsMacPerSec / 1e6).toFixed(0).padStart(10)}${(r.cMacPerSec / 1e6).toFixed(0).padStart(10)}${(r.tsMacPerSec / r.cMacPerSec).toFixed(2).padStart(8)}`);
}
