/**
 * Workspaces and builds (issue 9, part 5): the context module lives inside the package that
 * imports it, one per package, of one flavour, inside the tsconfig rootDir/include of its
 * importers, and no import crosses a package boundary. The exact trees are in
 * fixtures/projects/workspaces (test/projects.test.ts); this file checks the properties on the
 * migrated tree, so that a future fixture update cannot quietly break them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunOptions } from '../src/run.js';
import { DEFAULT_EXTENSIONS } from '../src/discover.js';
import { ContextPlacer } from '../src/context-placement.js';
import type { RunReport } from '../src/records.js';

const REPO = path.resolve(__dirname, '..');
const INPUT = path.join(REPO, 'fixtures/projects/workspaces/input');
const TSC = path.join(REPO, 'node_modules/typescript/bin/tsc');
// Inside the repository, so that `alova` and `@types/*` resolve from its node_modules.
const TMP = fs.mkdtempSync(path.join(REPO, '.tmp-workspaces-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

let seq = 0;
function copy(src = INPUT): string {
  const dir = path.join(TMP, `ws-${++seq}`);
  fs.cpSync(src, dir, { recursive: true });
  return dir;
}

function migrate(cwd: string, extra: Partial<RunOptions> = {}): Promise<RunReport> {
  return run({ paths: ['.'], cwd, mode: 'apply', extensions: DEFAULT_EXTENSIONS, ignore: [], gitignore: true, allowDirty: true, cache: 'request', contextModule: null, ...extra });
}

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') walk(p);
      } else out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function nearestPackage(file: string): string {
  let d = path.dirname(file);
  while (!fs.existsSync(path.join(d, 'package.json'))) d = path.dirname(d);
  return d;
}

/** Every import/require of the context module: [importer, specifier, resolved file or null]. */
function contextImports(dir: string): { importer: string; spec: string; resolved: string | null }[] {
  const out: { importer: string; spec: string; resolved: string | null }[] = [];
  for (const f of files(dir)) {
    if (!/\.[cm]?[jt]sx?$/.test(f) || path.basename(f).startsWith('alova-request-context.')) continue;
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/(?:from|require\()\s*'([^']*alova-request-context[^']*)'/g)) {
      const base = path.resolve(path.dirname(f), m[1]);
      // What Node (or a bundler) and TypeScript resolve: the path itself, `.js` standing for `.ts`, or an added extension.
      const candidates = [base, base.replace(/\.js$/, '.ts'), base + '.ts', base + '.js'];
      out.push({ importer: f, spec: m[1], resolved: candidates.find((c) => fs.existsSync(c)) ?? null });
    }
  }
  return out;
}

const rel = (root: string, p: string) => path.relative(root, p).split(path.sep).join('/');

