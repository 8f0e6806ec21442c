// Copy fixtures into the repo's gitignored .tmp/ (so `import 'alova'` and
// `import 'express'` resolve from the repo's node_modules) and run the built CLI.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = {
  exampleApp: join(REPO, 'fixtures/example-app'),
  exampleAppV2: join(REPO, 'fixtures/e2e/example-app-v2'),
  naiveSingleton: join(REPO, 'fixtures/e2e/naive-singleton'),
  naiveSingletonV2: join(REPO, 'fixtures/e2e/naive-singleton-v2'),
  isolatedSingleton: join(REPO, 'fixtures/e2e/isolated-singleton'),
  isolatedSingletonV2: join(REPO, 'fixtures/e2e/isolated-singleton-v2'),
  // Project fixtures (inputs of test/projects.test.ts); each src/app.js exports createServer({ upstreamUrl }).
  expressMiddleware: join(REPO, 'fixtures/projects/express-middleware/input'),
  koaApp: join(REPO, 'fixtures/projects/koa-app/input'),
  fastifyApp: join(REPO, 'fixtures/projects/fastify-app/input'),
  fastifyNaiveSingleton: join(REPO, 'fixtures/e2e/fastify-naive-singleton'),
  koaNaiveSingleton: join(REPO, 'fixtures/e2e/koa-naive-singleton'),
};
export const CLI = join(REPO, 'dist/bin/alova-ssr-migrate.js');
const TMP_ROOT = join(REPO, '.tmp/e2e');

let seq = 0;
export function copyFixture(fixtureDir, name) {
  mkdirSync(TMP_ROOT, { recursive: true });
  seq += 1;
  const dir = join(TMP_ROOT, `${name}-${process.pid}-${Date.now().toString(36)}-${seq}`);
  cpSync(fixtureDir, dir, { recursive: true, filter: (src) => !src.includes(`${'/'}node_modules`) });
  return dir;
}

export function removeDir(dir) {
  if (dir && dir.startsWith(TMP_ROOT)) rmSync(dir, { recursive: true, force: true });
}

function newestSourceMtime() {
  let newest = 0;
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/\.(ts|json)$/.test(e)) newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const d of ['bin', 'src', 'transforms']) walk(join(REPO, d));
  return newest;
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Build dist/ with tsc when the CLI is missing or older than its sources (or when forced).
 * A lock directory keeps parallel test files / the bench from running tsc at the same time.
 */
export function ensureCliBuilt({ force = false } = {}) {
  const isFresh = () => existsSync(CLI) && statSync(CLI).mtimeMs >= newestSourceMtime();
  if (isFresh() && !force) return { ok: true, built: false };
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const lock = join(REPO, '.tmp/cli-build.lock');
  const waitUntil = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > waitUntil) return { ok: false, reason: 'timed out waiting for another CLI build (.tmp/cli-build.lock)' };
      sleepSync(200);
    }
  }
  try {
    // Another process may have built it while we waited.
    if (isFresh() && !force) return { ok: true, built: false };
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.json')], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (!existsSync(CLI)) {
      return { ok: false, built: true, reason: `dist/bin/alova-ssr-migrate.js missing after build (tsc exit ${r.status})\n${(r.stdout ?? '').slice(-2000)}${(r.stderr ?? '').slice(-2000)}` };
    }
    return { ok: true, built: true, tscStatus: r.status };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function snapshot(dir) {
  const files = {};
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

function failureDetail(stdout, stderr) {
  const lines = `${stdout}\n${stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const hit = lines.find((l) => /error:/i.test(l)) ?? lines.at(-1);
  return hit ? ` (${hit.replace(/\s+/g, ' ').slice(0, 200)})` : '';
}

/**
 * Run `node dist/bin/alova-ssr-migrate.js <dir> --allow-dirty [...args]` (apply mode).
 * ok = the CLI exited 0 AND every file in `expectChanged` (default: src/server.js) changed.
 * args: extra CLI arguments, e.g. ['--cache', 'off'].
 */
export function migrateWithCli(dir, { timeoutMs = 120_000, expectChanged = [join('src', 'server.js')], args = [] } = {}) {
  if (!existsSync(CLI)) return { ok: false, reason: `CLI not built: ${relative(REPO, CLI)} is missing` };
  const before = snapshot(dir);
  const r = spawnSync(process.execPath, [CLI, dir, '--allow-dirty', ...args], { cwd: REPO, encoding: 'utf8', timeout: timeoutMs });
  const after = snapshot(dir);
  const changed = Object.keys(after).filter((f) => before[f] !== after[f]);
  const out = { status: r.status, stdout: (r.stdout ?? '').slice(-4000), stderr: (r.stderr ?? '').slice(-4000), changed };
  if (r.error) return { ok: false, reason: `CLI failed to run: ${r.error.message}`, ...out };
  if (r.status !== 0) return { ok: false, reason: `CLI exited ${r.status}${failureDetail(out.stdout, out.stderr)}`, ...out };
  const unchanged = expectChanged.filter((f) => !changed.includes(f));
  if (unchanged.length > 0) return { ok: false, reason: `CLI exited 0 but did not change ${unchanged.join(', ')}`, ...out };
  return { ok: true, ...out };
}
