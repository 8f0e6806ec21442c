// End-to-end for `--wiring middleware` on the project fixtures: real servers in child processes, real
// alova, real Express 5 / Express 4 / Koa 3 / Fastify 5, real HTTP on 127.0.0.1, no mocks.
//  - Each fixture input is copied to .tmp/e2e/ and migrated in place by the built CLI
//    (`alova-ssr-migrate <copy> --allow-dirty --wiring middleware`).
//  - The migrated files must carry ONE context middleware per app, and the route handlers whose
//    factory arguments come from their own parameters must be left unwrapped (they run inside the
//    middleware). Only the Express POST /orders, which has a route-level `express.text()` parser,
//    keeps its own call-site wrapper.
//  - The migrated app is started and driven by concurrent users on identical URLs: no cross-user
//    response, each user's identity on every route, no upstream request without Authorization, no
//    "outside ... request context" error, one createAlova per process.
//  - Each UNMIGRATED input runs once as a control: createAlova once per request.
// Express 4 runs the same migrated copy with `express` resolved to the `express4` devDependency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain ESM helper without type declarations
import { startUpstream } from './harness/upstream.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { startApp } from './harness/app-process.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { createClient, runConcurrent, runSequential, summarize, lostPosts } from './harness/load.mjs';
// @ts-expect-error plain ESM helper without type declarations
import { FIXTURES, copyFixture, ensureCliBuilt, migrateWithCli, removeDir } from './harness/prepare.mjs';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const SEQUENTIAL = 36; // one at a time, users and routes rotating
const ROUNDS = 18; // every user hits the SAME url at the same moment (6 rounds per route for 3 routes)
const BODY_DELAY_MS = 5; // concurrent phase: POST bodies follow the headers after this delay
const PHASE_MS = 10_000; // time bound of each load phase
const CONTEXT_ERROR = /outside (its|a) request context/;

type Upstream = Awaited<ReturnType<typeof startUpstream>>;
type App = Awaited<ReturnType<typeof startApp>>;
type StepName = 'me' | 'createOrder' | 'dashboard';
type Framework = 'express' | 'koa' | 'fastify';
type Result = { phase: string; user: string; step: StepName; status: number; crossUser: boolean; ok: boolean; foreign: string[]; error?: string; body?: unknown };
type UpstreamCounts = {
  total: number;
  anonymous: number;
  byRoute: Record<string, number>;
  postsByUser: Record<string, number>;
  postPayloadsByUser: Record<string, unknown[]>;
  postRawByUser: Record<string, string[]>;
};
type Summary = { requests: number; crossUser: number; notOk: number; errors: number; byStep: Record<string, { requests: number; crossUser: number; notOk: number }> };
type Prepared = { ok: boolean; reason?: string; stdout?: string; stderr?: string; changed?: string[]; dir?: string };
type OrderBody = 'json' | 'text' | 'none';

type FixtureSpec = {
  key: 'express' | 'koa' | 'fastify';
  fixture: string;
  framework: Framework;
  steps: StepName[];
  orderBody: OrderBody;
  /** files the CLI must change */
  changed: string[];
  /** the inserted middleware, verbatim */
  middleware: string;
  /** `runInAlovaContext(` calls expected in src/ after migration: the middleware + kept call-site wrappers */
  wrappers: number;
  /** files that must stay byte-for-byte as in the input (handlers left unwrapped) */
  unchanged: string[];
};

const FIXTURE_SPECS: Record<FixtureSpec['key'], FixtureSpec> = {
  express: {
    key: 'express',
    fixture: FIXTURES.expressWiringMiddleware,
    framework: 'express',
    steps: ['me', 'createOrder', 'dashboard'],
    orderBody: 'text',
    changed: [join('src', 'api.js'), join('src', 'app.js')],
    middleware: 'app.use((req, res, next) => runInAlovaContext(() => next()));',
    wrappers: 2, // the middleware + POST /orders (route-level express.text())
    unchanged: [join('src', 'routes', 'users.js')],
  },
  koa: {
    key: 'koa',
    fixture: FIXTURES.koaWiringMiddleware,
    framework: 'koa',
    steps: ['me', 'dashboard'],
    orderBody: 'none',
    changed: [join('src', 'api.js'), join('src', 'app.js')],
    middleware: 'app.use((ctx, next) => runInAlovaContext(() => next()));',
    wrappers: 1,
    unchanged: [],
  },
  fastify: {
    key: 'fastify',
    fixture: FIXTURES.fastifyWiringMiddleware,
    framework: 'fastify',
    steps: ['me', 'createOrder', 'dashboard'],
    orderBody: 'json',
    changed: [join('src', 'api.js'), join('src', 'app.js')],
    middleware: "app.addHook('preHandler', (request, reply, done) => runInAlovaContext(() => done()));",
    wrappers: 1,
    unchanged: [],
  },
};

