/**
 * What the commands read, checked before any work: a missing path, a folder where a file is expected
 * (or the reverse), a device or pipe (reading /dev/zero never ends), an unreadable file, or a folder
 * that is not a generated model folder are each one located diagnostic (E-CLI-INPUT, E-DIR-MANIFEST).
 */
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { folderInputs, readManifest, sampleBytes, type Manifest } from '../formats/manifest.ts';
import { fail } from '../support/diagnostics.ts';

const inputError = (path: string, message: string): never => fail('E-CLI-INPUT', 'cli', message, { file: path });

function statOf(path: string, what: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') inputError(path, `${what} not found`);
    if (code === 'ENOTDIR') inputError(path, `${what} not found (a part of the path is a file, not a folder)`);
    return inputError(path, `cannot read ${what}: ${(e as Error).message}`);
  }
}

function checkReadable(path: string, what: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (e) {
    inputError(path, `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** A readable regular file (symlinks followed). */
export function checkInputFile(path: string, what: string): void {
  const st = statOf(path, what);
  if (st.isDirectory()) inputError(path, `${what} is a folder, not a file`);
  if (!st.isFile()) inputError(path, `${what} is not a regular file (a device, pipe or socket)`);
  checkReadable(path, what);
}

/** A readable folder (symlinks followed). */
export function checkInputFolder(path: string, what: string): void {
  const st = statOf(path, what);
  if (!st.isDirectory()) inputError(path, `${what} is a file, not a folder`);
  checkReadable(path, what);
}

function readFile(path: string, what: string): Buffer {
  checkInputFile(path, what);
  try {
    return readFileSync(path);
  } catch (e) {
    return inputError(path, `cannot read ${what}: ${(e as Error).message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIo = (v: unknown) => isObject(v) && Number.isInteger(v.size) && (v.size as number) > 0 && Array.isArray(v.shape);

/**
 * A folder written by `edgec compile`: its manifest.json is read and its shape checked (the fields
 * the commands use), so a damaged folder is a located error, not an exception.
 */
export function openModelFolder(dir: string): Manifest {
  checkInputFolder(dir, 'the model folder');
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) {
    const hint = existsSync(join(dir, 'model.json'))
      ? `; it holds a tfjs model: compile it with \`edgec compile ${join(dir, 'model.json')} --calib FILE --out DIR\``
      : '; create one with `edgec compile MODEL --out DIR`';
    fail('E-DIR-MANIFEST', 'cli', `not a generated model folder (no manifest.json)${hint}`, { file: dir });
  }
  let json: unknown;
  try {
    json = JSON.parse(readFile(path, 'manifest.json').toString('utf8'));
  } catch (e) {
    fail('E-DIR-MANIFEST', 'cli', `manifest.json is not valid JSON (${(e as Error).message})`, { file: path });
  }
  if (!isObject(json)) fail('E-DIR-MANIFEST', 'cli', 'manifest.json must hold a JSON object', { file: path });
  const m = readManifest(dir); // checks the format
  const field = (name: string, ok: boolean) => {
    if (!ok) fail('E-DIR-MANIFEST', 'cli', `manifest.json is damaged: '${name}' is missing or malformed`, { file: path, field: name });
  };
  field('name', typeof json.name === 'string');
  field('prefix', typeof json.prefix === 'string');
  field('input', isIo(json.input));
  field('output', isIo(json.output));
  field('inputs', json.inputs === undefined || (Array.isArray(json.inputs) && json.inputs.every(isIo)));
  field('outputs', json.outputs === undefined || (Array.isArray(json.outputs) && json.outputs.every(isIo)));
  for (const n of ['arenaBytes', 'linearArenaBytes', 'arenaLowerBound', 'weightsBytes']) field(n, Number.isInteger(json[n]));
  field('kernels', Array.isArray(json.kernels));
  field('steps', Array.isArray(json.steps) && json.steps.every((s) => isObject(s) && typeof s.layer === 'string' && typeof s.kernel === 'string'));
  return m;
}

/** What one sample is, for messages: e.g. "96 x int16" or "49 x int8 + 10 x int8". */
function sampleShape(m: Manifest): string {
  return folderInputs(m)
    .map((io) => `${io.size} x ${io.dtype ?? 'int8'}`)
    .join(' + ');
}

/** The --input file as whole samples (every input's bytes back to back, little-endian). */
export function readSamples(path: string, m: Manifest): Buffer {
  const size = sampleBytes(folderInputs(m));
  const buf = readFile(path, 'the input file');
  if (buf.length === 0 || buf.length % size !== 0) {
    fail('E-RUN-INPUT', 'cli', `${buf.length} bytes is not a whole number of inputs of ${size} bytes (${sampleShape(m)})`, { file: path });
  }
  return buf;
}

const within = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !r.startsWith(sep));
};

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Refuses an output folder that contains (or is) one of the files the command reads. */
export function checkOutputAvoidsInputs(out: string, inputs: { path: string; what: string }[]): void {
  const o = real(out);
  for (const i of inputs) {
    if (within(real(i.path), o)) fail('E-OUT-INPUT', 'cli', `refusing to write ${out}: it holds ${i.what} (${i.path}), which this command reads (not even with --force)`, { file: out });
  }
}

/** Refuses an output file that would overwrite a file of the model folder. */
export function checkOutputOutsideFolder(out: string, dir: string): void {
  if (existsSync(out) && within(real(out), real(dir))) fail('E-OUT-INPUT', 'cli', `refusing to overwrite ${out}: it is part of the model folder ${dir}`, { file: out });
}
