/**
 * Diagnostics are values: a code, the pipeline stage that raised it, a location (file, layer, tensor,
 * field) and a message. Library code collects and returns or throws them inside an `EdgecError`; only
 * the CLI prints them. A bare `throw new Error` is reserved for broken internal invariants.
 */
import { safeText } from './sanitize.ts';

export type Stage = 'conformance' | 'import' | 'validate' | 'passes' | 'quantize' | 'plan' | 'codegen' | 'toolchain' | 'verify' | 'train' | 'cli';

export interface Location {
  file?: string;
  layer?: string;
  tensor?: string;
  field?: string;
  offset?: number;
}

export interface Diagnostic {
  code: string; // e.g. "E-CONF-FIELD"
  stage: Stage;
  message: string;
  location?: Location;
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  // Names come from model files: shown through the sanitizer, so none can forge lines or escapes.
  if (loc.file) parts.push(safeText(loc.file, 240));
  if (loc.layer) parts.push(`layer '${safeText(loc.layer)}'`);
  if (loc.tensor) parts.push(`tensor '${safeText(loc.tensor)}'`);
  if (loc.field) parts.push(`field '${safeText(loc.field)}'`);
  if (loc.offset !== undefined) parts.push(`offset ${loc.offset}`);
  return parts.join(', ');
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = formatLocation(d.location);
  // Control characters (terminal escapes) never reach the terminal; messages keep their line breaks.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  const message = d.message.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
  // Continuation lines are indented, so no text inside a message can pass for a diagnostic of its own.
  return `error ${d.code} [${d.stage}]${where ? ` ${where}` : ''}: ${message.replace(/\n(?! {2})/g, '\n  ')}`;
}

/** Carries one or more diagnostics to the CLI edge. */
export class EdgecError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map(formatDiagnostic).join('\n'));
    this.name = 'EdgecError';
    this.diagnostics = list;
  }
}

export function fail(code: string, stage: Stage, message: string, location?: Location): never {
  throw new EdgecError({ code, stage, message, location });
}
