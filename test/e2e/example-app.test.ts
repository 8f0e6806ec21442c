// End-to-end: real servers in child processes, real alova, real HTTP on 127.0.0.1.
// (a) the unmigrated app is isolated but creates one alova instance per request;
// (b) a hand-written naive singleton leaks responses across users (proves the check can fail);
// (c) the app migrated by the built CLI is isolated AND creates at most one instance per process.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain ESM helper without type declarations
import { startUpstream } from './harness/upstream.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { startApp } from './harness/app-process.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { createClient, runConcurrent, runSequential, summarize, lostPosts, STEP_NAMES } from './harness/load.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { FIXTURES, copyFixture, ensureCliBuilt, migrateWithCli } from './harness/prepare.mjs';
import { e2eLifecycle } from '../helpers/e2e-lifecycle.js';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const SEQUENTIAL = 60; // requests, users and routes rotating
const ROUNDS = 30; // concurrent rounds: every user hits the SAME url at once

type Upstream = Awaited<ReturnType<typeof startUpstream>>;
type App = Awaited<ReturnType<typeof startApp>>;

async function drive(app: App, upstream: Upstream) {
  upstream.reset();
  const client = createClient(app.baseUrl);
  try {
    const results = await runSequential(client, { users: USERS, count: SEQUENTIAL, deadline: Date.now() + 15_000 });
    await runConcurrent(client, { users: USERS, rounds: ROUNDS, deadline: Date.now() + 15_000, results });
    const concurrent = results.filter((r: { phase: string }) => r.phase === 'concurrent');
    return {
      results,
      summary: summarize(results),
      concurrent: summarize(concurrent),
      lostPosts: lostPosts(results, upstream.counts),
      stats: await app.stats({ gc: false }),
    };
  } finally {
    client.close();
  }
}

const env = e2eLifecycle<Upstream, App>();
const { apps, tmpDirs } = env;

describe('unmigrated example app (one createAlova per request)', () => {
  let run: Awaited<ReturnType<typeof drive>>;

  beforeAll(async () => {
    const app = await startApp({ serverModule: join(FIXTURES.exampleApp, 'src/server.js'), upstreamUrl: env.upstream.url });
    apps.push(app);
    expect(app.ready.createAlovaCalls).toBe(0);
    run = await drive(app, env.upstream);
  }, 40_000);

  it('answers every concurrent user with their own identity on identical URLs', () => {
    expect(run.summary.requests).toBe(SEQUENTIAL + ROUNDS * USERS.length);
    expect(run.summary.errors).toBe(0);
    expect(run.summary.crossUser).toBe(0);
    expect(run.summary.notOk).toBe(0);
    expect(run.lostPosts).toBe(0);
    expect(Object.keys(run.summary.byStep).sort()).toEqual([...STEP_NAMES].sort());
  });

  it('calls createAlova once per request (the growth is real)', () => {
    expect(run.stats.createAlovaCalls).toBe(run.summary.requests);
  });
});

describe('naive singleton (hand-written, alova defaults)', () => {
  let run: Awaited<ReturnType<typeof drive>>;

  beforeAll(async () => {
    const app = await startApp({ serverModule: join(FIXTURES.naiveSingleton, 'src/server.js'), upstreamUrl: env.upstream.url });
    apps.push(app);
    run = await drive(app, env.upstream);
  }, 40_000);

  it('is caught by the cross-user checker (the check can fail)', () => {
    expect(run.summary.errors).toBe(0);
    expect(run.summary.crossUser).toBeGreaterThan(0);
    expect(run.concurrent.crossUser).toBeGreaterThan(0);
    // shareRequest merges identical concurrent POSTs: some users' orders never reach the upstream.
    expect(run.lostPosts).toBeGreaterThan(0);
  });

  it('creates a single instance', () => {
    expect(run.stats.createAlovaCalls).toBe(1);
  });
});

type Prepared = { ok: boolean; serverModule?: string; reason?: string; stdout?: string; stderr?: string };

