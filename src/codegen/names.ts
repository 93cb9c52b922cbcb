/** Names in generated C: identifiers come from the one sanitizer (src/support/sanitize.ts). */
export { cIdentifier } from '../support/sanitize.ts';

/** Makes names unique by suffixing _2, _3, ... in order of first use. */
export class NameTable {
  private readonly used = new Set<string>();
  unique(base: string): string {
    let n = base;
    for (let i = 2; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }
}
