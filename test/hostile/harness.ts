/**
 * Shared parts of the hostile-input suites: trees generated at test time in a temp folder, the
 * built CLI run as a child process (optionally as an unprivileged uid), and a byte-level record
 * of a tree to prove that nothing outside the intended edits changed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built CLI; HOSTILE_CLI points the suite at another build (to show a case fails without the change). */
export const CLI = process.env.HOSTILE_CLI ?? path.join(REPO, 'dist/bin/alova-ssr-migrate.js');
/** A uid/gid that owns nothing on this machine (root runs these tests in CI and here). */
export const OTHER_UID = 1234;
export const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** A per-request factory and four callers in one file (the example app's server). */
export const FACTORY_FILE = fs.readFileSync(path.join(REPO, 'fixtures/example-app/src/server.js'), 'utf8');
export const PACKAGE_JSON = JSON.stringify({ name: 'hostile', private: true, type: 'module', dependencies: { alova: '^3' } }, null, 2) + '\n';

/** `src/api/api<n>.js`: an exported per-request factory `createApi<n>`. */
export const apiModule = (n: number) => `import { createAlova } from 'alova';
import adapterFetch from 'alova/fetch';

export function createApi${n}(token) {
  return createAlova({
    requestAdapter: adapterFetch(),
    beforeRequest(method) {
      method.config.headers.Authorization = token;
    },
  });
}
`;

/** `src/routes/r<n>.js`: a caller of `createApi<n>` in another file. */
export const callerModule = (n: number) => `import { createApi${n} } from '../api/api${n}.js';

export async function load${n}(req) {
  const api = createApi${n}(req.headers.authorization);
  return await api.Get('/items/${n}');
}
`;

export function tempRoot(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `alova-hostile-${label}-`));
  // Traversable by the unprivileged uid some cases run as.
  fs.chmodSync(dir, 0o755);
  return dir;
}

export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

export interface Entry {
  type: 'file' | 'dir' | 'link' | 'fifo' | 'socket' | 'char' | 'block';
  mode: number;
  uid: number;
  gid: number;
  ino: number;
  nlink: number;
  bytes?: Buffer;
  target?: string;
}

/** Every entry under `root` (lstat: links are recorded, not followed). */
export function snapshot(root: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      const st = fs.lstatSync(abs);
      const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, ino: st.ino, nlink: st.nlink };
      if (st.isSymbolicLink()) out.set(rel, { ...base, type: 'link', target: fs.readlinkSync(abs) });
      else if (st.isDirectory()) {
        out.set(rel, { ...base, type: 'dir' });
        if (name !== '.git') walk(abs);
      } else if (st.isFile()) out.set(rel, { ...base, type: 'file', bytes: fs.readFileSync(abs) });
      else out.set(rel, { ...base, type: st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : st.isCharacterDevice() ? 'char' : 'block' });
    }
  };
  walk(root);
  return out;
}

/**
 * The paths whose entry differs between two snapshots (added, removed, other bytes, mode, owner,
 * type or link target). Inode numbers are compared only when `inodes` is set (a rewrite by
 * rename gives a file a new inode, which is intended).
 */
export function changedPaths(before: Map<string, Entry>, after: Map<string, Entry>, inodes = false): string[] {
  const out: string[] = [];
  for (const [rel, a] of after) {
    const b = before.get(rel);
    if (!b) out.push(rel);
    else if (
      a.type !== b.type ||
      a.mode !== b.mode ||
      a.uid !== b.uid ||
      a.gid !== b.gid ||
      a.target !== b.target ||
      (a.bytes && b.bytes && !a.bytes.equals(b.bytes)) ||
      (a.type !== 'dir' && inodes && a.ino !== b.ino)
    )
      out.push(rel);
  }
  for (const rel of before.keys()) if (!after.has(rel)) out.push(rel);
  return out.sort();
}

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The child did not finish within the timeout (a hang). */
  timedOut: boolean;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Run as this uid/gid through setpriv (a child of root that root's privileges do not help). */
  asUid?: number;
  /** Redirect stdout to this path (e.g. /dev/full). */
  stdoutTo?: string;
  timeoutMs?: number;
}

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, CI: '1', ...extra };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

export function runCli(args: string[], o: CliOptions): CliResult {
  const cmd = o.asUid !== undefined ? 'setpriv' : process.execPath;
  const argv = o.asUid !== undefined ? [`--reuid=${o.asUid}`, `--regid=${o.asUid}`, '--clear-groups', process.execPath, CLI, ...args] : [CLI, ...args];
  let stdio: ('pipe' | number)[] = ['ignore', 'pipe', 'pipe'];
  let fd: number | undefined;
  if (o.stdoutTo) {
    fd = fs.openSync(o.stdoutTo, 'w');
    stdio = ['ignore', fd, 'pipe'];
  }
  const r: SpawnSyncReturns<string> = spawnSync(cmd, argv, { cwd: o.cwd, env: cleanEnv(o.env), encoding: 'utf8', timeout: o.timeoutMs ?? 60_000, stdio, killSignal: 'SIGKILL' });
  if (fd !== undefined) fs.closeSync(fd);
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut };
}

/** Starts the CLI without waiting (for the signal tests). */
export function startCli(args: string[], cwd: string) {
  return spawn(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A JS stack frame in the output: the tool printed a stack trace. */
export const STACK_TRACE = /\n\s+at .+(:\d+:\d+\)?|\(node:)/;

export function chownTree(root: string, uid: number): void {
  const walk = (p: string) => {
    fs.lchownSync(p, uid, uid);
    if (fs.lstatSync(p).isDirectory()) for (const n of fs.readdirSync(p)) walk(path.join(p, n));
  };
  walk(root);
}

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8', env: cleanEnv({ HOME: cwd }) });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
