/**
 * A tiny HTML builder: every string is escaped where it is placed (names come from model files and
 * may hold markup), and only the builder's own output and the charts' SVG pass through as markup
 * (`Html`). The page needs nothing from the network: inline CSS, inline SVG, no script, and a
 * Content-Security-Policy that forbids fetching anything.
 */

export class Html {
  constructor(readonly html: string) {}
}

export type Child = Html | string | number | null | undefined | false | readonly Child[];

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]!);

function render(c: Child): string {
  if (c === null || c === undefined || c === false) return '';
  if (c instanceof Html) return c.html;
  if (Array.isArray(c)) return c.map(render).join('');
  return escapeHtml(String(c));
}

/** Markup produced by trusted code (the chart renderer's SVG). */
export const raw = (html: string): Html => new Html(html);

/** `<tag attrs>children</tag>`; attribute values are escaped, `false`/null attributes left out. */
export function h(tag: string, attrs: Record<string, string | number | boolean | null | undefined> | null, ...children: Child[]): Html {
  const a = Object.entries(attrs ?? {})
    .filter(([, v]) => v !== null && v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${escapeHtml(String(v))}"`))
    .join('');
  return new Html(`<${tag}${a}>${render(children)}</${tag}>`);
}

export const fragment = (...children: Child[]): Html => new Html(render(children));

/** A table: header cells, then rows of cells; `numeric` columns are right-aligned. */
export function table(head: readonly string[], rows: readonly (readonly Child[])[], opts: { numeric?: readonly number[]; className?: string } = {}): Html {
  const num = new Set(opts.numeric ?? []);
  return h(
    'table',
    { class: opts.className ?? null },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        head.map((t, i) => h('th', num.has(i) ? { class: 'num' } : null, t)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          null,
          r.map((c, i) => h('td', num.has(i) ? { class: 'num' } : null, c)),
        ),
      ),
    ),
  );
}

/** 1234567 -> "1,234,567" (no locale: the same on every machine). */
export function int(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'n/a';
  const s = String(Math.abs(Math.round(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}

export const percent = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(1)}%`);

export function renderPage(title: string, css: string, body: Child): string {
  const head = [
    '<meta charset="utf-8">',
    // Nothing may be fetched: the page is the evidence, whole, offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="edgec report">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}</style>`,
  ].join('\n');
  return `<!DOCTYPE html>\n<!-- edgec-report/1: written by \`edgec report\`; do not edit -->\n<html lang="en">\n<head>\n${head}\n</head>\n<body>\n${render(body)}\n</body>\n</html>\n`;
}
