/**
 * Stage 6: write, as one transaction over the whole tree.
 *
 * 1. Plan: every target (changed sources, the context module, the report and baseline files) is
 *    checked before the first byte is written: a regular file or absent, not read-only, not named
 *    twice, in a folder where a file can be created. A failure here writes nothing.
 * 2. Prepare: each new content goes to a temporary file in the target's own folder (same file
 *    system), with the original's mode and owner, flushed to disk. A failure removes every temp file.
 * 3. Commit: a journal listing every (temp, target) pair is written, then each temp file is renamed
 *    over its target (hard-linked files are copied in place, so every link sees the new content).
 *    The journal is removed last. A run killed during the commit leaves the journal; the next run
 *    completes the commit from it (`recoverJournal`), so the tree ends as an uninterrupted run leaves it.
 *
 * SIGINT/SIGTERM (see `Interrupt`) are honoured between files: during prepare the run stops and
 * nothing is written; once the commit has started it is completed (renames take milliseconds),
 * so the tree is never left half-migrated by Ctrl-C.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export const TEMP_SUFFIX = '.alova-ssr-migrate.tmp';
export const JOURNAL_NAME = '.alova-ssr-migrate-journal.json';
/** `.<name>.<pid>.<hex>.alova-ssr-migrate.tmp`: the pid says whether its writer is still alive. */
const TEMP_RE = /^\..+\.(\d+)\.[0-9a-f]{8}\.alova-ssr-migrate\.tmp$/;

export interface WriteTarget {
  /** Absolute path; for a symlink, the link's target (the runner resolves links). */
  abs: string;
  /** Path for messages (relative to the working directory). */
  rel: string;
  content: string;
  /** The file does not exist yet (the context module): its folders may have to be created. */
  created?: boolean;
}

/** Set by the CLI's SIGINT/SIGTERM handlers; read by the writer between files. */
export interface Interrupt {
  signal: NodeJS.Signals | null;
  /**
   * Set when the first temp file is written, and never cleared: from then on the CLI must not exit
   * from its signal handler (the writer stops or completes, and the CLI reports what it wrote).
   */
  writing: boolean;
}

export interface PlanProblem {
  rel: string;
  ruleId: 'read-only-file' | 'output-not-writable';
  message: string;
}

export interface CommitResult {
  written: string[];
  notWritten: string[];
  /** The signal that stopped the run before its commit point, if any. */
  interrupted: NodeJS.Signals | null;
  /** A failure while preparing (nothing written) or, rarely, during the commit. */
  error: string | null;
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String((err as Error)?.message ?? err);
}

