// End-to-end on the project fixtures, per framework: real servers in child processes, real alova,
// real Express 5 / Express 4 / Koa 3 / Fastify 5, real HTTP on 127.0.0.1, no mocks.
// For each framework variant:
//  (a) the UNMIGRATED fixture input answers every concurrent user with their own identity, and calls
//      createAlova once per request (the per-request growth the migration removes);
//  (b) the same input MIGRATED by the built CLI (`alova-ssr-migrate <copy> --allow-dirty`) keeps every
//      response the caller's own on every route (POST body included) and calls createAlova at most
//      once per process;
//  (c) negative controls: hand-written naive singletons (alova defaults) for Fastify and Koa, with the
//      same request-context plumbing as the migrated apps, MUST show cross-user responses.
// Express 4 runs the unchanged Express fixture with `import express from 'express'` resolved to the
// `express4` devDependency (npm:express@4) by the harness loader (`aliases`).
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain ESM helper without type declarations
import { startUpstream } from './harness/upstream.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { startApp } from './harness/app-process.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { createClient, runConcurrent, runSequential, summarize, lostPosts } from './harness/load.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { FIXTURES, copyFixture, ensureCliBuilt, migrateWithCli } from './harness/prepare.mjs';
import { e2eLifecycle } from '../helpers/e2e-lifecycle.js';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const SEQUENTIAL = 36; // requests one at a time, users and routes rotating (exercises the GET cache)
const ROUNDS = 12; // concurrent rounds: every user hits the SAME url at the same moment
const PHASE_MS = 15_000; // time bound of each load phase

type Upstream = Awaited<ReturnType<typeof startUpstream>>;
type App = Awaited<ReturnType<typeof startApp>>;
type StepName = 'me' | 'createOrder' | 'dashboard';
type Result = {
  phase: string;
  user: string;
  step: StepName;
  status: number;
  crossUser: boolean;
  ok: boolean;
  foreign: string[];
  error?: string;
  body?: unknown;
};
type UpstreamCounts = {
  total: number;
  anonymous: number;
  postsByUser: Record<string, number>;
  postPayloadsByUser: Record<string, unknown[]>;
};
type StepSummary = { requests: number; crossUser: number; notOk: number };
type Summary = { requests: number; crossUser: number; notOk: number; errors: number; byStep: Record<string, StepSummary> };

type Variant = {
  name: string;
  fixture: string;
  framework: 'express' | 'koa' | 'fastify';
  aliases: Record<string, string>;
  /** the framework package the child process must have loaded (and the one it must not) */
  loads: string;
  mustNotLoad?: string;
  steps: StepName[];
};

const EXPRESS_STEPS: StepName[] = ['me', 'createOrder', 'dashboard'];
const VARIANTS: Variant[] = [
  { name: 'Express 5', fixture: FIXTURES.expressMiddleware, framework: 'express', aliases: {}, loads: 'express', mustNotLoad: 'express4', steps: EXPRESS_STEPS },
  {
    name: 'Express 4',
    fixture: FIXTURES.expressMiddleware,
    framework: 'express',
    aliases: { express: 'express4' },
    loads: 'express4',
    mustNotLoad: 'express',
    steps: EXPRESS_STEPS,
  },
  { name: 'Koa 3', fixture: FIXTURES.koaApp, framework: 'koa', aliases: {}, loads: 'koa', steps: ['me', 'dashboard'] },
  { name: 'Fastify 5', fixture: FIXTURES.fastifyApp, framework: 'fastify', aliases: {}, loads: 'fastify', steps: ['me', 'createOrder', 'dashboard'] },
];

/** Each user's own order body, so the upstream can tell whose body arrived. */
const orderFor = (user: string) => ({ item: `book-for-${user}`, qty: USERS.indexOf(user) + 1 });

type Run = Awaited<ReturnType<typeof drive>>;

async function drive(app: App, upstream: Upstream, steps: StepName[], { perUserBody }: { perUserBody: boolean }) {
  upstream.reset();
  const client = createClient(app.baseUrl, perUserBody ? { bodyFor: (user: string) => orderFor(user) } : {});
  try {
    const results: Result[] = await runSequential(client, { users: USERS, steps, count: SEQUENTIAL, deadline: Date.now() + PHASE_MS, keepBody: true });
    await runConcurrent(client, { users: USERS, steps, rounds: ROUNDS, deadline: Date.now() + PHASE_MS, results, keepBody: true });
    const counts: UpstreamCounts = structuredClone(upstream.counts);
    return {
      results,
      summary: summarize(results) as Summary,
      concurrent: summarize(results.filter((r) => r.phase === 'concurrent')) as Summary,
      lostPosts: lostPosts(results, counts) as number,
      upstream: counts,
      stats: (await app.stats({ gc: false })) as { createAlovaCalls: number },
    };
  } finally {
    client.close();
  }
}

