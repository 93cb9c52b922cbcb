/**
 * What may be written where. Every check here runs before anything is created, so a refused output
 * leaves the disk as it was.
 *
 *   classifyPath      what is at a path now (absent, empty folder, folder, file, symlink, other)
 *   protectedReason   folders that are never replaced or written into: '/', home, the working
 *                     directory and its ancestors, the package and its ancestors, and the
 *                     package's source folders (compared after resolving symlinks)
 *   checkParent       the parent folder can be created and written (probed with a real mkdir)
 */
import { accessSync, constants, lstatSync, mkdirSync, readdirSync, realpathSync, rmdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fail } from '../support/diagnostics.ts';
import { PACKAGE_ROOT } from '../support/paths.ts';

export type PathKind = 'absent' | 'empty-folder' | 'folder' | 'file' | 'symlink' | 'other';

export function classifyPath(abs: string, shown: string = abs): PathKind {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'absent';
    if (code === 'ENOTDIR') fail('E-OUT-PARENT', 'cli', `cannot write ${shown}: ${nonFolderAncestor(abs)} is a file, not a folder`, { file: shown });
    fail('E-OUT-ACCESS', 'cli', `cannot look at the output path: ${(e as Error).message}`, { file: shown });
  }
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFile()) return 'file';
  if (!st.isDirectory()) return 'other';
  try {
    return readdirSync(abs).length === 0 ? 'empty-folder' : 'folder';
  } catch (e) {
    fail('E-OUT-ACCESS', 'cli', `cannot read the output folder: ${(e as Error).message}`, { file: shown });
  }
}

/** The first ancestor of `abs` that exists but is not a folder (for ENOTDIR messages). */
function nonFolderAncestor(abs: string): string {
  for (let p = dirname(abs); p !== dirname(p); p = dirname(p)) {
    try {
      if (!lstatSync(p).isDirectory()) return p;
    } catch {
      /* keep walking up */
    }
  }
  return dirname(abs);
}

/** Real path of `abs`, resolving symlinks in the part that exists (the rest is appended as is). */
export function realPathOf(abs: string): string {
  const rest: string[] = [];
  let p = abs;
  for (;;) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      if (p === dirname(p)) return abs;
      rest.push(basename(p));
      p = dirname(p);
    }
  }
}

const isWithin = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && r !== '..');
};

/** Folders whose own files edgec never writes into (the package's sources). */
const SOURCE_TREES = ['src', 'templates', 'targets', 'bin', 'node_modules', '.git'];

/**
 * Why `abs` must never be replaced (or written into, for the package's source folders), or null.
 * `/`, the home folder, the working directory and the package folder are protected with all their
 * ancestors: replacing any of them would take them with it.
 */
export function protectedReason(abs: string): string | null {
  const real = realPathOf(abs);
  const cwd = realPathOf(process.cwd());
  const home = realPathOf(homedir());
  const pkg = realPathOf(PACKAGE_ROOT);
  if (real === dirname(real)) return 'it is the root folder';
  if (real === home || isWithin(home, real)) return real === home ? 'it is the home folder' : 'it holds the home folder';
  if (isWithin(cwd, real)) return real === cwd ? 'it is the working directory' : 'it holds the working directory';
  if (isWithin(pkg, real)) return real === pkg ? "it is edgec's own package folder" : "it holds edgec's own package folder";
  for (const s of SOURCE_TREES) {
    const tree = realPathOf(join(pkg, s));
    if (isWithin(real, tree)) return real === tree ? `it is edgec's own ${s}/ folder` : `it is inside edgec's own ${s}/ folder`;
  }
  return null;
}

/** Fails unless `abs` may be written at all (see protectedReason). */
export function checkNotProtected(abs: string, shown: string): void {
  const why = protectedReason(abs);
  if (why) fail('E-OUT-PROTECTED', 'cli', `refusing to write ${shown}: ${why} (not even with --force)`, { file: shown });
}

/**
 * The nearest existing ancestor of `parent` must be a writable folder: probed by creating and
 * removing a folder in it (access() says yes to root on a read-only or immutable folder).
 */
export function checkParent(parent: string, shown: string): void {
  let p = parent;
  while (classifyPath(p) === 'absent' && p !== dirname(p)) p = dirname(p);
  // A symlinked ancestor is fine if it leads to a folder.
  const real = classifyPath(p) === 'symlink' ? realPathOf(p) : p;
  const kind = classifyPath(real);
  if (kind !== 'folder' && kind !== 'empty-folder') fail('E-OUT-PARENT', 'cli', `cannot write ${shown}: ${p} is not a folder`, { file: shown });
  try {
    accessSync(real, constants.W_OK | constants.X_OK);
    const probe = join(real, `.edgec-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (e) {
    fail('E-OUT-PARENT', 'cli', `cannot write ${shown}: the folder ${p} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: shown });
  }
}

/** mkdir -p, one level at a time (Node's recursive mkdir can loop forever under /proc). */
export function makeParents(dir: string, shown: string): void {
  const missing: string[] = [];
  let p = resolve(dir);
  while (classifyPath(p) === 'absent') {
    if (p === dirname(p)) break;
    missing.push(p);
    p = dirname(p);
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      fail('E-OUT-PARENT', 'cli', `cannot create the folder ${m}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: shown });
    }
  }
}
