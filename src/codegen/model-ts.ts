/**
 * Emits `model.ts` with ts-morph: the generated model's shapes, quantization constants and labels
 * for host-side TypeScript (a phone or server app), with quantizeInput / dequantizeOutput that use
 * the toolchain's own conversion and `simulate` bound to the int8 simulator on this folder's graph,
 * so the app quantizes windows exactly as the firmware does.
 */
import { IndentationText, Project, QuoteKind, VariableDeclarationKind } from 'ts-morph';
import type { Manifest } from './manifest.ts';

export function emitModelTs(m: Manifest, banner: string): string {
  const project = new Project({ useInMemoryFileSystem: true, manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single } });
  const f = project.createSourceFile('model.ts', '', { overwrite: true });
  f.addImportDeclaration({ moduleSpecifier: 'edgec', namedImports: ['quantizeValues', 'dequantizeValues', 'simulateFolder'] });
  f.addImportDeclaration({ moduleSpecifier: 'node:path', namedImports: ['dirname'] });
  f.addImportDeclaration({ moduleSpecifier: 'node:url', namedImports: ['fileURLToPath'] });
  const constant = (name: string, value: string, doc: string) =>
    f.addVariableStatement({ isExported: true, declarationKind: VariableDeclarationKind.Const, declarations: [{ name, initializer: value }], docs: [doc] });
  constant('MODEL_NAME', JSON.stringify(m.name), 'Model name as compiled.');
  constant('MODEL_HASH', JSON.stringify(m.modelHash), 'SHA-256 of the int8 graph the C was generated from.');
  constant('INPUT_SHAPE', `[${m.input.shape.join(', ')}] as const`, `Input '${m.input.name}', NHWC.`);
  constant('INPUT_SCALE', String(m.input.scale), 'real = INPUT_SCALE * (q - INPUT_ZERO_POINT)');
  constant('INPUT_ZERO_POINT', String(m.input.zeroPoint), 'Input zero point.');
  constant('OUTPUT_SHAPE', `[${m.output.shape.join(', ')}] as const`, `Output '${m.output.name}'.`);
  constant('OUTPUT_SCALE', String(m.output.scale), 'real = OUTPUT_SCALE * (q - OUTPUT_ZERO_POINT)');
  constant('OUTPUT_ZERO_POINT', String(m.output.zeroPoint), 'Output zero point.');
  constant('LABELS', `${JSON.stringify(m.labels ?? [])} as const`, 'Class labels of the output, in order.');
  constant('ARENA_BYTES', String(m.arenaBytes), 'Bytes of the static arena in the C.');
  f.addFunction({
    isExported: true,
    name: 'quantizeInput',
    parameters: [{ name: 'window', type: 'ArrayLike<number>' }],
    returnType: 'Int8Array',
    docs: ['Quantizes a float window (already normalised as in training) exactly as the firmware expects it.'],
    statements: [
      `if (window.length !== ${m.input.size}) throw new RangeError(\`expected ${m.input.size} values, got \${window.length}\`);`,
      'return quantizeValues(window, INPUT_SCALE, INPUT_ZERO_POINT);',
    ],
  });
  f.addFunction({
    isExported: true,
    name: 'dequantizeOutput',
    parameters: [{ name: 'q', type: 'ArrayLike<number>' }],
    returnType: 'Float32Array',
    docs: ['Real-valued scores from the int8 output.'],
    statements: ['return dequantizeValues(q, OUTPUT_SCALE, OUTPUT_ZERO_POINT);'],
  });
  f.addFunction({
    isExported: true,
    name: 'simulate',
    parameters: [{ name: 'input', type: 'Int8Array' }],
    returnType: 'Int8Array',
    docs: ['Runs the int8 simulator on this folder\'s graph: the same bytes the C produces.'],
    statements: ['return simulateFolder(dirname(fileURLToPath(import.meta.url)), input);'],
  });
  f.formatText({ indentSize: 2 });
  // The banner must open the file; ts-morph places imports first, so it is prepended here.
  return `${banner}\n${f.getFullText().replace(/\s*$/, '\n')}`;
}