/** POST /orders with per-user bodies: the echo must be the caller's own body, and the upstream must have received exactly the caller's bodies. */
function orderChecks(run: Run) {
  const posts = run.results.filter((r) => r.step === 'createOrder');
  const wrongEcho = posts.filter((r) => JSON.stringify(pick(r.body)) !== JSON.stringify(orderFor(r.user))).length;
  let wrongUpstreamPayload = 0;
  let receivedUpstream = 0;
  for (const [user, payloads] of Object.entries(run.upstream.postPayloadsByUser)) {
    receivedUpstream += payloads.length;
    wrongUpstreamPayload += payloads.filter((p) => JSON.stringify(p) !== JSON.stringify(orderFor(user))).length;
  }
  return { posts: posts.length, receivedUpstream, wrongEcho, wrongUpstreamPayload, lost: run.lostPosts };
}

function pick(body: unknown) {
  const b = (body ?? {}) as { item?: unknown; qty?: unknown };
  return { item: b.item, qty: b.qty };
}

/** What each run observed, printed once at the end (numbers for docs/frameworks-e2e.md). */
const observed: Record<string, unknown>[] = [];
const env = e2eLifecycle<Upstream, App>(() => {
  if (observed.length > 0) console.log(`[frameworks e2e]\n${observed.map((o) => JSON.stringify(o)).join('\n')}`);
});
const { apps, tmpDirs } = env;

function note(label: string, run: Run, extra: Record<string, unknown> = {}) {
  observed.push({
    label,
    requests: run.summary.requests,
    crossUser: run.summary.crossUser,
    crossUserConcurrent: run.concurrent.crossUser,
    notOk: run.summary.notOk,
    errors: run.summary.errors,
    createAlovaCalls: run.stats.createAlovaCalls,
    lostPosts: run.lostPosts,
    upstreamRequests: run.upstream.total,
    anonymousUpstream: run.upstream.anonymous,
    ...extra,
  });
}

function expectEveryRouteOwnIdentity(run: Run, steps: StepName[]) {
  expect(run.summary.requests).toBe(SEQUENTIAL + ROUNDS * USERS.length);
  expect(run.summary.errors).toBe(0);
  expect(Object.keys(run.summary.byStep).sort()).toEqual([...steps].sort());
  for (const [step, v] of Object.entries(run.summary.byStep)) {
    expect({ step, crossUser: v.crossUser, notOk: v.notOk }).toEqual({ step, crossUser: 0, notOk: 0 });
  }
  expect(run.summary.crossUser).toBe(0);
  expect(run.concurrent.crossUser).toBe(0);
  expect(run.upstream.anonymous).toBe(0);
}

function firstFailures(run: Run | undefined) {
  return JSON.stringify(run?.results.filter((r) => !r.ok).slice(0, 3) ?? []);
}

