/**
 * The hostile-input table of issue 10, one case per row (and the smaller ones). Every tree is
 * generated here, at test time. Each case asserts the exit code, the message, that the run neither
 * hung nor printed a stack trace, and, byte for byte, that nothing outside the intended edits changed.
 *
 * "Unreadable" as root: mode bits do not stop root, so those cases run the CLI as uid 1234 through
 * `setpriv --reuid 1234` (a real unprivileged process; the tree is chowned to that uid where it
 * must be writable by it).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliOptions,
  type CliResult,
  type Entry,
  FACTORY_FILE,
  IS_ROOT,
  OTHER_UID,
  PACKAGE_JSON,
  STACK_TRACE,
  changedPaths,
  chownTree,
  git,
  runCli,
  snapshot,
  tempRoot,
  writeTree,
} from './harness.js';

const TMP = tempRoot('cases');
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

/** Figures for docs/guarantees.md, printed at the end of the suite. */
const figures = { cases: 0, damaged: 0, stackTraces: 0, hangs: 0, silentPasses: 0 };
afterAll(() => {
  process.stdout.write(`hostile figures: ${JSON.stringify(figures)}\n`);
});

/** What a clean run makes of FACTORY_FILE at src/server.js, and the context module it creates. */
let MIGRATED = '';
let CONTEXT = '';
const CONTEXT_REL = 'src/alova-request-context.mjs';

beforeAll(() => {
  const dir = project('reference');
  const r = runCli(['src', '--allow-dirty'], { cwd: dir });
  expect(r.status).toBe(0);
  MIGRATED = fs.readFileSync(path.join(dir, 'src/server.js'), 'utf8');
  CONTEXT = fs.readFileSync(path.join(dir, CONTEXT_REL), 'utf8');
  expect(MIGRATED).not.toBe(FACTORY_FILE);
});

let counter = 0;
function project(label: string, files: Record<string, string | Buffer> = { 'src/server.js': FACTORY_FILE }): string {
  const dir = path.join(TMP, `${++counter}-${label}`);
  writeTree(dir, { 'package.json': PACKAGE_JSON, ...files });
  return dir;
}

interface Expectation {
  exit: number;
  /** Matched against stdout + stderr. */
  message: RegExp;
  /** The only paths allowed to differ afterwards (everything else byte-identical, same mode/owner/type). */
  changes?: string[];
}

/** Runs one case and checks the assertions every case shares. */
function expectRun(dir: string, r: CliResult, before: Map<string, Entry>, e: Expectation): Map<string, Entry> {
  figures.cases++;
  const out = r.stdout + r.stderr;
  if (r.timedOut) figures.hangs++;
  if (STACK_TRACE.test(out)) figures.stackTraces++;
  if (e.exit !== 0 && r.status === 0) figures.silentPasses++;
  const after = snapshot(dir);
  const changed = changedPaths(before, after);
  if (changed.some((c) => !(e.changes ?? []).includes(c))) figures.damaged++;
  expect(r.timedOut, 'the run hung').toBe(false);
  expect(out).not.toMatch(STACK_TRACE);
  expect({ status: r.status, out }).toMatchObject({ status: e.exit });
  expect(out).toMatch(e.message);
  expect(changed).toEqual([...(e.changes ?? [])].sort());
  return after;
}

/** Snapshots the tree (unless `before` is given), runs the CLI, and checks the shared assertions. */
function runCase(dir: string, args: string[], o: Omit<CliOptions, 'cwd'> & { cwd: string }, before: Map<string, Entry> | undefined, e: Expectation): Map<string, Entry> {
  const b = before ?? snapshot(dir);
  return expectRun(dir, runCli(args, o), b, e);
}

const text = (m: Map<string, Entry>, rel: string) => m.get(rel)?.bytes?.toString('utf8');

