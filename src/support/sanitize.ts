/**
 * The one sanitizer for names that come from a model (model, layer, tensor, op, label and file names)
 * and reach generated text or a terminal. A model file is hostile: its names may hold `*` `/`,
 * newlines, `#include`, `$(shell ...)`, backticks, quotes, backslashes, trigraphs (`??/` is a
 * backslash in C99), control and non-ASCII characters, or 10,000 characters.
 *
 *   cIdentifier(name)   C identifier: [a-z0-9_], not starting with a digit, not a keyword, at most
 *                       IDENTIFIER_MAX characters (a longer name keeps a hash of the whole)
 *   safeText(name)      one line of printable ASCII from a conservative set, for C block and line
 *                       comments, C string literals, Make and CMake comments, TypeScript comments and
 *                       terminal output: every other character becomes <U+XXXX>, `*` next to `/` is
 *                       spaced apart, and the text is cut at SAFE_TEXT_MAX characters
 *   tsString(value)     a TypeScript string literal (JSON plus escaped U+2028/U+2029)
 *
 * Nothing that safeText returns can end or start a comment, continue a line, start a preprocessor
 * directive (no '#'), expand a Make or CMake variable (no '$'), open a string, or run a command.
 */
import { createHash } from 'node:crypto';

export const IDENTIFIER_MAX = 48;
export const SAFE_TEXT_MAX = 80;

const C_KEYWORDS = new Set(
  'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local main'.split(
    ' ',
  ),
);

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

export function cIdentifier(name: string): string {
  let id = name
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  if (id === '') id = 'model';
  if (/^[0-9]/.test(id)) id = `m_${id}`;
  if (C_KEYWORDS.has(id)) id = `${id}_`;
  if (id.length > IDENTIFIER_MAX) id = `${id.slice(0, IDENTIFIER_MAX - 9).replace(/_+$/, '')}_${shortHash(name)}`;
  return id;
}

/** Printable ASCII that means nothing special in any of the generated languages' comments or strings. */
const SAFE_CHAR = /[A-Za-z0-9 _.,:;=+\-()[\]<>!@%&^~|'/*]/;

export function safeText(text: string, max = SAFE_TEXT_MAX): string {
  let out = '';
  let count = 0;
  const chars = Array.from(text);
  for (const ch of chars) {
    if (count >= max) break;
    out += SAFE_CHAR.test(ch) ? ch : `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;
    count++;
  }
  // '*' beside '/' could open or close a comment: keep them apart.
  out = out.replace(/\/\*/g, '/ *').replace(/\*\//g, '* /').replace(/\/\//g, '/ /');
  if (chars.length > max) out += `... (${chars.length} characters)`;
  return out;
}

/** Text from a model for a Markdown document: safe characters, with Markdown's syntax characters escaped. */
export function markdownText(text: string, max = SAFE_TEXT_MAX): string {
  return safeText(text, max).replace(/[\\`*_[\]<>|#!~]/g, '\\$&');
}

export function tsString(value: string): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