for (const v of VARIANTS) {
  describe(`${v.name}: ${v.fixture.split('/fixtures/')[1]}`, () => {
    describe('(a) unmigrated input (one createAlova per request)', () => {
      let run: Run;
      let ready: { createAlovaCalls: number; framework: string; loadedPackages: string[] };

      beforeAll(async () => {
        const app = await startApp({ serverModule: join(v.fixture, 'src/app.js'), upstreamUrl: env.upstream.url, framework: v.framework, aliases: v.aliases });
        apps.push(app);
        ready = app.ready;
        run = await drive(app, env.upstream, v.steps, { perUserBody: true });
        note(`${v.name} unmigrated`, run, { createAlovaAtStartup: ready.createAlovaCalls, loaded: ready.loadedPackages });
      }, 40_000);

      it(`runs on the real ${v.loads} package`, () => {
        expect(ready.framework).toBe(v.framework);
        expect(ready.loadedPackages).toContain(v.loads);
        if (v.mustNotLoad) expect(ready.loadedPackages).not.toContain(v.mustNotLoad);
      });

      it('answers every concurrent user with their own identity on identical URLs', () => {
        expectEveryRouteOwnIdentity(run, v.steps);
        if (v.steps.includes('createOrder')) {
          const o = orderChecks(run);
          expect(o.posts).toBeGreaterThan(0);
          expect(o).toEqual({ posts: o.posts, receivedUpstream: o.posts, wrongEcho: 0, wrongUpstreamPayload: 0, lost: 0 });
        }
      });

      it('calls createAlova once per request (the growth is real)', () => {
        expect(ready.createAlovaCalls).toBe(0);
        expect(run.stats.createAlovaCalls).toBe(run.summary.requests);
      });
    });

    describe('(b) migrated by `alova-ssr-migrate <copy> --allow-dirty`', () => {
      let prepared: { ok: boolean; reason?: string; stdout?: string; stderr?: string; changed?: string[] } = { ok: false, reason: 'not prepared' };
      let run: Run | undefined;
      let app: App | undefined;
      let readyCalls = -1;

      beforeAll(async () => {
        const build = ensureCliBuilt();
        if (!build.ok) {
          prepared = { ok: false, reason: build.reason };
          return;
        }
        const dir = copyFixture(v.fixture, `${v.name.replace(/\s+/g, '-').toLowerCase()}-migrated`);
        tmpDirs.push(dir);
        prepared = migrateWithCli(dir, { expectChanged: [join('src', 'api.js')] });
        // The factory's module and the context module change; the app (the callers) stays as written.
        if (prepared.ok && [...(prepared.changed ?? [])].sort().join(',') !== ['alova-request-context.mjs', join('src', 'api.js')].sort().join(',')) {
          prepared = { ...prepared, ok: false, reason: `the CLI changed ${(prepared.changed ?? []).join(', ')}: expected only src/api.js and the context module` };
        }
        if (prepared.ok && !existsSync(join(dir, 'alova-request-context.mjs'))) {
          prepared = { ...prepared, ok: false, reason: 'the CLI did not write alova-request-context.mjs' };
        }
        if (!prepared.ok) return;
        app = await startApp({ serverModule: join(dir, 'src/app.js'), upstreamUrl: env.upstream.url, framework: v.framework, aliases: v.aliases });
        apps.push(app);
        readyCalls = app.ready.createAlovaCalls;
        run = await drive(app, env.upstream, v.steps, { perUserBody: true });
        note(`${v.name} migrated`, run, { createAlovaAtStartup: readyCalls, loaded: app.ready.loadedPackages, changed: prepared.changed });
      }, 60_000);

      function needRun(): Run {
        if (!run) throw new Error(`migrated app not available: ${prepared.reason}\n${prepared.stdout ?? ''}\n${prepared.stderr ?? ''}`);
        return run;
      }

      it('is migrated by the built CLI (only the factory module api.js rewritten, context module written; app.js unchanged)', () => {
        expect(prepared.ok, `${prepared.reason}\n${prepared.stdout ?? ''}\n${prepared.stderr ?? ''}`).toBe(true);
        expect(app?.ready.loadedPackages).toContain(v.loads);
        if (v.mustNotLoad) expect(app?.ready.loadedPackages).not.toContain(v.mustNotLoad);
      });

      it("keeps the request context: no cross-user response, each user's identity on every route", () => {
        const r = needRun();
        // A lost context shows up as a 500 ("sent outside its request context") in notOk/byStep.
        expect(r.summary.notOk, `first failures: ${firstFailures(r)}\napp output: ${app?.output().slice(-1500)}`).toBe(0);
        expectEveryRouteOwnIdentity(r, v.steps);
      });

      if (v.steps.includes('createOrder')) {
        it("POST /orders: each user's JSON body reaches the upstream and the answer is the user's own", () => {
          const o = orderChecks(needRun());
          expect(o.posts).toBeGreaterThan(0);
          expect(o).toEqual({ posts: o.posts, receivedUpstream: o.posts, wrongEcho: 0, wrongUpstreamPayload: 0, lost: 0 });
        });
      }

      it('calls createAlova at most once per process, not per request', () => {
        const r = needRun();
        expect(readyCalls).toBeLessThanOrEqual(1);
        expect(r.stats.createAlovaCalls).toBeLessThanOrEqual(1);
      });
    });
  });
}

// (c) Negative controls: the checks above CAN fail for these frameworks.
const NAIVE: { name: string; fixture: string; framework: 'koa' | 'fastify'; steps: StepName[] }[] = [
  { name: 'Fastify 5', fixture: FIXTURES.fastifyNaiveSingleton, framework: 'fastify', steps: ['me', 'createOrder', 'dashboard'] },
  { name: 'Koa 3', fixture: FIXTURES.koaNaiveSingleton, framework: 'koa', steps: ['me', 'dashboard'] },
];

for (const n of NAIVE) {
  describe(`(c) negative control: ${n.name} naive singleton (${n.fixture.split('/fixtures/')[1]}, alova defaults)`, () => {
    let run: Run;

    beforeAll(async () => {
      const app = await startApp({ serverModule: join(n.fixture, 'src/app.js'), upstreamUrl: env.upstream.url, framework: n.framework });
      apps.push(app);
      // Identical bodies for every user: shareRequest merges identical concurrent POSTs.
      run = await drive(app, env.upstream, n.steps, { perUserBody: false });
      note(`${n.name} naive singleton`, run);
    }, 40_000);

    it('is caught by the cross-user checker', () => {
      expect(run.summary.errors).toBe(0);
      expect(run.summary.crossUser).toBeGreaterThan(0);
      expect(run.concurrent.crossUser).toBeGreaterThan(0);
      expect(run.summary.byStep.me?.crossUser).toBeGreaterThan(0);
      if (n.steps.includes('createOrder')) {
        // Some users' orders never reach the upstream (merged into another user's POST).
        expect(run.lostPosts).toBeGreaterThan(0);
      }
    });

    it('creates a single instance', () => {
      expect(run.stats.createAlovaCalls).toBe(1);
    });
  });
}
