/**
 * Names taken from a model never become code. Models whose names hold `*` `/`, newlines, `#include`,
 * `$(shell ...)`, backticks, quotes, backslashes, trigraphs, control and non-ASCII characters and
 * 10,000 characters (tensor names of a .tflite, its file name, a tfjs model's name and labels) are
 * compiled; the generated folder must then be the same program as one compiled from the same model
 * with plain names:
 *   C and headers    the same token sequence once comments and string literals are taken out and
 *                    identifiers replaced by a placeholder (so no name added code, a directive or a
 *                    string), and no trigraph anywhere
 *   model.mk, CMake  the same lines outside comments; comment lines cannot continue onto the next;
 *                    `make` reads the snippet without running the names' commands
 *   model.ts         the same TypeScript token sequence (the TypeScript scanner), strings aside
 *   JSON             parses, and keeps the names exactly (data, not code)
 * and it verifies bit-exact under the sanitizers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { compileModelFile } from '../../src/pipeline/compile.ts';
import { saveModelToDir } from '../../src/import/tfjs-io.ts';
import { PACKAGE_ROOT } from '../../src/support/paths.ts';
import { verifyFolder } from '../../src/verify/verify.ts';
import { hostRunTarget } from '../../src/verify/targets.ts';
import { renameTfliteTensors } from '../support/tflite-rename.ts';
import { windows } from '../support/models.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgec-names-'));
const MARK = 'pwned-marker';

const PAYLOADS = [
  '*/ int injected_by_name = 1; /*',
  'line1\n#include "/etc/passwd"\nint pwned_line;',
  `$(shell touch ${MARK})`,
  `\`touch ${MARK}\``,
  `$(touch ${MARK}) \${CMAKE_COMMAND} $$(x)`,
  '"quote\' \\ backslash ??/ trigraph ??= ??(',
  'ends with a backslash\\',
  '\\\n#error continued line',
  'Схема-模型-🙂 ünïcödé',
  'A'.repeat(10000),
  '\r\n// comment\u2028\u2029 separators',
  '\x1b[31mred\x1b[0m\x00nul',
  '#define int char',
  '#[[ cmake bracket ]] #]]',
];

/** C source with comments and string/char literals blanked; also counts the comments. */
function stripC(src: string): { code: string; comments: number } {
  let out = '';
  let comments = 0;
  for (let i = 0; i < src.length; ) {
    const two = src.slice(i, i + 2);
    if (two === '//') {
      comments++;
      while (i < src.length && src[i] !== '\n') i += src[i] === '\\' && src[i + 1] === '\n' ? 2 : 1;
      out += ' ';
    } else if (two === '/*') {
      comments++;
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
      out += ' ';
    } else if (src[i] === '"' || src[i] === "'") {
      const q = src[i]!;
      i++;
      while (i < src.length && src[i] !== q && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
      out += `${q}${q}`;
    } else {
      out += src[i];
      i++;
    }
  }
  return { code: out, comments };
}

function cTokens(src: string): string[] {
  const { code, comments } = stripC(src);
  const tokens = code.match(/[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|""|''|\S/g) ?? [];
  return [
    `comments:${comments}`,
    ...tokens.map((t) =>
      /^[A-Za-z_]/.test(t) && !/^(static|const|int8_t|int16_t|int32_t|int64_t|uint8_t|uint16_t|uint32_t|void|return|if|int|include|define|ifndef|endif|ifdef|defined|extern|sizeof)$/.test(t)
        ? 'ID'
        : t,
    ),
  ];
}

/**
 * The structure of a Markdown page: per line, its heading, code-fence and table-cell markers (an
 * escaped \| is text). Names from a model must not add a heading, a fence, a cell or an HTML tag.
 */
function markdownShape(src: string): string[] {
  const count = (l: string, re: RegExp) => (l.match(re) ?? []).length;
  return src.split('\n').map((l) => `${/^#+ /.exec(l)?.[0] ?? ''}${l.startsWith('```') ? '```' : ''}|${count(l, /(?<!\\)\|/g)}<${count(l, /(?<!\\)<[a-zA-Z!/]/g)}`);
}

/** Non-comment lines of a Make or CMake snippet with identifiers replaced; comments checked. */
function buildLines(src: string): string[] {
  const lines = src.split('\n');
  for (const l of lines) if (l.trimStart().startsWith('#')) expect(l.endsWith('\\'), `comment line continues: ${l}`).toBe(false);
  return lines.filter((l) => !l.trimStart().startsWith('#')).map((l) => l.replace(/[A-Za-z_][A-Za-z0-9_]*/g, 'ID'));
}

function tsTokens(src: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, src);
  const out: string[] = [];
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    out.push(k === ts.SyntaxKind.StringLiteral ? 'STR' : k === ts.SyntaxKind.Identifier ? 'ID' : ts.SyntaxKind[k]!);
  }
  return out;
}

