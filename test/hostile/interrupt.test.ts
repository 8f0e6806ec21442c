/**
 * Interruption: `kill -9` at 20 random points of an apply over a generated tree of 300 changing
 * files, and SIGINT/SIGTERM while writing. After every kill each file is wholly old or wholly new;
 * a re-run completes to exactly the tree an uninterrupted run leaves, and `--check` agrees.
 *
 * Most kill points are drawn inside the write stage (at a random one of the file-system events
 * its temp files make), the rest at a random time anywhere in the run. The points
 * come from a seeded PRNG, so a failure can be replayed (the seed is in the test name).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../bench/lib/prng.mjs';
import { CLI, PACKAGE_JSON, apiModule, callerModule, cleanEnv, snapshot, tempRoot, writeTree, type Entry } from './harness.js';

const SEED = 20260610;
const TRIALS = 20;
const TMP = tempRoot('interrupt');
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

/**
 * 300 modules with an exported per-request factory (300 changing files) and 100 callers in other
 * files, which stay as written (the factories return request-bound handles), plus an unrelated file.
 */
// The generated factories carry no request evidence of their own: a server package (express in its
// dependencies) is what tells the classifier they run per request (docs/what-is-left-alone.md).
const SERVER_PACKAGE_JSON = PACKAGE_JSON.replace('"alova": "^3"', '"alova": "^3",\n    "express": "^5"');

function generate(dir: string): void {
  const files: Record<string, string> = { 'package.json': SERVER_PACKAGE_JSON, 'src/unrelated.js': 'export const x = 1;\n' };
  for (let n = 0; n < 300; n++) files[`src/api/api${n}.js`] = apiModule(n);
  for (let n = 0; n < 100; n++) files[`src/routes/r${n}.js`] = callerModule(n);
  writeTree(dir, files);
}

interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI. An interrupted run is paced (ALOVA_SSR_MIGRATE_WRITE_DELAY_MS, a pause after each
 * file the writer prepares or commits): unpaced, its whole write stage takes a few milliseconds and
 * almost every kill would land before or after it. Re-runs and checks are not paced.
 */
function cli(args: string[], cwd: string, onSpawn?: (child: ReturnType<typeof spawn>) => void): Promise<Exit> {
  return new Promise((resolve) => {
    const env = cleanEnv(onSpawn ? { ALOVA_SSR_MIGRATE_WRITE_DELAY_MS: '3' } : {});
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
    onSpawn?.(child);
  });
}

/** Temp files of one run: 301 outputs and the journal's own temp file. */
const TEMPS = 302;

/**
 * Calls `fn` at the n-th "rename" event on one of the run's temp files under `dir`: each temp file
 * gives one when it is created (prepare) and one when it is renamed over its target (commit), so
 * n in [1, 2 x TEMPS] spreads the kills over both phases of the write stage.
 */
function onTempEvent(dir: string, n: number, fn: () => void): () => void {
  return onRename(dir, (name) => name.endsWith('.alova-ssr-migrate.tmp'), n, fn);
}

/** Calls `fn` at the n-th "rename" event under `dir` whose file name passes `test`. */
function onRename(dir: string, test: (name: string) => boolean, n: number, fn: () => void): () => void {
  let seen = 0;
  const watcher = fs.watch(dir, { recursive: true }, (event, name) => {
    if (event !== 'rename' || !name || !test(path.basename(String(name)))) return;
    if (++seen === n) fn();
  });
  return () => watcher.close();
}

let ORIGINAL: Map<string, Entry>;
let MIGRATED: Map<string, Entry>;
let TOTAL_MS = 0;

beforeAll(async () => {
  const dir = path.join(TMP, 'reference');
  generate(dir);
  ORIGINAL = snapshot(dir);
  const t0 = Date.now();
  const r = await cli(['src', '--allow-dirty', '--reporter', 'json', '--output-file', '../reference.json'], dir);
  TOTAL_MS = Date.now() - t0;
  expect(r.status, r.stderr).toBe(0);
  const report = JSON.parse(fs.readFileSync(path.join(TMP, 'reference.json'), 'utf8'));
  expect(report.summary.filesChanged).toBe(301); // 300 files and the context module
  MIGRATED = snapshot(dir);
}, 120_000);

const bytesOf = (m: Map<string, Entry>, rel: string) => m.get(rel)?.bytes;
const isOurs = (rel: string) => rel.endsWith('.alova-ssr-migrate.tmp') || rel.endsWith('.alova-ssr-migrate-journal.json');

