/**
 * Project fixtures (several files each), discovered automatically:
 *
 *   fixtures/projects/<case>/input/**    the project before
 *   fixtures/projects/<case>/output/**   the whole tree after an apply run (incl. the context module)
 *   fixtures/projects/<case>/items.txt   review items, `file:line:col ruleId` per line
 *   fixtures/projects/<case>/notes.txt   the per-factory call-site lines of the summary
 *   fixtures/projects/<case>/args.json   optional: { "paths": [...], "cache": "off", "wiring": "middleware" }
 *
 * Each case is migrated through the runner (the same code as the CLI) in a temporary copy and
 * checked for: exact output tree, items, call-site counts, idempotency (a second run changes
 * nothing), and, when the output has a tsconfig.json, tsc against the real alova types.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/runner.js';
import { analyseProject } from '../src/analyse.js';
import { discover, DEFAULT_EXTENSIONS } from '../src/discover.js';
import type { RunReport } from '../src/records.js';

const REPO = path.resolve(__dirname, '..');
const BASE = path.join(REPO, 'fixtures/projects');
// Inside the repository, so that `alova` and `@types/*` resolve from its node_modules.
const TMP = fs.mkdtempSync(path.join(REPO, '.tmp-projects-'));

afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p).split(path.sep).join('/')] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function migrate(dir: string, args: { paths?: string[]; cache?: 'request' | 'off' | 'shared'; wiring?: 'call-site' | 'middleware' }): Promise<RunReport> {
  return run({
    paths: args.paths ?? ['.'],
    cwd: dir,
    mode: 'apply',
    extensions: DEFAULT_EXTENSIONS,
    ignore: [],
    gitignore: true,
    allowDirty: true,
    cache: args.cache ?? 'request',
    contextModule: null,
    wiring: args.wiring,
  });
}

const items = (r: RunReport) => r.files.flatMap((f) => f.items.map((i) => `${i.file}:${i.line}:${i.col} ${i.ruleId}`)).sort();
const readLines = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8').split('\n').filter(Boolean) : []);

const cases = fs.readdirSync(BASE).filter((c) => fs.existsSync(path.join(BASE, c, 'input'))).sort();

describe('project fixtures', () => {
  it('cover every wiring case and framework', () => {
    for (const c of ['express-wiring-middleware', 'koa-wiring-middleware', 'fastify-wiring-middleware', 'cross-file-ts', 'cjs-project', 'express-middleware', 'koa-app', 'fastify-app', 'class-service', 'unwirable-caller', 'blocked-factory', 'module-level-caller', 'public-api', 'nextjs', 'vike', 'sveltekit', 'remix', 'nuxt', 'nuxt-auto-import']) {
      expect(cases).toContain(c);
    }
  });

  for (const name of cases) {
    describe(name, () => {
      const caseDir = path.join(BASE, name);
      const args = fs.existsSync(path.join(caseDir, 'args.json')) ? JSON.parse(fs.readFileSync(path.join(caseDir, 'args.json'), 'utf8')) : {};
      const work = path.join(TMP, name);
      let first: RunReport;

      it('migrates to exactly the expected tree, items and call-site counts', async () => {
        fs.cpSync(path.join(caseDir, 'input'), work, { recursive: true });
        first = await migrate(work, args);
        expect(first.files.filter((f) => f.status === 'failed')).toEqual([]);
        expect(tree(work)).toEqual(tree(path.join(caseDir, 'output')));
        expect(items(first)).toEqual(readLines(path.join(caseDir, 'items.txt')).sort());
        expect(first.notes.filter((n) => n.startsWith('factory '))).toEqual(readLines(path.join(caseDir, 'notes.txt')));
      });

      it('is idempotent: a second run changes nothing and reports the same items', async () => {
        const before = tree(work);
        const second = await migrate(work, args);
        expect(tree(work)).toEqual(before);
        expect(second.summary.filesChanged).toBe(0);
        expect(items(second)).toEqual(items(first));
      });

      if (fs.existsSync(path.join(caseDir, 'output', 'tsconfig.json')) && JSON.parse(fs.readFileSync(path.join(caseDir, 'output', 'tsconfig.json'), 'utf8').replace(/\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1')).compilerOptions?.strict) {
        it('the migrated project type-checks (tsc, real alova types)', () => {
          const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', work], { encoding: 'utf8' });
          expect(r.stdout + r.stderr).toBe('');
          expect(r.status).toBe(0);
        }, 60_000);
      }
    });
  }
});

describe('project analysis (the index)', () => {
  it('finds factories, helpers, barrels, aliases and every importing file of cross-file-ts', async () => {
    const root = path.join(BASE, 'cross-file-ts/input');
    const found = discover({ paths: ['.'], cwd: root, extensions: DEFAULT_EXTENSIONS, ignoreGlobs: [], gitignore: true });
    const candidates = found.files
      .map((f) => ({ ...f, text: fs.readFileSync(f.abs, 'utf8'), mode: 0o644 }))
      .filter((f) => f.text.includes('createAlova'));
    const { index, relevant } = await analyseProject(root, found.files, candidates);
    expect(Object.keys(index.factories).sort()).toEqual(['src/api.ts#createApi', 'src/lib/client.ts#clientFor']);
    expect(index.factories['src/api.ts#createApi']).toMatchObject({ kind: 'function', localName: 'createApi', migratable: true });
    const exp = (rel: string) => index.exports[path.join(root, rel)];
    expect(exp('src/api.ts')).toEqual({ createApi: 'src/api.ts#createApi' });
    // `export *` and `export { createApi as makeApi }` from a barrel.
    expect(exp('src/services/index.ts')).toEqual({ createApi: 'src/api.ts#createApi', makeApi: 'src/api.ts#createApi' });
    expect(exp('src/lib/client.ts')).toEqual({ clientFor: 'src/lib/client.ts#clientFor' });
    expect(index.paths).toEqual({ '@lib/*': ['src/lib/*'] });
    // util.ts mentions nothing: never parsed; the others are call sites, helpers or barrels.
    expect(relevant.map((f) => f.rel)).toEqual(['src/api.ts', 'src/lib/client.ts', 'src/page.ts', 'src/routes/admin.ts', 'src/routes/user.ts', 'src/services/index.ts']);
  });

  it('marks a factory exported from the package entry as public API (not migratable)', async () => {
    const root = path.join(BASE, 'public-api/input');
    const found = discover({ paths: ['.'], cwd: root, extensions: DEFAULT_EXTENSIONS, ignoreGlobs: [], gitignore: true });
    const candidates = found.files.map((f) => ({ ...f, text: fs.readFileSync(f.abs, 'utf8'), mode: 0o644 }));
    const { index } = await analyseProject(root, found.files, candidates);
    expect(index.factories['src/index.js#createClient']).toMatchObject({ migratable: false });
    expect(index.factories['src/index.js#createClient'].reason).toMatch(/public API/);
  });
});

describe('--check decides like apply (it skips the second verification run)', () => {
  const norm = (r: RunReport) =>
    r.files
      .filter((f) => !f.created)
      .map((f) => ({ file: f.file, status: f.status === 'changed' ? 'would-change' : f.status, edits: f.edits, items: f.items, factories: f.factoriesMigrated, sites: f.callSitesRewired }))
      .sort((a, b) => (a.file < b.file ? -1 : 1));
  const trees = [
    ...cases.map((c) => ({ name: `projects/${c}`, dir: path.join(BASE, c, 'input'), args: fs.existsSync(path.join(BASE, c, 'args.json')) ? JSON.parse(fs.readFileSync(path.join(BASE, c, 'args.json'), 'utf8')) : {} })),
    { name: 'example-app', dir: path.join(REPO, 'fixtures/example-app'), args: {} },
    { name: 'ssr-singleton inputs', dir: path.join(REPO, 'fixtures/ssr-singleton'), args: {}, only: /\.input\./ },
  ];
  for (const t of trees) {
    it(t.name, async () => {
      const copy = (dest: string) => fs.cpSync(t.dir, dest, { recursive: true, filter: (src) => !('only' in t) || fs.statSync(src).isDirectory() || (t as { only: RegExp }).only.test(src) });
      const a = path.join(TMP, `agree-apply-${t.name.replace(/\W/g, '_')}`);
      const c = path.join(TMP, `agree-check-${t.name.replace(/\W/g, '_')}`);
      copy(a);
      copy(c);
      const base = { paths: t.args.paths ?? ['.'], extensions: DEFAULT_EXTENSIONS, ignore: [], gitignore: true, allowDirty: true, cache: t.args.cache ?? 'request', contextModule: null, wiring: t.args.wiring };
      const applied = await run({ ...base, cwd: a, mode: 'apply' });
      const checked = await run({ ...base, cwd: c, mode: 'check' });
      expect(norm(checked)).toEqual(norm(applied));
      expect(applied.files.filter((f) => f.status === 'failed')).toEqual([]);
    });
  }
});
