/**
 * A migration changes only the factory's own module (plus the generated context module) and keeps
 * the factory's signature and return API, so a run that covers part of a project (a sub-path,
 * --ignore, --changed-since, a caller in a .vue file the tool does not parse) is safe by
 * construction: the factory migrates exactly as in a whole-project run, and its callers, covered or
 * not, are never touched. The last test runs a sub-path migration with the real alova against a
 * local upstream that echoes the token, through the caller the run did not cover.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type RunOptions } from '../src/run.js';
import { DEFAULT_EXTENSIONS } from '../src/discover.js';
import { renderContextModule } from '../transforms/lib/context-module.js';

const REPO = path.resolve(__dirname, '..');
// Inside the repository, so that the migrated code finds the real `alova` in its node_modules.
const TMP = fs.mkdtempSync(path.join(REPO, '.tmp-partial-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

const API = `import { createAlova } from 'alova';
import adapterFetch from 'alova/fetch';

export function createApi(token) {
  return createAlova({
    baseURL: process.env.PARTIAL_RUN_UPSTREAM,
    requestAdapter: adapterFetch(),
    beforeRequest(method) {
      method.config.headers.Authorization = token;
    },
    responded: (response) => response.json(),
  });
}
`;
const CALLER = `import { createApi } from './api.js';

export async function me(req) {
  const api = createApi(req.headers.authorization);
  return await api.Get('/me');
}
`;

function project(name: string): string {
  const dir = path.join(TMP, name);
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  // A server app (it depends on express, on no UI framework): its factories are per-request server code.
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module', dependencies: { express: '^5.1.0' } }));
  fs.writeFileSync(path.join(dir, 'src/api.js'), API);
  fs.writeFileSync(path.join(dir, 'src/me.js'), CALLER);
  return dir;
}

const base = (cwd: string): RunOptions => ({ paths: ['.'], cwd, mode: 'check', extensions: DEFAULT_EXTENSIONS, ignore: [], gitignore: true, allowDirty: true, cache: 'request', contextModule: null });
const record = (r: Awaited<ReturnType<typeof run>>, file: string) => r.files.find((f) => f.file === file);
/** The api.js diff without the context-module path (it depends on the first path of the run). */
const apiDiff = (r: Awaited<ReturnType<typeof run>>) => (record(r, 'src/api.js')?.diff ?? '').replace(/from '[^']*alova-request-context\.mjs'/, "from '<context>'");

describe('partial runs migrate the factory exactly as a whole run, and never touch a caller', () => {
  // The whole-project run each partial run is compared with: made once, by whichever test needs it first.
  let wholeRun: ReturnType<typeof run> | undefined;
  const wholeReport = () => (wholeRun ??= run({ ...base(project('whole')), mode: 'dry' }));
  const wholeDiff = async () => apiDiff(await wholeReport());

  it('control: the whole project migrates the factory; the caller is not even parsed', async () => {
    const whole = await wholeReport();
    expect(record(whole, 'src/api.js')!.status).toBe('would-change');
    expect(record(whole, 'src/api.js')!.items).toEqual([]);
    expect(record(whole, 'src/me.js')!.status).toBe('not-applicable');
    expect(apiDiff(whole)).toMatch(/return provideAlovaContext\(apiAlova, 'src\/api\.js#apiAlova', \{ token, /);
  });

  it('a sub-path that leaves the caller out', async () => {
    const r = await run({ ...base(project('subpath')), mode: 'dry', paths: ['src/api.js'] });
    expect(record(r, 'src/api.js')!.status).toBe('would-change');
    expect(record(r, 'src/me.js')).toBeUndefined();
    expect(apiDiff(r)).toBe(await wholeDiff());
  });

  it('--ignore on the caller', async () => {
    const r = await run({ ...base(project('ignored')), mode: 'dry', ignore: ['src/me.js'] });
    expect(record(r, 'src/api.js')!.status).toBe('would-change');
    expect(apiDiff(r)).toBe(await wholeDiff());
  });

  it('--changed-since that selects only the factory', async () => {
    const dir = project('changed');
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init');
    fs.appendFileSync(path.join(dir, 'src/api.js'), '// touched\n');
    const r = await run({ ...base(dir), mode: 'dry', changedSince: 'HEAD' });
    expect(r.errors).toEqual([]);
    expect(record(r, 'src/api.js')!.status).toBe('would-change');
    expect(record(r, 'src/me.js')).toBeUndefined();
  });

  it('a component file (.vue) that calls the factory', async () => {
    const dir = project('vue');
    fs.writeFileSync(path.join(dir, 'src/Me.vue'), `<script setup>\nimport { createApi } from './api.js';\nconst api = createApi(token);\n</script>\n`);
    const r = await run({ ...base(dir), mode: 'dry' });
    expect(record(r, 'src/api.js')!.status).toBe('would-change');
    expect(apiDiff(r)).toBe(await wholeDiff());
    expect(r.notes.join('\n')).not.toMatch(/Me\.vue/);
  });

  it('at run time: a sub-path migration serves every user their own data through the caller it did not cover', async () => {
    const dir = project('runtime');
    const r = await run({ ...base(dir), mode: 'apply', paths: ['src/api.js'] });
    expect(r.errors).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'src/me.js'), 'utf8')).toBe(CALLER);
    expect(fs.readFileSync(path.join(dir, 'src/alova-request-context.mjs'), 'utf8')).toBe(renderContextModule('mjs'));
    const upstream = http.createServer((req, res) => {
      // A delay so that the users' requests overlap.
      setTimeout(() => res.end(JSON.stringify({ user: req.headers.authorization ?? null })), 3);
    });
    await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', () => ok()));
    process.env.PARTIAL_RUN_UPSTREAM = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    try {
      const { me } = (await import(path.join(dir, 'src/me.js'))) as { me: (req: { headers: { authorization: string } }) => Promise<{ user: string }> };
      const users = ['alice', 'bob', 'carol', 'dave'];
      const calls = Array.from({ length: 80 }, (_, i) => users[i % users.length]);
      const got = await Promise.all(calls.map((u) => me({ headers: { authorization: u } })));
      expect(got.map((g) => g.user)).toEqual(calls);
    } finally {
      delete process.env.PARTIAL_RUN_UPSTREAM;
      await new Promise((ok) => upstream.close(ok));
    }
  });
});
