// Writing a file that --fix changed without losing or damaging anything: the real file behind a
// symlink is written (the link stays), read-only files are refused, mode and owner are kept, hard
// links stay one file, and a file that changed since it was read is left alone. The write is atomic
// (temp file in the same folder, fsync, rename) unless the file has other hard links or an owner the
// temp file cannot be given: those are written in place, through the same inode.
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import * as path from 'node:path';

/** Why a fixed file was not written, as a user reads it after "not fixed: ". */
export type WriteRefusal = string;

export const CHANGED_WHILE_CHECKING = 'the file changed while perflens was checking it; run again';

/**
 * Replaces the content of `file` (or of the file a symlink points to) with `data`, provided it still
 * holds `original`, the bytes the fixes were computed from. Returns null when written, else the reason.
 */
export function writeFixedFile(file: string, original: Buffer, data: Buffer): WriteRefusal | null {
  try {
    const target = realpathSync(file);
    const stat = statSync(target);
    if (!stat.isFile()) return 'not a regular file';
    if (isReadOnly(target, stat)) return 'the file is read-only';
    if (!readFileSync(target).equals(original)) return CHANGED_WHILE_CHECKING;
    // A rename would split a hard link (the other names keep the old content).
    if (stat.nlink > 1) return writeInPlace(target, original, data);
    return replaceAtomically(target, stat, original, data);
  } catch (error) {
    return `could not write it: ${(error as Error).message}`;
  }
}

/** Nobody may write it (root could, but the mode says no), or this user may not. */
function isReadOnly(file: string, stat: Stats): boolean {
  if ((stat.mode & 0o222) === 0) return true;
  try {
    accessSync(file, constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

function replaceAtomically(target: string, stat: Stats, original: Buffer, data: Buffer): WriteRefusal | null {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.perflens-${randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o600);
  } catch {
    // The folder is not writable but the file is: the in-place write still works.
    return writeInPlace(target, original, data);
  }
  let renamed = false;
  try {
    // A file owned by someone else (writable through its group, say) keeps its owner only if written in place.
    if (!fillTemp(fd, stat, data)) return writeInPlace(target, original, data);
    // Last look before the rename: an editor may have saved the file while the fixes were computed.
    if (!readFileSync(target).equals(original)) return CHANGED_WHILE_CHECKING;
    renameSync(temp, target);
    renamed = true;
    syncFolder(path.dirname(target));
    return null;
  } finally {
    if (!renamed) unlinkQuietly(temp);
  }
}

/** Writes the temp file with the original's owner, group and mode, durably; false when the owner cannot be kept. */
function fillTemp(fd: number, stat: Stats, data: Buffer): boolean {
  try {
    if (!keepOwner(fd, stat)) return false;
    writeAll(fd, data);
    // After the owner: chown clears set-user-ID bits. fchmod is exact, where writeFile's mode is masked by the umask.
    fchmodSync(fd, stat.mode & 0o7777);
    fsyncSync(fd);
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Gives the temp file the original's owner and group; false when this user may not. */
function keepOwner(fd: number, stat: Stats): boolean {
  const created = fstatSync(fd);
  if (created.uid === stat.uid && created.gid === stat.gid) return true;
  try {
    fchownSync(fd, stat.uid, stat.gid);
    return true;
  } catch {
    return false;
  }
}

/** Overwrites the file through its own inode (links, mode and owner untouched); not atomic. */
function writeInPlace(target: string, original: Buffer, data: Buffer): WriteRefusal | null {
  const fd = openSync(target, 'r+');
  try {
    if (!readAll(fd).equals(original)) return CHANGED_WHILE_CHECKING;
    writeAll(fd, data);
    ftruncateSync(fd, data.length);
    fsyncSync(fd);
    return null;
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: Buffer): void {
  for (let done = 0; done < data.length;) done += writeSync(fd, data, done, data.length - done, done);
}

function readAll(fd: number): Buffer {
  const chunks: Buffer[] = [];
  const chunk = Buffer.alloc(1 << 16);
  for (let at = 0, n; (n = readSync(fd, chunk, 0, chunk.length, at)) > 0; at += n) chunks.push(Buffer.from(chunk.subarray(0, n)));
  return Buffer.concat(chunks);
}

/** Makes the rename itself durable; not every platform can open a folder, and that is fine. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already renamed or never created
  }
}
