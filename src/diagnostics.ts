/**
 * Diagnostics are values: a code, the pipeline stage that raised it, a location (file, layer, tensor,
 * field) and a message. Library code collects and returns or throws them inside an `EdgecError`; only
 * the CLI prints them. A bare `throw new Error` is reserved for broken internal invariants.
 */

export type Stage =
  | 'conformance'
  | 'import'
  | 'validate'
  | 'passes'
  | 'quantize'
  | 'plan'
  | 'codegen'
  | 'toolchain'
  | 'verify'
  | 'cli';

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
  if (loc.file) parts.push(loc.file);
  if (loc.layer) parts.push(`layer '${loc.layer}'`);
  if (loc.tensor) parts.push(`tensor '${loc.tensor}'`);
  if (loc.field) parts.push(`field '${loc.field}'`);
  if (loc.offset !== undefined) parts.push(`offset ${loc.offset}`);
  return parts.join(', ');
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = formatLocation(d.location);
  return `error ${d.code} [${d.stage}]${where ? ` ${where}` : ''}: ${d.message}`;
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
