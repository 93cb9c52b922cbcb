/**
 * Handlebars templates, compiled strict (a missing field is an error), without HTML escaping and
 * with no helpers beyond the built-ins: every decision is made in the TS view model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { TEMPLATES_DIR } from './paths.ts';

const cache = new Map<string, Handlebars.TemplateDelegate>();

export function renderTemplate(relPath: string, view: object): string {
  let t = cache.get(relPath);
  if (!t) {
    const source = readFileSync(join(TEMPLATES_DIR, relPath), 'utf8');
    t = Handlebars.compile(source, { strict: true, noEscape: true, knownHelpersOnly: true });
    cache.set(relPath, t);
  }
  // Normalised output: no trailing spaces, exactly one final newline.
  return t(view)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\s*$/, '\n');
}
