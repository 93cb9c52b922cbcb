/** `make golden` step: rewrites test/golden/codegen.json (needs CMSIS_NN_DIR for the CMSIS-NN entries). */
import { writeFileSync } from 'node:fs';
import { cmsisNnMissingReason } from '../../src/toolchain/cmsis-nn.ts';
import { codegenHashes, GOLDEN_FILE, VARIANTS } from './codegen.ts';

const missing = cmsisNnMissingReason();
if (missing) {
  process.stderr.write(`test/golden/codegen.json not rewritten: the CMSIS-NN entries need CMSIS_NN_DIR (${missing})\n`);
  process.exit(1);
}
const hashes = await codegenHashes(VARIANTS);
writeFileSync(GOLDEN_FILE, `${JSON.stringify(hashes, null, 1)}\n`);
process.stderr.write(`wrote ${Object.keys(hashes).length} hashes to ${GOLDEN_FILE}\n`);