function expectSameProgram(hostile: string, plain: string): void {
  const hm = JSON.parse(readFileSync(join(hostile, 'manifest.json'), 'utf8'));
  const pm = JSON.parse(readFileSync(join(plain, 'manifest.json'), 'utf8'));
  for (const [h, p] of [
    [`${hm.prefix}.c`, `${pm.prefix}.c`],
    [`${hm.prefix}.h`, `${pm.prefix}.h`],
    [`${hm.prefix}_selftest.c`, `${pm.prefix}_selftest.c`],
    [`${hm.prefix}_quantize.c`, `${pm.prefix}_quantize.c`],
    ['kernels/edgec_prefix.h', 'kernels/edgec_prefix.h'],
  ] as const) {
    const hs = readFileSync(join(hostile, h), 'utf8');
    expect(hs).not.toMatch(/\?\?[=/'()!<>-]/);
    expect(cTokens(hs)).toEqual(cTokens(readFileSync(join(plain, p), 'utf8')));
  }
  for (const f of ['model.mk', 'CMakeLists.txt']) expect(buildLines(readFileSync(join(hostile, f), 'utf8'))).toEqual(buildLines(readFileSync(join(plain, f), 'utf8')));
  expect(tsTokens(readFileSync(join(hostile, 'model.ts'), 'utf8'))).toEqual(tsTokens(readFileSync(join(plain, 'model.ts'), 'utf8')));
  JSON.parse(readFileSync(join(hostile, 'graph.json'), 'utf8'));
  expect(markdownShape(readFileSync(join(hostile, 'README.md'), 'utf8'))).toEqual(markdownShape(readFileSync(join(plain, 'README.md'), 'utf8')));
  for (const f of readdirSync(hostile)) expect(f).toMatch(/^[a-z0-9_]+\.[ch]$|^(kernels|model\.mk|CMakeLists\.txt|model\.ts|graph\.json|manifest\.json|plan\.txt|sample_inputs\.bin|README\.md)$/);
}

/** `make` reads the snippet (its commands would run while it is parsed) and lists the sources. */
function makeReads(dir: string): void {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const work = join(tmp, `make-${m.prefix.slice(0, 20)}`);
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'Makefile'), `include ${join(dir, 'model.mk')}\nall:\n\t@echo $(${m.prefix.toUpperCase()}_SRCS)\n`);
  const r = spawnSync('make', ['-s', '-C', work], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain(`${m.prefix}.c`);
  expect(existsSync(join(work, MARK))).toBe(false);
}

async function compileAndCheck(model: string, out: string, calib?: string): Promise<void> {
  await compileModelFile(model, calib, { out });
  const r = await verifyFolder(out, hostRunTarget(), { inputs: 10 });
  expect(r.exact).toBe(10);
}

describe('names from a model never become code', () => {
  it('.tflite tensor names and file name: same program as with plain names, verified', async () => {
    const src = new Uint8Array(readFileSync(join(PACKAGE_ROOT, 'test/models/classify_heartbeats_cnn_quantized.tflite')));
    const hostileFile = join(tmp, `evil\n$(shell touch ${MARK})\`touch ${MARK}\`*.tflite`);
    writeFileSync(
      hostileFile,
      renameTfliteTensors(src, (i) => `${PAYLOADS[i % PAYLOADS.length]}#${i}`),
    );
    const plainFile = join(tmp, 'plain.tflite');
    writeFileSync(
      plainFile,
      renameTfliteTensors(src, (i) => `t${i}`),
    );
    await compileAndCheck(hostileFile, join(tmp, 'out_hostile'));
    await compileAndCheck(plainFile, join(tmp, 'out_plain'));
    expectSameProgram(join(tmp, 'out_hostile'), join(tmp, 'out_plain'));
    makeReads(join(tmp, 'out_hostile'));
    // The names are kept as data: the manifest's layer names are the model's, byte for byte.
    const layers = JSON.parse(readFileSync(join(tmp, 'out_hostile', 'manifest.json'), 'utf8')).steps.map((s: { layer: string }) => s.layer);
    expect(layers.some((l: string) => l.startsWith(PAYLOADS[0]!) || PAYLOADS.some((p) => l.startsWith(p)))).toBe(true);
    expect(existsSync(join(tmp, MARK))).toBe(false);
  }, 180_000);

  it('a tfjs model name and labels: same program as with plain names, verified', async () => {
    const build = (name: string) => {
      const m = tf.sequential({ name });
      m.add(tf.layers.dense({ name: 'd1', inputShape: [8], units: 6, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
      m.add(tf.layers.dense({ name: 'd2', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
      return m;
    };
    const calib = join(tmp, 'calib.json');
    writeFileSync(calib, JSON.stringify(windows(16, 8).map((w) => Array.from(w))));
    await saveModelToDir(build(PAYLOADS.join('|')), join(tmp, 'tfjs_hostile'), { edgecLabels: [PAYLOADS[1], PAYLOADS[2], PAYLOADS[9]] });
    await saveModelToDir(build('plain'), join(tmp, 'tfjs_plain'), { edgecLabels: ['a', 'b', 'c'] });
    await compileAndCheck(join(tmp, 'tfjs_hostile', 'model.json'), join(tmp, 'out_tfjs_hostile'), calib);
    await compileAndCheck(join(tmp, 'tfjs_plain', 'model.json'), join(tmp, 'out_tfjs_plain'), calib);
    expectSameProgram(join(tmp, 'out_tfjs_hostile'), join(tmp, 'out_tfjs_plain'));
    makeReads(join(tmp, 'out_tfjs_hostile'));
    expect(JSON.parse(readFileSync(join(tmp, 'out_tfjs_hostile', 'manifest.json'), 'utf8')).labels).toEqual([PAYLOADS[1], PAYLOADS[2], PAYLOADS[9]]);
  }, 180_000);
});