type Variant = { name: string; spec: FixtureSpec; aliases: Record<string, string>; loads: string; mustNotLoad?: string };
const VARIANTS: Variant[] = [
  { name: 'Express 5', spec: FIXTURE_SPECS.express, aliases: {}, loads: 'express', mustNotLoad: 'express4' },
  { name: 'Express 4', spec: FIXTURE_SPECS.express, aliases: { express: 'express4' }, loads: 'express4', mustNotLoad: 'express' },
  { name: 'Koa 3', spec: FIXTURE_SPECS.koa, aliases: {}, loads: 'koa' },
  { name: 'Fastify 5', spec: FIXTURE_SPECS.fastify, aliases: {}, loads: 'fastify' },
];

/** Each user's own order: JSON for Fastify, plain text for the Express route with `express.text()`. */
const orderFor = (user: string) => ({ item: `book-for-${user}`, qty: USERS.indexOf(user) + 1 });
const orderTextFor = (user: string) => `order from ${user}: ${USERS.indexOf(user) + 1} x book-for-${user}`;

/** Upstream requests each step causes (dashboard: /profile + /settings). */
const UPSTREAM_PER_STEP: Record<StepName, number> = { me: 1, createOrder: 1, dashboard: 2 };

function bodyOptions(spec: FixtureSpec) {
  if (spec.orderBody === 'json') return { bodyFor: (user: string) => orderFor(user) };
  if (spec.orderBody === 'text') return { rawBodyFor: (user: string) => ({ payload: orderTextFor(user), contentType: 'text/plain; charset=utf-8' }) };
  return {};
}

async function drive(app: App, upstream: Upstream, spec: FixtureSpec) {
  upstream.reset();
  // Sequential phase: body sent with the headers. Concurrent phase: headers first, body BODY_DELAY_MS
  // later, so the body parsers read it in a later socket event while other users' requests are in flight.
  const client = createClient(app.baseUrl, bodyOptions(spec));
  const splitClient = createClient(app.baseUrl, { ...bodyOptions(spec), bodyDelayMs: BODY_DELAY_MS });
  try {
    const results: Result[] = await runSequential(client, { users: USERS, steps: spec.steps, count: SEQUENTIAL, deadline: Date.now() + PHASE_MS, keepBody: true });
    await runConcurrent(splitClient, { users: USERS, steps: spec.steps, rounds: ROUNDS, deadline: Date.now() + PHASE_MS, results, keepBody: true });
    const counts: UpstreamCounts = structuredClone(upstream.counts);
    return {
      results,
      summary: summarize(results) as Summary,
      concurrent: summarize(results.filter((r) => r.phase === 'concurrent')) as Summary,
      lostPosts: lostPosts(results, counts) as number,
      upstream: counts,
      stats: (await app.stats({ gc: false })) as { createAlovaCalls: number },
      output: app.output() as string,
    };
  } finally {
    client.close();
    splitClient.close();
  }
}
type Run = Awaited<ReturnType<typeof drive>>;

function expectedUpstream(run: Run) {
  return run.results.reduce((n, r) => n + UPSTREAM_PER_STEP[r.step], 0);
}

/** POST /orders: every user's own body reached the upstream (as sent), nothing lost, the echo is the user's own. */
function orderChecks(run: Run, body: OrderBody) {
  const posts = run.results.filter((r) => r.step === 'createOrder');
  let receivedUpstream = 0;
  let wrongUpstreamPayload = 0;
  if (body === 'text') {
    for (const [user, raws] of Object.entries(run.upstream.postRawByUser)) {
      receivedUpstream += raws.length;
      wrongUpstreamPayload += raws.filter((t) => t !== orderTextFor(user)).length;
    }
  } else {
    for (const [user, payloads] of Object.entries(run.upstream.postPayloadsByUser)) {
      receivedUpstream += payloads.length;
      wrongUpstreamPayload += payloads.filter((p) => JSON.stringify(p) !== JSON.stringify(orderFor(user))).length;
    }
  }
  const wrongEcho = body === 'json' ? posts.filter((r) => JSON.stringify(pick(r.body)) !== JSON.stringify(orderFor(r.user))).length : 0;
  return { posts: posts.length, receivedUpstream, wrongUpstreamPayload, wrongEcho, lost: run.lostPosts };
}

function pick(body: unknown) {
  const b = (body ?? {}) as { item?: unknown; qty?: unknown };
  return { item: b.item, qty: b.qty };
}

/** Context errors in the app's output or in any response body. */
function contextErrors(run: Run) {
  const inBodies = run.results.filter((r) => CONTEXT_ERROR.test(typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? ''))).length;
  const inOutput = (run.output.match(new RegExp(CONTEXT_ERROR.source, 'g')) ?? []).length;
  return { inBodies, inOutput };
}

