/**
 * edgec as a library. The pipeline in order:
 *   import -> passes -> quantize -> simulate -> plan -> codegen -> toolchain -> verify -> report
 * The CLI (src/cli) only wraps these entry points.
 */
export * from './diagnostics.ts';
export * from './quantize/fixedpoint.ts';
export { runConformance } from './cli/conformance.ts';
export { loadSuite, runTsBackend, runCBackend, formatReport } from './conformance/run.ts';
export { VERSION } from './version.ts';
