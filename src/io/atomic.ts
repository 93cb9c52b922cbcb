/**
 * Nothing half-written: a folder is built under a temporary sibling name and renamed into place
 * only when complete; on failure the temporary folder is removed and the old folder is untouched.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface OutputOptions {
  /** Replace a folder that edgec did not create (never '.', an ancestor of the working directory, home or '/'). */
  force?: boolean;
}

export async function writeFolderAtomically(target: string, fill: (tmpDir: string) => void | Promise<void>, _opts: OutputOptions = {}): Promise<void> {
  const abs = resolve(target);
  const parent = dirname(abs);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(abs)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    await fill(tmp);
    const old = join(parent, `.${basename(abs)}.old-${process.pid}`);
    if (existsSync(abs)) renameSync(abs, old);
    renameSync(tmp, abs);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Writes a file through a temporary name and a rename. */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  const abs = resolve(path);
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = join(dirname(abs), `.${basename(abs)}.tmp-${process.pid}`);
  writeFileSync(tmp, data);
  renameSync(tmp, abs);
}
