/**
 * A run that covers only part of a project (a sub-path, --ignore, --changed-since) must not
 * migrate an exported factory whose callers it does not cover: they could not be wired, and the
 * migrated factory throws when called outside a request context.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type RunOptions } from '../src/runner.js';
import { DEFAULT_EXTENSIONS } from '../src/discover.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'alova-partial-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

const API = `import { createAlova } from 'alova';
import adapterFetch from 'alova/fetch';

export function createApi(token) {
  return createAlova({
    requestAdapter: adapterFetch(),
    beforeRequest(method) {
      method.config.headers.Authorization = token;
    },
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
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  fs.writeFileSync(path.join(dir, 'src/api.js'), API);
  fs.writeFileSync(path.join(dir, 'src/me.js'), CALLER);
  return dir;
}

const base = (cwd: string): RunOptions => ({ paths: ['.'], cwd, mode: 'check', extensions: DEFAULT_EXTENSIONS, ignore: [], gitignore: true, allowDirty: true, cache: 'request', contextModule: null });
const apiRecord = (r: Awaited<ReturnType<typeof run>>) => r.files.find((f) => f.file === 'src/api.js')!;

describe('partial runs keep exported factories with uncovered callers unchanged', () => {
  it('control: the whole project migrates the factory and wires its caller', async () => {
    const r = await run(base(project('whole')));
    expect(apiRecord(r).status).toBe('would-change');
    expect(r.files.find((f) => f.file === 'src/me.js')!.status).toBe('would-change');
  });

  it('a sub-path: the caller outside it blocks the factory', async () => {
    const r = await run({ ...base(project('subpath')), paths: ['src/api.js'] });
    expect(apiRecord(r).status).toBe('unchanged');
    expect(apiRecord(r).items.map((i) => i.ruleId)).toEqual(['cross-file-factory']);
    expect(r.notes.join('\n')).toMatch(/mentioned in src\/me\.js, outside the paths this run covers/);
  });

  it('--ignore: an excluded caller blocks the factory', async () => {
    const r = await run({ ...base(project('ignored')), ignore: ['src/me.js'] });
    expect(apiRecord(r).status).toBe('unchanged');
    expect(r.notes.join('\n')).toMatch(/mentioned in src\/me\.js, which --ignore excludes/);
  });

  it('--changed-since: a caller the change did not touch blocks the factory', async () => {
    const dir = project('changed');
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init');
    fs.appendFileSync(path.join(dir, 'src/api.js'), '// touched\n');
    const r = await run({ ...base(dir), changedSince: 'HEAD' });
    expect(r.errors).toEqual([]);
    expect(apiRecord(r).status).toBe('unchanged');
    expect(r.notes.join('\n')).toMatch(/mentioned in src\/me\.js, which --changed-since did not select/);
  });

  it('a component file (.vue) that imports the factory blocks it', async () => {
    const dir = project('vue');
    fs.writeFileSync(path.join(dir, 'src/Me.vue'), `<script setup>\nimport { createApi } from './api.js';\nconst api = createApi(token);\n</script>\n`);
    const r = await run(base(dir));
    expect(apiRecord(r).status).toBe('unchanged');
    expect(r.notes.join('\n')).toMatch(/mentioned in src\/Me\.vue, a vue file the tool does not parse/);
  });
});
