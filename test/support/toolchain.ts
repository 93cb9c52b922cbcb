/** Whether the Cortex-M cross toolchain and QEMU are installed (tests that need them skip visibly). */
import { spawnSync } from 'node:child_process';
import { debianPackages } from '../../src/targets/targets.ts';

const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

export const HAS_CORTEX = has('arm-none-eabi-gcc') && has('qemu-system-arm');
export const CORTEX_SKIP_REASON = `arm-none-eabi-gcc or qemu-system-arm missing (apt-get install ${debianPackages(['arm-none-eabi-gcc', 'qemu-system-arm']).join(' ')})`;