function tempPathFor(abs: string): string {
  return path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/** The nearest folder at or above `dir` that exists (a file there is a problem for the caller). */
function nearestExisting(dir: string): { dir: string; st: fs.Stats } | null {
  let d = dir;
  for (;;) {
    try {
      return { dir: d, st: fs.statSync(d) };
    } catch {
      const parent = path.dirname(d);
      if (parent === d) return null;
      d = parent;
    }
  }
}

/**
 * Can a file be created in `dir`? Answered by creating (and removing) one, because mode bits do not
 * tell the whole truth (root, ACLs, read-only mounts).
 */
function probeFolder(dir: string): string | null {
  const probe = path.join(dir, `.probe.${process.pid}.${crypto.randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
  try {
    fs.closeSync(fs.openSync(probe, 'wx'));
    fs.unlinkSync(probe);
    return null;
  } catch (err) {
    return errCode(err);
  }
}

/**
 * Checks one target: what `plan` reports for it, or null when it can be written. With
 * `createFolders` false the target's folder must exist already (--write-baseline).
 */
export function checkTarget(abs: string, rel: string, createFolders = true): PlanProblem | null {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(abs);
  } catch (err) {
    if (errCode(err) !== 'ENOENT' && errCode(err) !== 'ENOTDIR') return { rel, ruleId: 'output-not-writable', message: `${rel}: cannot be examined (${errCode(err)})` };
  }
  if (st) {
    if (!st.isFile()) return { rel, ruleId: 'output-not-writable', message: `${rel}: exists and is not a regular file` };
    // Mode bits are the user's statement, whoever runs the tool (root ignores them).
    if ((st.mode & 0o222) === 0) {
      return { rel, ruleId: 'read-only-file', message: `${rel}: the file is read-only (mode ${(st.mode & 0o777).toString(8)}); make it writable (chmod u+w) or exclude it with --ignore` };
    }
  }
  const near = nearestExisting(path.dirname(abs));
  if (!createFolders && near && near.dir !== path.dirname(abs)) {
    return { rel, ruleId: 'output-not-writable', message: `${rel}: the folder ${path.relative(process.cwd(), path.dirname(abs)) || '.'} does not exist` };
  }
  if (!near) return { rel, ruleId: 'output-not-writable', message: `${rel}: no existing folder above it` };
  if (!near.st.isDirectory()) return { rel, ruleId: 'output-not-writable', message: `${rel}: ${near.dir} is a file, not a folder` };
  const probe = probeFolder(near.dir);
  if (probe) return { rel, ruleId: 'output-not-writable', message: `${rel}: cannot create files in ${near.dir} (${probe})` };
  return null;
}

/** Step 1: every target checked, and no path named twice (two outputs into one file). */
export function plan(targets: { abs: string; rel: string }[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const seen = new Map<string, string>();
  for (const t of targets) {
    const key = realOrResolved(t.abs);
    const other = seen.get(key);
    if (other !== undefined) {
      problems.push({ rel: t.rel, ruleId: 'output-not-writable', message: `${t.rel}: the same file as ${other}; two outputs cannot share one path` });
      continue;
    }
    seen.set(key, t.rel);
    const p = checkTarget(t.abs, t.rel);
    if (p) problems.push(p);
  }
  return problems;
}

function realOrResolved(abs: string): string {
  try {
    return fs.realpathSync.native(abs);
  } catch {
    const dir = path.dirname(abs);
    return dir === abs ? abs : path.join(realOrResolved(dir), path.basename(abs));
  }
}

interface Prepared {
  target: WriteTarget;
  temp: string;
  /** Copy the content into the existing inode instead of renaming (the file has hard links). */
  inPlace: boolean;
}

interface Journal {
  pid: number;
  entries: { target: string; temp: string; inPlace: boolean }[];
}

/** Writes `content` to a new temp file next to `abs`, with the original's mode and owner. */
function writeTemp(abs: string, content: string, created: boolean): { temp: string; inPlace: boolean } {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(abs);
  } catch {
    /* a created file */
  }
  if (created && !st) makeFolders(path.dirname(abs));
  const dirSt = fs.statSync(path.dirname(abs));
  const mode = st ? st.mode & 0o7777 : 0o644;
  const temp = tempPathFor(abs);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, content);
    // A file keeps its owner (root rewriting a bind-mounted tree must not leave root-owned files);
    // a new file takes its folder's owner. Without the right to chown, the writer's owner stays.
    const uid = st ? st.uid : dirSt.uid;
    const gid = st ? st.gid : dirSt.gid;
    if (typeof process.getuid === 'function' && process.getuid() === 0) fs.fchownSync(fd, uid, gid);
    fs.fchmodSync(fd, mode);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    removeQuietly(temp);
    throw err;
  }
  fs.closeSync(fd);
  return { temp, inPlace: !!st && st.nlink > 1 };
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdirSync loops forever where the file system
 * answers ENOENT for every level (under /proc, for example).
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  let d = dir;
  while (!fs.existsSync(d)) {
    missing.unshift(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing) fs.mkdirSync(m);
}

function removeQuietly(p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    /* already gone */
  }
}

function writeJournal(file: string, journal: Journal): void {
  const temp = tempPathFor(file);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, JSON.stringify(journal));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

/** Replaces the target with the temp file's content: a rename, or an in-place copy for hard links. */
function commitOne(entry: { target: string; temp: string; inPlace: boolean }): void {
  if (!entry.inPlace) {
    fs.renameSync(entry.temp, entry.target);
    return;
  }
  // Every hard link must see the new content, so the inode is kept and rewritten. Not atomic by
  // itself: the temp file (removed only after the copy) lets recovery redo an interrupted copy.
  const content = fs.readFileSync(entry.temp);
  const fd = fs.openSync(entry.target, 'r+');
  try {
    fs.writeSync(fd, content, 0, content.length, 0);
    fs.ftruncateSync(fd, content.length);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.unlinkSync(entry.temp);
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Test hook, off unless set: a pause after each prepared and each committed file, so that the
 * kill -9 test can land its kills inside a write stage that otherwise lasts a few milliseconds.
 * It changes no decision of the writer, only its pace.
 */
const STEP_DELAY_MS = Number(process.env.ALOVA_SSR_MIGRATE_WRITE_DELAY_MS) || 0;
function pace(): void {
  if (STEP_DELAY_MS > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STEP_DELAY_MS);
}

/**
 * Steps 2 and 3. `targets` are written in the given order (the caller puts the context module
 * first and the files that define factories last). `journalFile` is where the commit is recorded.
 */
export async function writeAll(targets: WriteTarget[], journalFile: string, interrupt: Interrupt): Promise<CommitResult> {
  const result: CommitResult = { written: [], notWritten: targets.map((t) => t.rel), interrupted: null, error: null };
  if (!targets.length) return result;
  const prepared: Prepared[] = [];
  const abort = (error: string | null): CommitResult => {
    for (const p of prepared) removeQuietly(p.temp);
    return { ...result, error, interrupted: error ? null : interrupt.signal };
  };
  interrupt.writing = true;
  for (const target of targets) {
    // Between files: a signal stops the run here, before anything is committed.
    await turn();
    if (interrupt.signal) return abort(null);
    try {
      prepared.push({ target, ...writeTemp(target.abs, target.content, !!target.created) });
      pace();
    } catch (err) {
      return abort(`cannot write ${target.rel} (${errCode(err)}); no file was changed`);
    }
  }
  await turn();
  if (interrupt.signal) return abort(null);
  try {
    writeJournal(journalFile, { pid: process.pid, entries: prepared.map((p) => ({ target: p.target.abs, temp: p.temp, inPlace: p.inPlace })) });
  } catch (err) {
    return abort(`cannot write the journal ${journalFile} (${errCode(err)}); no file was changed`);
  }
  // The commit point is passed: finish it whatever happens, signals included.
  const failed: string[] = [];
  for (const p of prepared) {
    try {
      commitOne({ target: p.target.abs, temp: p.temp, inPlace: p.inPlace });
      result.written.push(p.target.rel);
      pace();
    } catch (err) {
      failed.push(`${p.target.rel} (${errCode(err)})`);
      removeQuietly(p.temp);
    }
  }
  removeQuietly(journalFile);
  const written = new Set(result.written);
  result.notWritten = targets.map((t) => t.rel).filter((r) => !written.has(r));
  if (failed.length) result.error = `cannot replace ${failed.join(', ')} after the other files were written; re-run to complete the migration`;
  return result;
}

/** Atomic single-file write (temp + rename) for the report and baseline files. */
export function writeFileAtomic(abs: string, content: string, createFolders = true): void {
  const { temp } = writeTemp(abs, content, createFolders);
  try {
    fs.renameSync(temp, abs);
  } catch (err) {
    removeQuietly(temp);
    throw err;
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errCode(err) === 'EPERM';
  }
}

/**
 * Completes a commit that a killed run left behind. Returns notes for the report, or an error
 * when another run that is still alive owns the journal.
 */
export function recoverJournal(journalFile: string, rel: (abs: string) => string): { notes: string[]; error: string | null } {
  let journal: Journal;
  try {
    journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as Journal;
  } catch (err) {
    if (errCode(err) === 'ENOENT') return { notes: [], error: null };
    return { notes: [], error: `cannot read the journal ${rel(journalFile)} left by an interrupted run (${errCode(err)}); remove it after checking the files it lists` };
  }
  if (pidAlive(journal.pid)) return { notes: [], error: `another run (pid ${journal.pid}) is writing this tree (${rel(journalFile)}); wait for it to finish` };
  let done = 0;
  const left: string[] = [];
  for (const e of journal.entries) {
    if (!fs.existsSync(e.temp)) continue; // committed before the kill
    try {
      commitOne(e);
      done++;
    } catch (err) {
      left.push(`${rel(e.target)} (${errCode(err)})`);
    }
  }
  if (left.length) return { notes: [], error: `could not complete the interrupted run's commit for ${left.join(', ')}; the journal ${rel(journalFile)} was kept` };
  removeQuietly(journalFile);
  return { notes: [`completed the commit of an interrupted run from its journal: ${done} of ${journal.entries.length} file(s) were still to be written`], error: null };
}

/** Is `name` one of our temp files whose writer is gone (killed)? */
export function isStaleTemp(name: string): boolean {
  const m = TEMP_RE.exec(name);
  return !!m && !pidAlive(Number(m[1]));
}
