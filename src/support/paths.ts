/** Locations inside the installed package (templates, targets, bundled data), independent of cwd. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
export const PORTABLE_KERNELS_DIR = join(TEMPLATES_DIR, 'kernels', 'portable');
export const CMSIS_GLUE_DIR = join(TEMPLATES_DIR, 'kernels', 'cmsis-nn');
export const HARNESS_DIR = join(TEMPLATES_DIR, 'harness');
export const DEFAULT_SUITE_DIR = join(PACKAGE_ROOT, 'test', 'conformance', 'cmsis-nn');
export const BUILD_DIR = join(PACKAGE_ROOT, 'build');