/** Every file wholly old or wholly new; nothing else but our temp files and journal. */
function expectOldOrNew(tree: Map<string, Entry>): { oldCount: number; newCount: number } {
  let oldCount = 0;
  let newCount = 0;
  for (const [rel, e] of tree) {
    if (e.type === 'dir' || isOurs(rel)) continue;
    const o = bytesOf(ORIGINAL, rel);
    const n = bytesOf(MIGRATED, rel);
    const isOld = !!o && e.bytes!.equals(o);
    const isNew = !!n && e.bytes!.equals(n);
    expect(isOld || isNew, `${rel} is neither the old nor the new file`).toBe(true);
    if (isNew && !isOld) newCount++;
    else oldCount++;
  }
  return { oldCount, newCount };
}

function expectMigrated(tree: Map<string, Entry>): void {
  const rels = (m: Map<string, Entry>) => [...m.keys()].sort();
  expect(rels(tree)).toEqual(rels(MIGRATED));
  for (const [rel, e] of tree) if (e.bytes) expect(e.bytes.equals(bytesOf(MIGRATED, rel)!), rel).toBe(true);
}

async function completeAndCheck(dir: string): Promise<void> {
  const again = await cli(['src', '--allow-dirty'], dir);
  expect(again.status, again.stdout + again.stderr).toBe(0);
  expectMigrated(snapshot(dir));
  const check = await cli(['src', '--check'], dir);
  expect(check.status, check.stdout).toBe(0);
}

describe(`kill -9 during apply (seed ${SEED})`, () => {
  const rng = new Rng(SEED);
  const points = Array.from({ length: TRIALS }, (_, i) => ({ inWrite: i % 4 !== 0, at: rng.next() }));
  const seen = { killedBeforeWrite: 0, partial: 0, killedAfterCommit: 0 };
  afterAll(() => process.stdout.write(`kill -9 trials: ${JSON.stringify(seen)}\n`));

  // Two trials at a time: each spends most of its time in child processes.
  for (let pair = 0; pair < TRIALS; pair += 2) {
    it(`trials ${pair + 1}-${pair + 2}`, async () => {
      await Promise.all(
        [pair, pair + 1].map(async (i) => {
          const dir = path.join(TMP, `kill-${i}`);
          generate(dir);
          const p = points[i];
          let stop = () => {};
          const r = await cli(['src', '--allow-dirty'], dir, (child) => {
            const kill = () => child.kill('SIGKILL');
            if (p.inWrite) stop = onTempEvent(path.join(dir, 'src'), 1 + Math.floor(p.at * 2 * TEMPS), kill);
            else setTimeout(kill, Math.floor(p.at * TOTAL_MS));
          });
          stop();
          const { newCount } = expectOldOrNew(snapshot(dir));
          if (r.signal !== 'SIGKILL') seen.killedAfterCommit++;
          else if (newCount === 0) seen.killedBeforeWrite++;
          else seen.partial++;
          await completeAndCheck(dir);
        }),
      );
    }, 240_000);
  }
});

describe('SIGINT and SIGTERM while writing', () => {
  // SIGINT at the first temp file (prepare: nothing is written); SIGTERM when the journal appears
  // (the commit point: the commit is completed).
  for (const [signal, code, phase] of [
    ['SIGINT', 130, 'prepare'],
    ['SIGTERM', 143, 'commit'],
  ] as const) {
    it(`${signal} during ${phase}: exit ${code}, says what was written, removes its temp files, and a re-run completes`, async () => {
      const dir = path.join(TMP, `signal-${signal}`);
      generate(dir);
      let stop = () => {};
      const r = await cli(['src', '--allow-dirty'], dir, (child) => {
        const send = () => child.kill(signal);
        stop = phase === 'prepare' ? onTempEvent(path.join(dir, 'src'), 1, send) : onRename(path.join(dir, 'src'), (n) => n === '.alova-ssr-migrate-journal.json', 1, send);
      });
      stop();
      expect(r.status, r.stderr).toBe(code);
      const tree = snapshot(dir);
      expect([...tree.keys()].filter(isOurs)).toEqual([]);
      const { newCount } = expectOldOrNew(tree);
      // Before the commit point nothing is written; once the commit has started it is completed.
      expect(newCount).toBe(phase === 'prepare' ? 0 : 301);
      if (newCount === 0) expect(r.stderr).toMatch(new RegExp(`^alova-ssr-migrate: interrupted by ${signal}: no file was written \\(not written: .+ and 291 more\\); temp files removed\\.\\n$`));
      else {
        expect(newCount).toBe(301);
        expect(r.stderr).toMatch(new RegExp(`interrupted by ${signal} during the commit, which was completed: 301 file\\(s\\) written`));
      }
      await completeAndCheck(dir);
    }, 120_000);
  }
});
