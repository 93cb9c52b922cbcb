/**
 * What the tfjs importer supports, checked before anything is converted so that every problem of a
 * model is reported at once (one EdgecError, one diagnostic per layer and reason):
 *   - on model.json (`checkRawLayers`), before tfjs builds the model, so a layer class tfjs itself
 *     cannot build is still listed with all the others;
 *   - on a LayersModel (`checkLayersModel`), for models built in memory, with the input ranks known.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Diagnostic } from '../support/diagnostics.ts';
import { ACTIVATIONS } from '../ops/shared/tfjs.ts';
import { tfjsImporter } from '../ops/registry.ts';
import type { RawLayer } from './tfjs-io.ts';

/**
 * tfjs's own Conv1D computes 'causal' outputs with 'valid' lengths and cannot run it: only ours. A
 * model.json's causal Conv1D loads as CausalConv1D and its GRU with reset_after as GRUResetAfter
 * (`renameKerasLayers`); a causal convolution built in memory must use `causalConv1d`
 * (src/import/tfjs-keras-layers.ts).
 */
const CAUSAL_OK = new Set(['SeparableConv1D', 'CausalConv1D']);

/**
 * model.json's layers tfjs cannot build, as edgec's classes that it can (same config and weights):
 * causal Conv1D -> CausalConv1D, GRU with reset_after (Keras 2's default) -> GRUResetAfter.
 */
export function renameKerasLayers(layers: RawLayer[]): void {
  for (const l of layers) {
    if (l.class_name === 'Conv1D' && l.config.padding === 'causal') l.class_name = 'CausalConv1D';
    if (l.class_name === 'GRU' && (l.config.reset_after === true || l.config.resetAfter === true)) l.class_name = 'GRUResetAfter';
  }
}

/** model.json keys are snake_case, tfjs configs camelCase: read both the same way. */
function camelKeys(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), v]));
}

/**
 * Options no converter honours, as reasons ("data_format channels_first"); each layer class's own
 * limits are its family's (`TfjsImporter.unsupported`, src/ops).
 */
export function unsupportedOptions(className: string, rawConfig: Record<string, unknown>): string[] {
  const config = camelKeys(rawConfig);
  const why: string[] = [];
  if (config.dataFormat === 'channelsFirst' || config.dataFormat === 'channels_first') why.push('data_format channels_first');
  if (config.padding === 'causal' && !CAUSAL_OK.has(className)) {
    why.push(className === 'Conv1D' ? "padding 'causal' (tfjs cannot run it; build it with causalConv1d from edgec's training API)" : "padding 'causal'");
  }
  if ('activation' in config && !ACTIVATIONS.has(String(config.activation))) why.push(`activation '${String(config.activation)}'`);
  return why;
}

function layerProblems(file: string, name: string, cls: string, config: Record<string, unknown>, inputRank?: number): Diagnostic[] {
  const location = { file, layer: name };
  if (cls === 'InputLayer') return [];
  const importer = tfjsImporter(cls);
  if (!importer) return [{ code: 'E-IMPORT-LAYER', stage: 'import', message: `layer class ${cls} is not supported`, location }];
  const reasons = [...unsupportedOptions(cls, config), ...(importer.unsupported?.(camelKeys(config), inputRank) ?? [])];
  return reasons.map((why) => ({ code: 'E-IMPORT-OPTION', stage: 'import', message: `${cls} with ${why} is not supported`, location }));
}

/** Problems found in model.json's layer list (classes and options). */
export function checkRawLayers(layers: readonly RawLayer[], file: string): Diagnostic[] {
  return layers.flatMap((l, i) => layerProblems(file, String(l.config.name ?? l.name ?? `#${i}`), l.class_name, l.config));
}

/** Problems of a LayersModel: classes, options, shared layers, more than one input or output. */
export function checkLayersModel(model: tf.LayersModel, file: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const node = layer.inboundNodes[0];
    const rank = node?.inputTensors[0]?.shape.length;
    problems.push(...layerProblems(file, layer.name, cls, layer.getConfig() as Record<string, unknown>, rank));
    if (layer.inboundNodes.length > 1) {
      problems.push({
        code: 'E-IMPORT-SHARED',
        stage: 'import',
        message: `${cls} is used ${layer.inboundNodes.length} times (shared layers are not supported)`,
        location: { file, layer: layer.name },
      });
    }
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    problems.push({ code: 'E-IMPORT-IO', stage: 'import', message: `models with ${model.inputs.length} inputs and ${model.outputs.length} outputs are not supported (one each)`, location: { file } });
  }
  return problems;
}
