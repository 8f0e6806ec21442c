/**
 * Stage 6: write atomically. Each file is written to a temporary file in the same directory
 * (same file system), given the original file's permission bits, then renamed over the original:
 * a reader (or a crash) sees either the old or the new file, never half of one.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export function writeAtomic(abs: string, content: string, mode?: number): void {
  const dir = path.dirname(abs);
  const tmp = path.join(dir, `.${path.basename(abs)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.alova-ssr-migrate.tmp`);
  let fileMode = mode;
  if (fileMode === undefined) {
    try {
      fileMode = fs.statSync(abs).mode & 0o7777;
    } catch {
      fileMode = 0o644;
    }
  }
  try {
    fs.writeFileSync(tmp, content, { flag: 'wx' });
    fs.chmodSync(tmp, fileMode);
    fs.renameSync(tmp, abs);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* the temp file was never created */
    }
    throw err;
  }
}