/** The checks a correct migration must pass: isolation AND one instance per process. */
function describeIsolatedApp(title: string, prepare: () => Prepared) {
  describe(title, () => {
    let prepared: Prepared;
    let run: Awaited<ReturnType<typeof drive>> | undefined;
    let readyCalls = -1;

    beforeAll(async () => {
      prepared = prepare();
      if (!prepared.ok || !prepared.serverModule) return;
      const app = await startApp({ serverModule: prepared.serverModule, upstreamUrl: env.upstream.url });
      apps.push(app);
      readyCalls = app.ready.createAlovaCalls;
      run = await drive(app, env.upstream);
    }, 50_000);

    function needRun() {
      if (!run) {
        throw new Error(`app not available: ${prepared?.reason}\n${prepared?.stdout ?? ''}\n${prepared?.stderr ?? ''}`);
      }
      return run;
    }

    it('is available', () => {
      expect(prepared.ok, `${prepared.reason}\n${prepared.stdout ?? ''}\n${prepared.stderr ?? ''}`).toBe(true);
    });

    it("never serves one user another user's response", () => {
      const r = needRun();
      expect(r.summary.errors).toBe(0);
      expect(r.summary.crossUser).toBe(0);
      expect(r.concurrent.crossUser).toBe(0);
      expect(r.lostPosts).toBe(0);
    });

    it('gives each user their own identity on every route', () => {
      const r = needRun();
      expect(r.summary.requests).toBe(SEQUENTIAL + ROUNDS * USERS.length);
      expect(Object.keys(r.summary.byStep).sort()).toEqual([...STEP_NAMES].sort());
      for (const [step, v] of Object.entries(r.summary.byStep as Record<string, { crossUser: number; notOk: number }>)) {
        expect({ step, crossUser: v.crossUser, notOk: v.notOk }).toEqual({ step, crossUser: 0, notOk: 0 });
      }
    });

    it('calls createAlova at most once per process, not per request', () => {
      const r = needRun();
      expect(readyCalls).toBeLessThanOrEqual(1);
      expect(r.stats.createAlovaCalls).toBeLessThanOrEqual(1);
    });
  });
}

// Control: a hand-written correct singleton passes the checks below, so they are satisfiable.
describeIsolatedApp('hand-written isolated singleton (reference)', () => ({
  ok: true,
  serverModule: join(FIXTURES.isolatedSingleton, 'src/server.js'),
}));

// (c) the real thing: the example app migrated by the built CLI.
type ExampleMigration = Prepared & { dir?: string; changed: string[] };
let exampleMigration: ExampleMigration | undefined;
/** Migrates a copy of the example app once, for whichever suite below asks first (they may run in any order). */
function migratedExample(): ExampleMigration {
  if (exampleMigration) return exampleMigration;
  const build = ensureCliBuilt();
  if (!build.ok) return (exampleMigration = { ok: false, reason: build.reason, changed: [] });
  const dir = copyFixture(FIXTURES.exampleApp, 'example-app-migrated');
  tmpDirs.push(dir);
  const m = migrateWithCli(dir);
  return (exampleMigration = { ...m, dir, changed: m.changed ?? [], serverModule: m.ok ? join(dir, 'src/server.js') : undefined });
}
describeIsolatedApp('example app migrated by `alova-ssr-migrate <dir> --allow-dirty`', migratedExample);

describe('the example app migration touches only the factory', () => {
  it("changes the factory's module and adds the context module, nothing else", () => {
    const m = migratedExample();
    expect(m.ok, `${m.reason}\n${m.stdout ?? ''}\n${m.stderr ?? ''}`).toBe(true);
    expect([...m.changed].sort()).toEqual(['alova-request-context.mjs', join('src', 'server.js')]);
  });

  it('leaves every caller in that module exactly as written (the routes after the factory are byte-identical)', () => {
    const m = migratedExample();
    expect(m.ok, `${m.reason}\n${m.stdout ?? ''}\n${m.stderr ?? ''}`).toBe(true);
    const before = readFileSync(join(FIXTURES.exampleApp, 'src/server.js'), 'utf8');
    const after = readFileSync(join(m.dir!, 'src/server.js'), 'utf8');
    const routes = (text: string) => text.slice(text.indexOf('export function createServer('));
    expect(routes(before).length).toBeGreaterThan(200);
    expect(routes(after)).toBe(routes(before));
    expect(after).not.toContain('runInAlovaContext');
  });
});
