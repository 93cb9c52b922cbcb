/**
 * Emits `model.ts` with ts-morph: the generated model's shapes, quantization constants and labels
 * for host-side TypeScript (a phone or server app), with quantizeInput / dequantizeOutput that use
 * the toolchain's own conversion and `simulate` bound to the int8 simulator on this folder's graph,
 * so the app quantizes windows exactly as the firmware does.
 */
import { IndentationText, Project, QuoteKind, VariableDeclarationKind } from 'ts-morph';
import type { Manifest } from '../formats/manifest.ts';
import { safeText, tsString } from '../support/sanitize.ts';

export function emitModelTs(m: Manifest, banner: string): string {
  const project = new Project({ useInMemoryFileSystem: true, manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single } });
  const f = project.createSourceFile('model.ts', '', { overwrite: true });
  f.addImportDeclaration({ moduleSpecifier: 'edgec', namedImports: ['quantizeValues', 'dequantizeValues', 'simulateFolder'] });
  f.addImportDeclaration({ moduleSpecifier: 'node:path', namedImports: ['dirname'] });
  f.addImportDeclaration({ moduleSpecifier: 'node:url', namedImports: ['fileURLToPath'] });
  const constant = (name: string, value: string, doc: string) =>
    f.addVariableStatement({ isExported: true, declarationKind: VariableDeclarationKind.Const, declarations: [{ name, initializer: value }], docs: [doc] });
  constant('MODEL_NAME', tsString(m.name), 'Model name as compiled.');
  constant('MODEL_HASH', tsString(m.modelHash), 'SHA-256 of the int8 graph the C was generated from.');
  constant('INPUT_SHAPE', `[${m.input.shape.join(', ')}] as const`, `Input '${safeText(m.input.name)}', NHWC.`);
  constant('INPUT_SCALE', String(m.input.scale), 'real = INPUT_SCALE * (q - INPUT_ZERO_POINT)');
  constant('INPUT_ZERO_POINT', String(m.input.zeroPoint), 'Input zero point.');
  constant('OUTPUT_SHAPE', `[${m.output.shape.join(', ')}] as const`, `Output '${safeText(m.output.name)}'.`);
  constant('OUTPUT_SCALE', String(m.output.scale), 'real = OUTPUT_SCALE * (q - OUTPUT_ZERO_POINT)');
  constant('OUTPUT_ZERO_POINT', String(m.output.zeroPoint), 'Output zero point.');
  constant('LABELS', `[${(m.labels ?? []).map(tsString).join(',')}] as const`, 'Class labels of the output, in order.');
  constant('ARENA_BYTES', String(m.arenaBytes), 'Bytes of the static arena in the C.');
  const typed = (d?: string) => (d === 'int16' ? 'Int16Array' : d === 'int32' ? 'Int32Array' : 'Int8Array');
  const inType = typed(m.input.dtype);
  const outType = typed(m.output.dtype);
  f.addFunction({
    isExported: true,
    name: 'quantizeInput',
    parameters: [{ name: 'window', type: 'ArrayLike<number>' }],
    returnType: inType,
    docs: ['Quantizes a float window (already normalised as in training) exactly as the firmware expects it.'],
    statements: [
      `if (window.length !== ${m.input.size}) throw new RangeError(\`expected ${m.input.size} values, got \${window.length}\`);`,
      m.input.dtype === 'int16' ? "return quantizeValues(window, INPUT_SCALE, INPUT_ZERO_POINT, 'int16');" : 'return quantizeValues(window, INPUT_SCALE, INPUT_ZERO_POINT);',
    ],
  });
  f.addFunction({
    isExported: true,
    name: 'dequantizeOutput',
    parameters: [{ name: 'q', type: 'ArrayLike<number>' }],
    returnType: 'Float32Array',
    docs: [`Real-valued scores from the ${m.output.dtype ?? 'int8'} output.`],
    statements: ['return dequantizeValues(q, OUTPUT_SCALE, OUTPUT_ZERO_POINT);'],
  });
  f.addFunction({
    isExported: true,
    name: 'simulate',
    parameters: [{ name: 'input', type: inType }],
    returnType: outType,
    docs: ["Runs the int8 simulator on this folder's graph: the same bytes the C produces."],
    statements: [`return simulateFolder${outType === 'Int8Array' ? '' : `<${outType}>`}(dirname(fileURLToPath(import.meta.url)), input);`],
  });
  f.formatText({ indentSize: 2 });
  // The banner must open the file; ts-morph places imports first, so it is prepended here.
  return `${banner}\n${f.getFullText().replace(/\s*$/, '\n')}`;
}
