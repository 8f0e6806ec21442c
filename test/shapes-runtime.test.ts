/**
 * The server shapes the migration handles (fixtures/ssr-singleton/runtime-*), run with the REAL
 * alova against a local upstream that echoes the token it receives: the migrated module is
 * imported next to the generated context module, and four users call its `run(user)` export
 * concurrently. Every response must carry its own caller's token.
 *
 * A control runs the same migrated code with a context module whose handles do not keep their own
 * data (the last data written wins, as on a naive singleton): it must serve some user another
 * user's response, which shows the assertion can fail.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderContextModule, type ContextFlavor } from '../transforms/lib/context-module.js';

const REPO = path.resolve(__dirname, '..');
const FIX = path.join(REPO, 'fixtures/ssr-singleton');
// Inside the repository, so that the migrated modules find the real `alova` in node_modules.
const TMP = fs.mkdtempSync(path.join(REPO, '.tmp-shapes-'));
const USERS = ['alice', 'bob', 'carol', 'dave'];
const ROUNDS = 10;

let upstream: http.Server;
const cases = fs
  .readdirSync(FIX)
  .filter((f) => /^runtime-.*\.input\.(js|mjs|cjs)$/.test(f))
  .map((f) => {
    const [, name, ext] = /^(.*)\.input\.(\w+)$/.exec(f)!;
    return { name, ext, output: fs.readFileSync(path.join(FIX, `${name}.output.${ext}`), 'utf8') };
  });

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    // A delay so that the users' requests overlap; /fail answers 500.
    setTimeout(() => {
      res.statusCode = req.url === '/fail' ? 500 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ user: req.headers.authorization ?? null, path: req.url }));
    }, 3);
  });
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', () => ok()));
  process.env.UPSTREAM = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  delete process.env.UPSTREAM;
  await new Promise((ok) => upstream.close(ok));
  fs.rmSync(TMP, { recursive: true, force: true });
});

/**
 * A context module whose handles share one data slot per instance, like a singleton without
 * request isolation: used only by the control.
 */
function leakyContextModule(flavor: ContextFlavor): string {
  const body = [
    'const last = new Map();',
    'function provideAlovaContext(instance, id, values) { last.set(id, values); return instance; }',
    'function useAlovaContext(id) { return last.get(id); }',
    'function requestScopedCache() { const m = new Map(); return { set: (k, v) => m.set(k, v), get: (k) => m.get(k), remove: (k) => m.delete(k), clear: () => m.clear() }; }',
    'function runInAlovaContext(fn) { return fn(); }',
  ];
  return flavor === 'cjs' ? [...body, 'module.exports = { provideAlovaContext, useAlovaContext, requestScopedCache, runInAlovaContext };', ''].join('\n') : [...body.map((l) => `export ${l}`), ''].join('\n');
}

let seq = 0;
async function load(c: (typeof cases)[number], context: (flavor: ContextFlavor) => string): Promise<{ run: (user: string) => Promise<{ user: string | null; failed?: string }> }> {
  const dir = path.join(TMP, `${c.name}-${seq++}`);
  fs.mkdirSync(dir);
  const flavor: ContextFlavor = c.ext === 'cjs' ? 'cjs' : 'mjs';
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  fs.writeFileSync(path.join(dir, `alova-request-context.${flavor}`), context(flavor));
  const file = path.join(dir, `migrated.${c.ext}`);
  fs.writeFileSync(file, c.output);
  // CommonJS through Node's own require (the test runner's module loader does not run CommonJS as Node does).
  const mod = c.ext === 'cjs' ? createRequire(import.meta.url)(file) : await import(file);
  return (mod.run ? mod : mod.default) as { run: (user: string) => Promise<{ user: string | null }> };
}

async function drive(run: (user: string) => Promise<{ user: string | null; failed?: string }>) {
  const calls = Array.from({ length: ROUNDS * USERS.length }, (_, i) => USERS[i % USERS.length]);
  const got = await Promise.all(calls.map((u) => run(u)));
  return { calls, got, crossUser: got.filter((g, i) => g.user !== calls[i]).length };
}

describe('migrated server shapes keep every user on their own data (real alova, echoing upstream)', () => {
  it('covers the shapes of issue 9 part 4', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(['runtime-awaited-factory', 'runtime-cjs-exports', 'runtime-cjs-module-exports', 'runtime-class-this', 'runtime-preset-options', 'runtime-try-catch']);
  });

  for (const c of cases) {
    it(`${c.name}: ${USERS.length} users x ${ROUNDS}, concurrently`, async () => {
      const { run } = await load(c, renderContextModule);
      const r = await drive(run);
      expect(r.got.map((g) => g.user)).toEqual(r.calls);
      expect(r.crossUser).toBe(0);
    });
  }

  it('runtime-try-catch: a rejection inside the try is still caught by the caller as written', async () => {
    const { run } = await load(cases.find((c) => c.name === 'runtime-try-catch')!, renderContextModule);
    expect(await run('nobody')).toEqual({ user: 'nobody', failed: 'upstream answered 500' });
  });

  it('runtime-preset-options: a caller passing an option the shared instance cannot take per call gets a clear error', async () => {
    const mod = (await load(cases.find((c) => c.name === 'runtime-preset-options')!, renderContextModule)) as unknown as Record<string, (o?: object) => unknown>;
    for (const key of ['requestAdapter', 'statesHook', 'l1Cache', 'l2Cache', 'id', 'cacheFor', 'shareRequest', 'snapshots']) {
      expect(() => mod.createServerAlova({ baseURL: 'x', [key]: 1 })).toThrow(`createServerAlova: the option ${key} cannot be passed per call`);
      expect(() => mod.createTracedAlova({ [key]: 1 })).toThrow(`createTracedAlova: the option ${key} cannot be passed per call`);
    }
    // A key the preset sets after the spread overrides the caller's, as before the migration: no error.
    expect(() => mod.createServerAlova({ cacheLogger: true })).not.toThrow();
    expect(() => mod.createTracedAlova({ cacheLogger: true })).toThrow('createTracedAlova: the option cacheLogger cannot be passed per call');
    expect(() => mod.createServerAlova()).not.toThrow();
  });

  it('control: the same migrated code with handles that do not keep their own data serves users each other\'s responses', async () => {
    let leaks = 0;
    for (const c of cases) {
      const { run } = await load(c, leakyContextModule);
      leaks += (await drive(run)).crossUser;
    }
    expect(leaks).toBeGreaterThan(0);
  });
});