function firstFailures(run: Run | undefined) {
  return JSON.stringify(
    run?.results
      .filter((r) => !r.ok)
      .slice(0, 3)
      .map((r) => ({ ...r, body: typeof r.body === 'string' ? r.body.slice(0, 400) : r.body })) ?? [],
  );
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
  // every request reached the upstream, each with the caller's Authorization
  expect(run.upstream.anonymous).toBe(0);
  expect(run.upstream.total).toBe(expectedUpstream(run));
}

function countOf(text: string, needle: string) {
  return text.split(needle).length - 1;
}

function srcFiles(dir: string, spec: FixtureSpec) {
  const files = [join('src', 'app.js'), join('src', 'api.js'), ...spec.unchanged];
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

let upstream: Upstream;
const apps: App[] = [];
const tmpDirs: string[] = [];
const migrated: Partial<Record<FixtureSpec['key'], Prepared>> = {};
const observed: Record<string, unknown>[] = [];

beforeAll(async () => {
  upstream = await startUpstream({ minDelayMs: 2, maxDelayMs: 8 });
  const build = ensureCliBuilt();
  for (const spec of Object.values(FIXTURE_SPECS)) {
    if (!build.ok) {
      migrated[spec.key] = { ok: false, reason: build.reason };
      continue;
    }
    const dir: string = copyFixture(spec.fixture, `wiring-middleware-${spec.key}`);
    tmpDirs.push(dir);
    let p: Prepared = { ...migrateWithCli(dir, { expectChanged: spec.changed, args: ['--wiring', 'middleware'] }), dir };
    if (p.ok && !existsSync(join(dir, 'alova-request-context.mjs'))) p = { ...p, ok: false, reason: 'the CLI did not write alova-request-context.mjs' };
    migrated[spec.key] = p;
  }
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(apps.map((a) => a.close()));
  await upstream?.close();
  for (const d of tmpDirs) removeDir(d);
  if (observed.length > 0) console.log(`[wiring-middleware e2e]\n${observed.map((o) => JSON.stringify(o)).join('\n')}`);
});

function note(label: string, run: Run, extra: Record<string, unknown> = {}) {
  observed.push({
    label,
    requests: run.summary.requests,
    crossUser: run.summary.crossUser,
    crossUserConcurrent: run.concurrent.crossUser,
    notOk: run.summary.notOk,
    errors: run.summary.errors,
    createAlovaCalls: run.stats.createAlovaCalls,
    upstreamRequests: run.upstream.total,
    anonymousUpstream: run.upstream.anonymous,
    lostPosts: run.lostPosts,
    contextErrors: contextErrors(run),
    ...extra,
  });
}

function needMigrated(spec: FixtureSpec): Prepared & { dir: string } {
  const p = migrated[spec.key];
  if (!p?.ok || !p.dir) throw new Error(`migration failed: ${p?.reason ?? 'not prepared'}\n${p?.stdout ?? ''}\n${p?.stderr ?? ''}`);
  return p as Prepared & { dir: string };
}

describe('the CLI inserts one context middleware per app and leaves request-parameter handlers unwrapped', () => {
  for (const spec of Object.values(FIXTURE_SPECS)) {
    it(`${spec.key}: ${spec.fixture.split('/fixtures/')[1]}`, () => {
      const p = migrated[spec.key];
      expect(p?.ok, `${p?.reason}\n${p?.stdout ?? ''}\n${p?.stderr ?? ''}`).toBe(true);
      const { dir } = needMigrated(spec);
      const after = srcFiles(dir, spec);
      const app = after[join('src', 'app.js')];
      // exactly one inserted middleware, importing runInAlovaContext from the generated module
      expect(countOf(app, spec.middleware)).toBe(1);
      expect(app).toContain("import { runInAlovaContext } from '../alova-request-context.mjs';");
      // handlers untouched: no call-site wrapper beyond the expected ones
      const wrappers = Object.values(after).reduce((n, text) => n + countOf(text, 'runInAlovaContext('), 0);
      expect(wrappers).toBe(spec.wrappers);
      for (const f of spec.unchanged) expect(after[f], `${f} must be left as in the input`).toBe(readFileSync(join(spec.fixture, f), 'utf8'));
      if (spec.key === 'express') {
        // after the app-level body parsers, before the router; POST /orders keeps its own wrapper
        const at = app.indexOf(spec.middleware);
        expect(at).toBeGreaterThan(app.indexOf('app.use(express.urlencoded('));
        expect(at).toBeGreaterThan(app.indexOf('app.use(express.json())'));
        expect(at).toBeLessThan(app.indexOf('app.use(users);'));
        expect(app).toMatch(/app\.post\('\/orders', express\.text\(\), async \(req, res\) => \{\s*await runInAlovaContext\(async \(\) => \{\s*const api = createApi\(req\);/);
      } else if (spec.key === 'koa') {
        expect(app).toMatch(/app\.use\(async \(ctx\) => \{\s*const api = createApi\(ctx\);/);
      } else {
        expect(app).toMatch(/app\.get\('\/me', async \(request\) => \{\s*const api = createApi\(request\);\s*return api\.Get\('\/me'\);/);
        expect(app).toMatch(/app\.post\('\/orders', async \(request, reply\) => \{\s*const api = createApi\(request\);/);
        expect(app).toMatch(/app\.get\('\/dashboard', async \(request\) => \{\s*const api = createApi\(request\);/);
      }
    });
  }
});

for (const v of VARIANTS) {
  describe(`${v.name}: ${v.spec.fixture.split('/fixtures/')[1]} migrated with --wiring middleware`, () => {
    let run: Run | undefined;
    let app: App | undefined;
    let startError: string | undefined;
    let readyCalls = -1;

    beforeAll(async () => {
      const p = migrated[v.spec.key];
      if (!p?.ok || !p.dir) {
        startError = `migration failed: ${p?.reason ?? 'not prepared'}`;
        return;
      }
      try {
        app = await startApp({ serverModule: join(p.dir, 'src/app.js'), upstreamUrl: upstream.url, framework: v.spec.framework, aliases: v.aliases });
      } catch (err) {
        startError = String((err as Error).message ?? err);
        return;
      }
      apps.push(app);
      readyCalls = app.ready.createAlovaCalls;
      run = await drive(app, upstream, v.spec);
      note(`${v.name} migrated (--wiring middleware)`, run, { createAlovaAtStartup: readyCalls, loaded: app.ready.loadedPackages });
    }, 30_000);

    function needRun(): Run {
      if (!run) throw new Error(`migrated app not available: ${startError}`);
      return run;
    }

    it(`runs on the real ${v.loads} package`, () => {
      needRun();
      expect(app?.ready.framework).toBe(v.spec.framework);
      expect(app?.ready.loadedPackages).toContain(v.loads);
      if (v.mustNotLoad) expect(app?.ready.loadedPackages).not.toContain(v.mustNotLoad);
    });

    it('keeps the request context: no "outside ... request context" error, no failed request', () => {
      const r = needRun();
      expect(contextErrors(r), `first failures: ${firstFailures(r)}\napp output: ${r.output.slice(-1500)}`).toEqual({ inBodies: 0, inOutput: 0 });
      expect(r.summary.notOk, `first failures: ${firstFailures(r)}\napp output: ${r.output.slice(-1500)}`).toBe(0);
    });

    it("answers every concurrent user with their own identity on every route; every upstream request carries the user's Authorization", () => {
      expectEveryRouteOwnIdentity(needRun(), v.spec.steps);
    });

    if (v.spec.orderBody !== 'none') {
      it(`POST /orders: each user's ${v.spec.orderBody === 'text' ? 'text (route-level express.text())' : 'JSON'} body reaches the upstream unchanged, for that user`, () => {
        const o = orderChecks(needRun(), v.spec.orderBody);
        expect(o.posts).toBeGreaterThan(0);
        expect(o).toEqual({ posts: o.posts, receivedUpstream: o.posts, wrongUpstreamPayload: 0, wrongEcho: 0, lost: 0 });
      });
    }

    it('calls createAlova once per process', () => {
      const r = needRun();
      expect(readyCalls).toBeLessThanOrEqual(1);
      expect(r.stats.createAlovaCalls).toBe(1);
    });
  });
}

// Controls: the unmigrated inputs create one alova instance per request.
for (const spec of Object.values(FIXTURE_SPECS)) {
  describe(`control: unmigrated ${spec.fixture.split('/fixtures/')[1]}`, () => {
    let run: Run;
    let readyCalls = -1;

    beforeAll(async () => {
      const app = await startApp({ serverModule: join(spec.fixture, 'src/app.js'), upstreamUrl: upstream.url, framework: spec.framework });
      apps.push(app);
      readyCalls = app.ready.createAlovaCalls;
      run = await drive(app, upstream, spec);
      note(`${spec.key} unmigrated`, run, { createAlovaAtStartup: readyCalls });
    }, 30_000);

    it('answers every user with their own identity', () => {
      expect(run.summary.notOk, firstFailures(run)).toBe(0);
      expectEveryRouteOwnIdentity(run, spec.steps);
      if (spec.orderBody !== 'none') {
        const o = orderChecks(run, spec.orderBody);
        expect(o).toEqual({ posts: o.posts, receivedUpstream: o.posts, wrongUpstreamPayload: 0, wrongEcho: 0, lost: 0 });
      }
    });

    it('calls createAlova once per request', () => {
      expect(readyCalls).toBe(0);
      expect(run.stats.createAlovaCalls).toBe(run.summary.requests);
    });
  });
}