describe('a workspaces monorepo migrated from its root (`.`)', () => {
  let dir: string;
  let report: RunReport;

  beforeAll(async () => {
    dir = copy();
    report = await migrate(dir);
  }, 60_000);

  it('writes one context module per package that imports one, of the flavour its importers can load', () => {
    const modules = files(dir).filter((f) => path.basename(f).startsWith('alova-request-context.')).map((f) => rel(dir, f));
    expect(modules).toEqual([
      'packages/api-ts/examples/demo/alova-request-context.mjs', // nested package, "type": "module" JavaScript
      'packages/api-ts/src/alova-request-context.ts', // TypeScript, inside rootDir src
      'packages/legacy-cjs/alova-request-context.cjs', // CommonJS, and ESM syntax without "type": "module"
      'packages/mixed/src/alova-request-context.ts', // TypeScript wins; the JavaScript importer is reported
    ]);
    const byPackage = new Map<string, number>();
    for (const m of modules) byPackage.set(nearestPackage(path.join(dir, m)), (byPackage.get(nearestPackage(path.join(dir, m))) ?? 0) + 1);
    expect([...byPackage.values()].every((n) => n === 1)).toBe(true);
  });

  it('every import of the context module resolves to a file inside the importer’s own package', () => {
    const imports = contextImports(dir);
    expect(imports.length).toBe(5);
    for (const i of imports) {
      expect(i.resolved, `${rel(dir, i.importer)} imports ${i.spec}`).not.toBeNull();
      expect(nearestPackage(i.resolved!), `${rel(dir, i.importer)} imports ${i.spec}`).toBe(nearestPackage(i.importer));
    }
  });

  it('reports the JavaScript factory of the TypeScript package and leaves it unchanged', () => {
    expect(fs.readFileSync(path.join(dir, 'packages/mixed/src/legacy.js'), 'utf8')).toBe(fs.readFileSync(path.join(INPUT, 'packages/mixed/src/legacy.js'), 'utf8'));
    const items = report.files.flatMap((f) => f.items).filter((i) => i.ruleId === 'context-module-flavour');
    expect(items.map((i) => `${i.file}:${i.line}:${i.col}`)).toEqual(['packages/mixed/src/legacy.js:5:10']);
    expect(items[0].message).toMatch(/packages\/mixed\/src\/alova-request-context\.ts \(TypeScript\), which this JavaScript file cannot import/);
  });

  for (const pkg of ['packages/api-ts', 'packages/mixed']) {
    it(`${pkg}: tsc builds before and after, and the output layout does not move`, () => {
      const before = copy();
      const b = spawnSync(process.execPath, [TSC, '-p', path.join(before, pkg)], { encoding: 'utf8' });
      expect(b.stdout + b.stderr).toBe('');
      const a = spawnSync(process.execPath, [TSC, '-p', path.join(dir, pkg)], { encoding: 'utf8' });
      expect(a.stdout + a.stderr).toBe('');
      expect(a.status).toBe(0);
      const emitted = (d: string) => files(path.join(d, pkg, 'dist')).map((f) => rel(path.join(d, pkg, 'dist'), f));
      expect(emitted(dir)).toEqual([...emitted(before), 'alova-request-context.js'].sort());
    }, 120_000);
  }

  it('an ES module imports the named exports of the generated CommonJS module (Node, no bundler)', () => {
    const probe = path.join(dir, 'packages/legacy-cjs/probe.mjs');
    fs.writeFileSync(probe, "import { provideAlovaContext, useAlovaContext, runInAlovaContext, requestScopedCache } from './alova-request-context.cjs';\nconsole.log([provideAlovaContext, useAlovaContext, runInAlovaContext, requestScopedCache].map((f) => typeof f).join(','));\n");
    const r = spawnSync(process.execPath, [probe], { encoding: 'utf8' });
    fs.rmSync(probe);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('function,function,function,function');
  });

  it('a second run, on one sub-folder, reuses the modules and changes nothing', async () => {
    const again = await migrate(dir);
    expect(again.summary.filesChanged).toBe(0);
    const sub = await migrate(dir, { paths: ['packages/api-ts/src/server'] });
    expect(sub.summary.filesChanged).toBe(0);
    expect(files(dir).filter((f) => path.basename(f).startsWith('alova-request-context.')).length).toBe(4);
  });
});

describe('--context-module in a workspace', () => {
  it('is rejected with one line when the migrated files span several packages (exit 2, nothing written)', async () => {
    const dir = copy();
    const r = await migrate(dir, { contextModule: 'packages/api-ts/src/alova-request-context' });
    expect(r.errors.map((e) => e.ruleId)).toEqual(['context-module-placement']);
    expect(r.errors[0].message).toMatch(/^--context-module packages\/api-ts\/src\/alova-request-context is in package packages\/api-ts, but .* needs a module too: .*omit --context-module or run once per package$/);
    expect(r.errors[0].message).not.toMatch(/\n/);
    expect(r.exitCode).toBe(2);
    expect(files(dir).filter((f) => path.basename(f).startsWith('alova-request-context.'))).toEqual([]);
  });

  it('is accepted inside the one package a run covers, and rejected outside that package or its rootDir', async () => {
    const ok = copy();
    const r = await migrate(ok, { paths: ['packages/api-ts/src'], contextModule: 'packages/api-ts/src/lib/request-context' });
    expect(r.errors).toEqual([]);
    expect(fs.existsSync(path.join(ok, 'packages/api-ts/src/lib/request-context.ts'))).toBe(true);
    expect(fs.readFileSync(path.join(ok, 'packages/api-ts/src/server/client.ts'), 'utf8')).toContain("from '../lib/request-context.js'");

    const outside = copy();
    const o = await migrate(outside, { paths: ['packages/api-ts/src'], contextModule: 'shared/request-context' });
    expect(o.errors.map((e) => e.message)).toEqual(['--context-module shared/request-context.ts is outside package packages/api-ts of packages/api-ts/src/server/client.ts: no import may cross a package boundary']);

    const notRoot = copy();
    const n = await migrate(notRoot, { paths: ['packages/api-ts/src'], contextModule: 'packages/api-ts/request-context' });
    expect(n.errors.map((e) => e.message)).toEqual(['--context-module packages/api-ts/request-context.ts: outside rootDir packages/api-ts/src of packages/api-ts/tsconfig.json']);
  });
});

