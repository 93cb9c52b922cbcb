/** C identifiers from model and layer names: [A-Za-z0-9_], not starting with a digit, not a keyword. */

const C_KEYWORDS = new Set(
  'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while _Bool _Complex _Imaginary main'.split(' '),
);

export function cIdentifier(name: string): string {
  let id = name
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  if (id === '') id = 'model';
  if (/^[0-9]/.test(id)) id = `m_${id}`;
  if (C_KEYWORDS.has(id)) id = `${id}_`;
  return id;
}

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
