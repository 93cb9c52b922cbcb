/**
 * edgec as a library. The pipeline in order:
 *   import -> passes -> quantize -> simulate -> plan -> codegen -> toolchain -> verify -> report
 * The CLI (src/cli) only wraps these entry points.
 */
export * from './support/diagnostics.ts';
export * from './arith/fixedpoint.ts';
export { runConformance } from './cli/conformance.ts';
export { loadSuite, runTsBackend, runCBackend, formatReport } from './conformance/run.ts';
export { VERSION } from './support/version.ts';
export { quantizeValues, dequantizeValues } from './arith/tensor-quant.ts';
export { simulateFolder, simulateGraph, simulateLowered, loadFolderGraph } from './sim/int8.ts';
export { compileGraph, compileModelFile, readCalibrationFile } from './pipeline/compile.ts';
export { importTfjsModel, importLayersModel } from './import/tfjs.ts';
export { importModelFile, isFloatGraph } from './import/model-file.ts';
export { importTflite } from './import/tflite.ts';
export { detectModelFormat, type ModelFormat } from './formats/detect.ts';
export { saveModelToDir } from './import/tfjs-io.ts';
export { runPasses, PASSES } from './passes/index.ts';
export { quantizeGraph, calibrateGraph, quantizeCalibrated } from './quantize/quantize-graph.ts';
export { lowerGraph } from './lower/lower.ts';
export { emitModelFolder } from './codegen/emit-folder.ts';
export { planGraph, planMemory, formatPlan } from './plan/index.ts';
export { verifyFolder, formatVerifyReport } from './verify/verify.ts';
export { hostTarget, cortexTarget, runTarget } from './verify/targets.ts';
export { measureBudget, formatBudgets } from './report/budget.ts';
export type { Graph, Op, Tensor } from './ir/graph.ts';
export * from './train/index.ts';
export * from './data/index.ts';