describe('table rows', () => {
  it('Latin-1 bytes: the file is left byte for byte unchanged, with an unsupported-encoding item', () => {
    const latin1 = Buffer.concat([Buffer.from(FACTORY_FILE), Buffer.from('// caf\xe9 cr\xe8me\n', 'latin1')]);
    const dir = project('latin1', { 'src/server.js': latin1 });
    const before = snapshot(dir);
    runCase(dir, ['src', '--allow-dirty'], { cwd: dir }, before, { exit: 1, message: /unsupported-encoding.*byte 0xe9 at line 68, column 7/s });
    runCase(dir, ['src', '--check'], { cwd: dir }, before, { exit: 1, message: /unsupported-encoding/ });
  });

  it('UTF-16 (with a byte order mark) is not UTF-8 either: unchanged, and --check fails', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(FACTORY_FILE, 'utf16le')]);
    const dir = project('utf16', { 'src/server.js': utf16 });
    runCase(dir, ['src', '--check'], { cwd: dir }, undefined, { exit: 1, message: /unsupported-encoding.*UTF-16 LE/s });
  });

  it('a symlink inside the root: its target is migrated once and the link stays a link', () => {
    const dir = project('symlink', { 'src/zreal.js': FACTORY_FILE });
    fs.symlinkSync('zreal.js', path.join(dir, 'src/alink.js'));
    const after = runCase(dir, ['src', '--allow-dirty'], { cwd: dir }, undefined, {
      exit: 0,
      message: /Done: 2 files migrated/,
      changes: [CONTEXT_REL, 'src/zreal.js'],
    });
    expect(after.get('src/alink.js')).toMatchObject({ type: 'link', target: 'zreal.js' });
    // The instance id names the file that defines it: the target.
    expect(text(after, 'src/zreal.js')).toBe(MIGRATED.replaceAll("'src/server.js#", "'src/zreal.js#"));
    expect(text(after, CONTEXT_REL)).toBe(CONTEXT);
  });

  it('a symlink to a file outside the root is never written through', () => {
    const dir = project('symlink-out', { 'outside/server.js': FACTORY_FILE, 'src/main.js': 'export {};\n' });
    fs.symlinkSync('../outside/server.js', path.join(dir, 'src/server.js'));
    runCase(dir, ['src', '--allow-dirty'], { cwd: dir }, undefined, { exit: 0, message: /src\/server\.js: symlink points outside the given paths; not followed/ });
  });

  it('the context module cannot be written (--context-module under a file): nothing is written, exit 2', () => {
    const dir = project('ctx-under-file', { 'src/server.js': FACTORY_FILE, 'src/api.ts': 'export {};\n' });
    runCase(dir, ['src', '--allow-dirty', '--context-module', 'src/api.ts/ctx'], { cwd: dir }, undefined, {
      exit: 2,
      message: /output-not-writable: src\/api\.ts\/ctx\.mjs: .*src\/api\.ts is a file, not a folder; nothing was written/,
    });
  });

  it.runIf(IS_ROOT)('the context module cannot be written (a read-only folder, run as uid 1234): nothing is written, exit 2', () => {
    const dir = project('ctx-readonly-dir', { 'src/server.js': FACTORY_FILE, 'gen/.keep': '' });
    chownTree(dir, OTHER_UID);
    fs.chmodSync(path.join(dir, 'gen'), 0o555);
    runCase(dir, ['src', '--allow-dirty', '--context-module', 'gen/ctx'], { cwd: dir, asUid: OTHER_UID }, undefined, {
      exit: 2,
      message: /output-not-writable: gen\/ctx\.mjs: cannot create files in .*gen \(EACCES\); nothing was written/,
    });
  });

  it.runIf(IS_ROOT)('--check with an unreadable folder that holds a factory fails (run as uid 1234)', () => {
    const dir = project('unreadable-dir', { 'src/main.js': 'export {};\n', 'src/secret/server.js': FACTORY_FILE });
    fs.chmodSync(path.join(dir, 'src/secret'), 0o000);
    try {
      runCase(dir, ['src', '--check'], { cwd: dir, asUid: OTHER_UID }, undefined, { exit: 1, message: /src\/secret\s+unreadable-file\s+cannot read directory: EACCES/ });
    } finally {
      fs.chmodSync(path.join(dir, 'src/secret'), 0o755);
    }
  });

  it.runIf(IS_ROOT)('an unreadable file fails the run, apply and --check alike (run as uid 1234)', () => {
    const dir = project('unreadable-file', { 'src/server.js': FACTORY_FILE, 'src/other.js': 'export {};\n' });
    chownTree(dir, OTHER_UID);
    fs.chownSync(path.join(dir, 'src/other.js'), 0, 0);
    fs.chmodSync(path.join(dir, 'src/other.js'), 0o600);
    const before = snapshot(dir);
    runCase(dir, ['src', '--check'], { cwd: dir, asUid: OTHER_UID }, before, { exit: 1, message: /src\/other\.js\s+unreadable-file\s+cannot read the file \(EACCES\)/ });
    runCase(dir, ['src', '--allow-dirty'], { cwd: dir, asUid: OTHER_UID }, before, {
      exit: 1,
      message: /src\/other\.js\s+unreadable-file\s+cannot read the file \(EACCES\)/,
      changes: [CONTEXT_REL, 'src/server.js'],
    });
  });

  it.runIf(IS_ROOT)('root on a repository owned by another user: "dubious ownership" is an error naming the fix', () => {
    const dir = project('dubious', { 'src/server.js': FACTORY_FILE });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'init');
    fs.appendFileSync(path.join(dir, 'src/server.js'), '// uncommitted work\n');
    chownTree(dir, OTHER_UID);
    const home = tempRoot('home');
    runCase(dir, ['src'], { cwd: dir, env: { HOME: home, GIT_CONFIG_NOSYSTEM: '1' } }, undefined, {
      exit: 2,
      message: /^alova-ssr-migrate: git refuses to read .*dubious ownership.*git config --global --add safe\.directory .*\n$/s,
    });
  });

  it.runIf(IS_ROOT)('root with --allow-dirty on a tree owned by another user: rewritten and created files keep that owner', () => {
    const dir = project('owner', { 'src/server.js': FACTORY_FILE });
    chownTree(dir, OTHER_UID);
    fs.chmodSync(path.join(dir, 'src/server.js'), 0o640);
    const after = runCase(dir, ['src', '--allow-dirty'], { cwd: dir }, undefined, { exit: 0, message: /Done: 2 files migrated/, changes: [CONTEXT_REL, 'src/server.js'] });
    expect(after.get('src/server.js')).toMatchObject({ uid: OTHER_UID, gid: OTHER_UID, mode: 0o640 });
    expect(after.get(CONTEXT_REL)).toMatchObject({ uid: OTHER_UID, gid: OTHER_UID });
  });

  it('a path through a symlink into another repository with uncommitted work: the guard runs there', () => {
    const other = project('other-repo', { 'src/server.js': FACTORY_FILE });
    git(other, 'init', '-q');
    git(other, 'add', '.');
    git(other, 'commit', '-qm', 'init');
    fs.appendFileSync(path.join(other, 'src/server.js'), '// uncommitted work\n');
    const dir = project('this-repo', { 'src/main.js': 'export {};\n' });
    git(dir, 'init', '-q');
    fs.symlinkSync(path.join(other, 'src'), path.join(dir, 'linked'));
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'init');
    const beforeOther = snapshot(other);
    const before = snapshot(dir);
    // Alone, the linked path is checked in the repository it lands in: dirty, so nothing is written.
    runCase(dir, ['linked'], { cwd: dir }, before, { exit: 2, message: /^alova-ssr-migrate: refusing to write: 1 uncommitted change/ });
    // With a path of this repository, one check cannot cover both: an error naming the fix.
    runCase(dir, ['src', 'linked'], { cwd: dir }, before, { exit: 2, message: /^alova-ssr-migrate: .*\/linked is in another git repository .*run the tool once per repository/s });
    expect(changedPaths(beforeOther, snapshot(other))).toEqual([]);
  });

  it('a FIFO named .gitignore and a FIFO named package.json do not hang the run', () => {
    const dir = project('fifo', { 'src/server.js': FACTORY_FILE });
    fs.rmSync(path.join(dir, 'package.json'));
    spawnSync('mkfifo', [path.join(dir, '.gitignore'), path.join(dir, 'package.json'), path.join(dir, 'src/.gitignore'), path.join(dir, 'src/pipe.ts'), path.join(dir, 'tsconfig.json')]);
    expect(fs.statSync(path.join(dir, 'package.json')).isFIFO()).toBe(true);
    const before = snapshot(dir);
    runCase(dir, ['.', '--check'], { cwd: dir, timeoutMs: 30_000 }, before, { exit: 1, message: /--check found 2 files to migrate/ });
    // With package.json unreadable nothing proves the importer runs as native ESM, so the placement
    // rule (docs/workspaces.md) picks the .cjs module, which import and require() both load.
    runCase(dir, ['.', '--allow-dirty'], { cwd: dir, timeoutMs: 30_000 }, before, { exit: 0, message: /Done: 2 files migrated/, changes: ['alova-request-context.cjs', 'src/server.js'] });
  });

  it('a socket and a device with source names are never opened', async () => {
    const dir = project('special', { 'src/server.js': FACTORY_FILE });
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'src/socket.ts'), resolve));
    if (IS_ROOT) spawnSync('mknod', [path.join(dir, 'src/device.ts'), 'c', '1', '3']);
    try {
      runCase(dir, ['src', '--check'], { cwd: dir, timeoutMs: 30_000 }, undefined, { exit: 1, message: /--check found 2 files to migrate/ });
    } finally {
      server.close();
    }
  });

  it('stdout to a full device: one line, exit 2, no stack trace (check and apply)', () => {
    const dir = project('dev-full', { 'src/server.js': FACTORY_FILE });
    const before = snapshot(dir);
    runCase(dir, ['src', '--check'], { cwd: dir, stdoutTo: '/dev/full' }, before, { exit: 2, message: /^alova-ssr-migrate: cannot write the report to stdout \(ENOSPC\); the run itself ended with exit 1\n$/ });
    runCase(dir, ['src', '--allow-dirty'], { cwd: dir, stdoutTo: '/dev/full' }, before, {
      exit: 2,
      message: /^alova-ssr-migrate: cannot write the report to stdout \(ENOSPC\); the run itself ended with exit 0\n$/,
      changes: [CONTEXT_REL, 'src/server.js'],
    });
  });

  it('--output-file to an unwritable path: nothing is written, exit 2, one line', () => {
    const dir = project('output-file', { 'src/server.js': FACTORY_FILE, 'reports/.keep': '' });
    runCase(dir, ['src', '--allow-dirty', '--reporter', 'json', '--output-file', 'src/server.js/report.json'], { cwd: dir }, undefined, {
      exit: 2,
      message: /^alova-ssr-migrate: cannot write --output-file src\/server\.js\/report\.json: .*src\/server\.js is a file, not a folder; nothing was written\n$/,
    });
    runCase(dir, ['src', '--allow-dirty', '--output-file', 'reports'], { cwd: dir }, undefined, { exit: 2, message: /^alova-ssr-migrate: cannot write --output-file reports: exists and is not a regular file; nothing was written\n$/ });
  });

  it('--write-baseline to an unwritable path, or to a file the run rewrites: nothing is written, exit 2', () => {
    const dir = project('baseline', { 'src/server.js': FACTORY_FILE });
    fs.mkdirSync(path.join(dir, 'base.json'));
    runCase(dir, ['src', '--allow-dirty', '--write-baseline', 'base.json'], { cwd: dir }, undefined, { exit: 2, message: /^alova-ssr-migrate: cannot write --write-baseline base\.json: exists and is not a regular file; nothing was written\n$/ });
    runCase(dir, ['src', '--allow-dirty', '--write-baseline', 'src/server.js'], { cwd: dir }, undefined, { exit: 2, message: /output-not-writable: src\/server\.js: the same file as src\/server\.js/ });
  });
});

