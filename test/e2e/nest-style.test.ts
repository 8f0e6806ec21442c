// End-to-end: the default path `.` on a NestJS-style project (tsconfig outDir dist, no rootDir,
// `tsc -p tsconfig.build.json`, started with `node dist/main.js`) still builds and starts after the
// migration, and two users get their own data from the real server on 127.0.0.1.
// Control: the same migrated project with the context module at the project root (where the tool
// put it before workspaces) builds to dist/src/main.js, so `node dist/main.js` has nothing to start.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without type declarations
import { startUpstream } from './harness/upstream.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { CLI, REPO, copyFixture, ensureCliBuilt, migrateWithCli, removeDir } from './harness/prepare.mjs';

const FIXTURE = path.join(REPO, 'fixtures/e2e/nest-style');
const TSC = path.join(REPO, 'node_modules/typescript/bin/tsc');
const USERS = ['alice', 'bob'];

type Upstream = Awaited<ReturnType<typeof startUpstream>>;

const tsc = (dir: string, ...args: string[]) => spawnSync(process.execPath, [TSC, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });

/** `node dist/main.js` (what `npm start` runs) on 127.0.0.1, port 0; resolves with its port. */
function startMain(dir: string, upstreamUrl: string): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: dir, env: { ...process.env, PORT: '0', UPSTREAM_URL: upstreamUrl, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dist/main.js did not start\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), stop: () => child.kill() });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dist/main.js exited ${code}\n${out}`));
    });
  });
}

let upstream: Upstream;
const dirs: string[] = [];

beforeAll(async () => {
  const built = ensureCliBuilt();
  if (!built.ok) throw new Error(built.reason);
  upstream = await startUpstream({ minDelayMs: 2, maxDelayMs: 8 });
});

afterAll(async () => {
  await upstream?.close();
  for (const d of dirs) removeDir(d);
});

describe('NestJS-style project (outDir dist, node dist/main.js), default path `.`', () => {
  let dir: string;

  beforeAll(() => {
    dir = copyFixture(FIXTURE, 'nest-style');
    dirs.push(dir);
  });

  it('builds to dist/main.js before the migration (the fixture is a valid app)', () => {
    const r = tsc(dir, '-p', 'tsconfig.build.json');
    expect(r.stdout + r.stderr).toBe('');
    expect(fs.existsSync(path.join(dir, 'dist/main.js'))).toBe(true);
    fs.rmSync(path.join(dir, 'dist'), { recursive: true });
  }, 120_000);

  it('migrates with the context module inside src/ (the common folder of what the build compiles)', () => {
    const r = migrateWithCli(dir, { expectChanged: [path.join('src', 'api', 'alova.factory.ts')] });
    expect(r.reason ?? '').toBe('');
    expect(r.changed.sort()).toEqual(['src/alova-request-context.ts', 'src/api/alova.factory.ts'].map((p) => p.split('/').join(path.sep)));
  }, 120_000);

  it('still builds (tsc, both tsconfigs) and `node dist/main.js` serves two users their own data', async () => {
    const build = tsc(dir, '-p', 'tsconfig.build.json');
    expect(build.stdout + build.stderr).toBe('');
    const check = tsc(dir, '-p', 'tsconfig.json', '--noEmit');
    expect(check.stdout + check.stderr).toBe('');
    expect(fs.existsSync(path.join(dir, 'dist/main.js'))).toBe(true);

    const app = await startMain(dir, upstream.url);
    try {
      upstream.reset();
      // Concurrent and interleaved, so a shared instance (cache, shared in-flight requests) would mix them.
      const calls = Array.from({ length: 40 }, (_, i) => USERS[i % USERS.length]).map(async (user) => {
        const res = await fetch(`http://127.0.0.1:${app.port}/me`, { headers: { authorization: `Bearer ${user}` } });
        return { user, status: res.status, body: (await res.json()) as { user?: string } };
      });
      const results = await Promise.all(calls);
      expect(results.filter((r) => r.status !== 200)).toEqual([]);
      expect(results.filter((r) => r.body.user !== r.user)).toEqual([]);
      expect(upstream.counts.anonymous).toBe(0);
      expect(upstream.counts.total).toBe(40);
    } finally {
      app.stop();
    }
  }, 120_000);

  it('control: the module at the project root (the old default) moves the build to dist/src/main.js', () => {
    const moved = copyFixture(dir, 'nest-style-control');
    dirs.push(moved);
    fs.rmSync(path.join(moved, 'dist'), { recursive: true, force: true });
    fs.renameSync(path.join(moved, 'src/alova-request-context.ts'), path.join(moved, 'alova-request-context.ts'));
    const factory = path.join(moved, 'src/api/alova.factory.ts');
    fs.writeFileSync(factory, fs.readFileSync(factory, 'utf8').replace("from '../alova-request-context'", "from '../../alova-request-context'"));
    tsc(moved, '-p', 'tsconfig.build.json');
    expect(fs.existsSync(path.join(moved, 'dist/src/main.js'))).toBe(true);
    expect(fs.existsSync(path.join(moved, 'dist/main.js'))).toBe(false);
  }, 120_000);

  it('rejects an explicit --context-module at the project root with one line (exit 2), writing nothing', () => {
    const fresh = copyFixture(FIXTURE, 'nest-style-explicit');
    dirs.push(fresh);
    const r = spawnSync(process.execPath, [CLI, '.', '--allow-dirty', '--context-module', 'alova-request-context'], { cwd: fresh, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/context-module-placement: --context-module alova-request-context\.ts: outside src, the common folder of the files tsconfig\.build\.json compiles/);
    expect(fs.existsSync(path.join(fresh, 'alova-request-context.ts'))).toBe(false);
    expect(fs.readFileSync(path.join(fresh, 'src/api/alova.factory.ts'), 'utf8')).toBe(fs.readFileSync(path.join(FIXTURE, 'src/api/alova.factory.ts'), 'utf8'));
  }, 120_000);
});
