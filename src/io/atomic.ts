/**
 * Output safety: nothing half-written, and nothing replaced that edgec did not write.
 *
 * Folders (`edgec compile --out`, saved tfjs models): written only where the path
 *   - does not exist (missing parents are created),
 *   - is an empty folder, or
 *   - is an earlier output of the same writer (default: an edgec model folder, see ./edgec-folder.ts),
 * or, with `force`, any other folder, except the protected ones (see ./output-checks.ts: '/', home,
 * the working directory, the package, their ancestors, the package's source folders), which are
 * never written. A file, a symlink, a device, fifo or socket at the path is always refused.
 *
 * Files (`simulate`/`run --out`, budgets): written where nothing exists, or over a regular file that
 * is an earlier output of the same writer (`isOwnOutput`) or with `force`. A folder, a symlink or a
 * device at the path is always refused.
 *
 * Every check runs before anything is written (callers with a long pipeline call the check first, so a
 * refusal costs nothing). The output is built in a marked temporary sibling and renamed into place;
 * an existing folder is first renamed into that temporary folder, so a kill between the two renames is
 * undone by the next run (see ./temp.ts for the names, the marker and the signal handlers).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EdgecError, fail } from '../support/diagnostics.ts';
import { describeForeignFolder, isEdgecModelFolder } from './edgec-folder.ts';
import { checkNotProtected, checkParent, classifyPath, makeParents, type PathKind } from './output-checks.ts';
import { cleanStaleTemps, createTemp, discardTemp, finishTemp, testPauseAsync, testPauseSync } from './temp.ts';

export interface OutputOptions {
  /** Replace a folder (or file) edgec did not write; never a protected folder (see output-checks.ts). */
  force?: boolean;
  /** Whether what is at the (absolute) path is an earlier output of this writer, replaced without force. */
  isOwnOutput?: (abs: string) => boolean;
  /** Where notices go (stale temporary paths removed); default stderr. */
  log?: (msg: string) => void;
}

/** A checked output: where it goes, and what is there now. */
export interface OutputPlan {
  abs: string;
  parent: string;
  /** The path as the user gave it, for messages. */
  shown: string;
  existing: PathKind;
}

const KIND_TEXT: Record<PathKind, string> = {
  absent: 'missing',
  'empty-folder': 'an empty folder',
  folder: 'a folder',
  file: 'a file',
  symlink: 'a symbolic link (give the path it leads to, if that is what you mean)',
  other: 'a device, pipe or socket',
};

function start(target: string, opts: OutputOptions): OutputPlan {
  const abs = resolve(target);
  checkNotProtected(abs, target);
  // Before looking at the target: a run killed between its two renames left the target missing.
  cleanStaleTemps(dirname(abs), opts.log);
  return { abs, parent: dirname(abs), shown: target, existing: classifyPath(abs, target) };
}

/** Checks a folder output (see the header); throws a located EdgecError when it must not be written. */
export function checkFolderOutput(target: string, opts: OutputOptions = {}): OutputPlan {
  const plan = start(target, opts);
  const own = opts.isOwnOutput ?? isEdgecModelFolder;
  switch (plan.existing) {
    case 'absent':
    case 'empty-folder':
      break;
    case 'folder':
      if (!own(plan.abs) && !opts.force) {
        fail(
          'E-OUT-EXISTS',
          'cli',
          `refusing to replace ${target}: it is a folder edgec did not write (${describeForeignFolder(plan.abs)}); choose a new or empty folder, or pass --force to replace it`,
          { file: target },
        );
      }
      break;
    default:
      fail('E-OUT-KIND', 'cli', `refusing to write the output folder ${target}: it is ${KIND_TEXT[plan.existing]}`, { file: target });
  }
  checkParent(plan.parent, target);
  return plan;
}

/** Checks a file output (see the header); throws a located EdgecError when it must not be written. */
export function checkFileOutput(target: string, opts: OutputOptions = {}): OutputPlan {
  const plan = start(target, opts);
  if (plan.existing === 'file') {
    if (!opts.force && !opts.isOwnOutput?.(plan.abs))
      fail('E-OUT-EXISTS', 'cli', `refusing to overwrite ${target}: the file exists; choose another name, or pass --force to replace it`, { file: target });
  } else if (plan.existing !== 'absent') {
    fail('E-OUT-KIND', 'cli', `refusing to write the output file ${target}: it is ${KIND_TEXT[plan.existing]}`, { file: target });
  }
  checkParent(plan.parent, target);
  return plan;
}

/** OS errors while writing (disk full, permissions changed under us) become located diagnostics. */
function asOutputError(e: unknown, shown: string): unknown {
  if (e instanceof EdgecError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
    return new EdgecError({ code: 'E-OUT-WRITE', stage: 'cli', message: `could not write the output (${code}): ${(e as Error).message}`, location: { file: shown } });
  return e;
}

/**
 * Builds a folder with `fill(tmpDir)` and puts it at `target` (see the header for what is refused).
 * On failure or SIGINT/SIGTERM the temporary folder goes and the previous folder, if any, stays.
 */
export async function writeFolderAtomically(target: string, fill: (tmpDir: string) => void | Promise<void>, opts: OutputOptions = {}): Promise<void> {
  const plan = checkFolderOutput(target, opts);
  makeParents(plan.parent, plan.shown);
  const t = createTemp(plan.parent, plan.abs);
  try {
    mkdirSync(t.out);
    await fill(t.out);
    await testPauseAsync('after-fill');
    // A SIGINT or SIGTERM that arrived during a synchronous fill is handled here, before the commit.
    await new Promise((r) => setImmediate(r));
    // The target may have changed during a long fill: check it again, then commit.
    const now = checkFolderOutput(target, opts);
    if (now.existing === 'folder') {
      renameSync(plan.abs, t.old);
      testPauseSync('between-renames');
    }
    renameSync(t.out, plan.abs);
    finishTemp(t);
  } catch (e) {
    discardTemp(t);
    throw asOutputError(e, plan.shown);
  }
}

/** Writes a file through a marked temporary folder and one rename (see the header for what is refused). */
export function writeFileAtomically(path: string, data: string | Uint8Array, opts: OutputOptions = {}): void {
  const plan = checkFileOutput(path, opts);
  makeParents(plan.parent, plan.shown);
  const t = createTemp(plan.parent, plan.abs);
  try {
    writeFileSync(t.out, data);
    renameSync(t.out, plan.abs);
    finishTemp(t);
  } catch (e) {
    discardTemp(t);
    throw asOutputError(e, plan.shown);
  }
}