describe('smaller ones', () => {
  it('FORCE_COLOR=0 turns colour off; FORCE_COLOR=1 turns it on (control)', () => {
    const dir = project('color', { 'src/server.js': FACTORY_FILE });
    const before = snapshot(dir);
    const off = runCli(['src', '--check'], { cwd: dir, env: { FORCE_COLOR: '0' } });
    expectRun(dir, off, before, { exit: 1, message: /--check found/ });
    expect(off.stdout).not.toContain('\x1b[');
    const on = runCli(['src', '--check'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expectRun(dir, on, before, { exit: 1, message: /--check found/ });
    expect(on.stdout).toContain('\x1b[');
  });

  it('a read-only (444) file is reported and nothing is written', () => {
    const dir = project('readonly', { 'src/server.js': FACTORY_FILE });
    fs.chmodSync(path.join(dir, 'src/server.js'), 0o444);
    runCase(dir, ['src', '--allow-dirty'], { cwd: dir }, undefined, { exit: 2, message: /read-only-file: src\/server\.js: the file is read-only \(mode 444\)/ });
  });

  it('5,000-deep nesting is "too deeply nested", not a syntax error', () => {
    const deep = `import { createAlova } from 'alova';\nexport const x = ${'['.repeat(5000)}${']'.repeat(5000)};\n`;
    const dir = project('deep', { 'src/deep.js': deep });
    const before = snapshot(dir);
    const r = runCli(['src', '--check'], { cwd: dir });
    expectRun(dir, r, before, { exit: 1, message: /src\/deep\.js\s+too-deeply-nested\s+too deeply nested to parse/ });
    expect(r.stdout).not.toMatch(/syntax-error/);
  });

  it('a hard-linked file is rewritten in place: every link sees the migration; the mode is kept', () => {
    const dir = project('hardlink', { 'src/server.js': FACTORY_FILE });
    fs.chmodSync(path.join(dir, 'src/server.js'), 0o640);
    fs.linkSync(path.join(dir, 'src/server.js'), path.join(dir, 'server-copy.js'));
    const before = snapshot(dir);
    const after = runCase(dir, ['src', '--allow-dirty'], { cwd: dir }, before, { exit: 0, message: /Done: 2 files migrated/, changes: [CONTEXT_REL, 'server-copy.js', 'src/server.js'] });
    expect(after.get('src/server.js')).toMatchObject({ ino: before.get('src/server.js')!.ino, nlink: 2, mode: 0o640 });
    expect(text(after, 'server-copy.js')).toBe(MIGRATED);
    expect(text(after, 'src/server.js')).toBe(MIGRATED);
  });

  it('--check fails on a file too large to parse that mentions createAlova, and on a binary one; a large file without it passes', () => {
    const big = FACTORY_FILE + `// ${'x'.repeat(1100 * 1024)}\n`;
    const dir = project('large', { 'src/big.js': big, 'src/bin.js': Buffer.concat([Buffer.from(FACTORY_FILE), Buffer.from([0, 1, 2])]) });
    runCase(dir, ['src', '--check'], { cwd: dir }, undefined, { exit: 1, message: /src\/big\.js\s+file-too-large.*src\/bin\.js\s+binary-file/s });
    const plain = project('large-plain', { 'src/big.js': `// ${'x'.repeat(1100 * 1024)}\n` });
    runCase(plain, ['src', '--check'], { cwd: plain }, undefined, { exit: 0, message: /Check passed/ });
  });

  it('temp files left by a killed run are removed by the next apply and mentioned', () => {
    // pid 99999999 is above Linux's pid_max: no live process owns this file.
    const stale = 'src/.server.js.99999999.0badc0de.alova-ssr-migrate.tmp';
    const dir = project('leftover', { 'src/server.js': FACTORY_FILE, [stale]: 'half a file' });
    const before = snapshot(dir);
    runCase(dir, ['src', '--check'], { cwd: dir }, before, { exit: 1, message: /1 temp file\(s\) left by a run that was killed \(an apply run removes them\)/ });
    runCase(dir, ['src', '--allow-dirty'], { cwd: dir }, before, {
      exit: 0,
      message: new RegExp(`removed 1 temp file\\(s\\) left by a run that was killed: ${stale.replace(/\./g, '\\.')}`),
      changes: [CONTEXT_REL, stale, 'src/server.js'],
    });
  });

  it('a journal left by a run killed during its commit: --check refuses to pass; apply completes it', () => {
    const dir = project('journal', { 'src/server.js': FACTORY_FILE });
    // As a run killed after renaming the context module, before renaming server.js, leaves it.
    const temp = path.join(dir, 'src/.server.js.99999999.0badc0de.alova-ssr-migrate.tmp');
    fs.writeFileSync(temp, MIGRATED);
    fs.writeFileSync(path.join(dir, CONTEXT_REL), CONTEXT);
    const entries = [
      { target: path.join(dir, CONTEXT_REL), temp: path.join(dir, 'src/.alova-request-context.mjs.99999999.0badc0df.alova-ssr-migrate.tmp'), inPlace: false },
      { target: path.join(dir, 'src/server.js'), temp, inPlace: false },
    ];
    fs.writeFileSync(path.join(dir, 'src/.alova-ssr-migrate-journal.json'), JSON.stringify({ pid: 99999999, entries }));
    const before = snapshot(dir);
    runCase(dir, ['src', '--check'], { cwd: dir }, before, { exit: 2, message: /^alova-ssr-migrate: src\/\.alova-ssr-migrate-journal\.json: an earlier run was killed while writing/ });
    const after = runCase(dir, ['src', '--allow-dirty'], { cwd: dir }, before, {
      exit: 0,
      message: /completed the commit of an interrupted run from its journal: 1 of 2 file\(s\).*Done: nothing to migrate/s,
      changes: ['src/.alova-ssr-migrate-journal.json', 'src/.server.js.99999999.0badc0de.alova-ssr-migrate.tmp', 'src/server.js'],
    });
    expect(text(after, 'src/server.js')).toBe(MIGRATED);
  });
});
