/** Whether the Cortex-M cross toolchain and QEMU are installed (tests that need them skip visibly). */
import { spawnSync } from 'node:child_process';

const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

export const HAS_CORTEX = has('arm-none-eabi-gcc') && has('qemu-system-arm');
export const CORTEX_SKIP_REASON = 'arm-none-eabi-gcc or qemu-system-arm missing (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)';