describe('ContextPlacer (folder choice against tsconfig files)', () => {
  const project = (tree: Record<string, string>) => {
    const dir = path.join(TMP, `placer-${++seq}`);
    for (const [p, text] of Object.entries(tree)) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), text);
    }
    return dir;
  };
  const place = (dir: string, importers: string[], discovered: string[] = importers) =>
    new ContextPlacer({ cwd: dir, firstPath: dir, explicit: null, discovered: discovered.map((f) => path.join(dir, f)) }).place(importers.map((f) => path.join(dir, f)));

  it('uses the include folder when include leaves the package root out', () => {
    const dir = project({ 'package.json': '{}', 'tsconfig.json': '{ "include": ["app/**/*.ts"] }', 'app/server/api.ts': '' });
    expect(place(dir, ['app/server/api.ts']).modules.map((m) => rel(dir, m.abs))).toEqual(['app/alova-request-context.ts']);
  });

  it('stays inside the common folder of what an emitting tsconfig compiles (no rootDir)', () => {
    const dir = project({ 'package.json': '{}', 'tsconfig.json': '{ "compilerOptions": { "outDir": "out" } }', 'server/a/api.ts': '', 'server/b/main.ts': '' });
    expect(place(dir, ['server/a/api.ts'], ['server/a/api.ts', 'server/b/main.ts']).modules.map((m) => rel(dir, m.abs))).toEqual(['server/alova-request-context.ts']);
  });

  it('ignores a tsconfig for JavaScript importers unless it compiles JavaScript (allowJs)', () => {
    const plain = project({ 'package.json': '{}', 'tsconfig.json': '{ "compilerOptions": { "rootDir": "src" }, "include": ["src"] }', 'lib/api.cjs': '' });
    expect(place(plain, ['lib/api.cjs']).modules.map((m) => rel(plain, m.abs))).toEqual(['alova-request-context.cjs']);
    const allowJs = project({ 'package.json': '{}', 'tsconfig.json': '{ "compilerOptions": { "allowJs": true, "rootDir": "src", "outDir": "dist" }, "include": ["src"] }', 'src/api.cjs': '' });
    expect(place(allowJs, ['src/api.cjs']).modules.map((m) => rel(allowJs, m.abs))).toEqual(['src/alova-request-context.cjs']);
  });

  it('reuses a generated module of the package, not a foreign file of that name (the run then stops with context-module-conflict)', () => {
    const dir = project({
      'package.json': '{}',
      'src/lib/alova-request-context.ts': '// @generated by alova-ssr-migrate\n',
      'src/api.ts': '',
    });
    expect(place(dir, ['src/api.ts'], ['src/api.ts', 'src/lib/alova-request-context.ts']).modules.map((m) => rel(dir, m.abs))).toEqual(['src/lib/alova-request-context.ts']);
    const foreign = project({ 'package.json': '{}', 'alova-request-context.ts': 'export const mine = 1;\n', 'src/api.ts': '' });
    expect(place(foreign, ['src/api.ts']).modules.map((m) => rel(foreign, m.abs))).toEqual(['alova-request-context.ts']);
  });

  it('JavaScript next to TypeScript: imports the .ts module when tsc compiles it (allowJs) or no tsc build emits; else reported', () => {
    const target = (dir: string, f: string) => place(dir, ['src/api.ts', f]).byFile[path.join(dir, f)];
    const allowJs = project({ 'package.json': '{}', 'tsconfig.json': '{ "compilerOptions": { "allowJs": true, "outDir": "dist" }, "include": ["src"] }', 'src/api.ts': '', 'src/legacy.js': '' });
    expect(target(allowJs, 'src/legacy.js')).toEqual({ base: path.join(allowJs, 'src/alova-request-context'), flavor: 'ts', tsImportSuffix: '' });
    const noBuild = project({ 'package.json': '{ "type": "module" }', 'tsconfig.json': '{ "compilerOptions": { "noEmit": true } }', 'src/api.ts': '', 'src/legacy.js': '' });
    expect(target(noBuild, 'src/legacy.js')).toEqual({ base: path.join(noBuild, 'alova-request-context'), flavor: 'ts', tsImportSuffix: '', ownExtension: true });
    const tscBuild = project({ 'package.json': '{}', 'tsconfig.json': '{ "compilerOptions": { "outDir": "dist" }, "include": ["src"] }', 'src/api.ts': '', 'src/legacy.js': '' });
    expect(target(tscBuild, 'src/legacy.js')).toMatchObject({ blocked: 'context-module-flavour' });
  });

  it('blocks every importer of a package where no folder satisfies its tsconfig files', () => {
    // Two tsconfigs compile the same file with disjoint rootDirs: no folder is inside both.
    const dir = project({
      'package.json': '{}',
      'tsconfig.json': '{ "compilerOptions": { "rootDir": "src/server" }, "include": ["src"] }',
      'tsconfig.other.json': '{ "compilerOptions": { "rootDir": "src/api" }, "include": ["src"] }',
      'src/server/api.ts': '',
    });
    const p = place(dir, ['src/server/api.ts']);
    expect(p.modules).toEqual([]);
    expect(Object.values(p.byFile)).toEqual([{ blocked: 'context-module-placement', detail: expect.stringMatching(/^no folder of package \. is inside the rootDir and include/) }]);
  });
});
