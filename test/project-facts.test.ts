/**
 * The project-facts stage (src/project-facts.ts, src/project-files.ts) on a real temp project:
 * root, git folder, the root tsconfig's import suffix, alova's major and installed version, and the
 * classifier's package facts, computed once. "Once" is observed without mocks: the files are changed
 * on disk after the facts were taken, and whatever shares the run's cache still sees the first read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContextPlacer } from '../src/context-placement.js';
import { parseFacts, pathFacts } from '../src/project-facts.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'alova-facts-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

let seq = 0;
function project(tree: Record<string, string>): string {
  const dir = path.join(TMP, `p${++seq}`);
  for (const [p, text] of Object.entries(tree)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
  return fs.realpathSync(dir);
}

const API = "import { createAlova } from 'alova';\nexport function createApi(req) { return createAlova({ baseURL: req.headers.host }); }\n";

function facts(dir: string, paths: string[], contextModule: string | null = null) {
  const pf = pathFacts({ cwd: dir, paths, contextModule });
  const file = path.join(dir, 'packages/api/src/api.ts');
  const candidates = [{ abs: file, text: API }];
  return { pf, file, parsed: parseFacts(pf, { candidates, readable: candidates, discovered: [file], assumeServer: false }) };
}

const WORKSPACE = {
  'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
  'packages/api/package.json': JSON.stringify({ name: 'api', type: 'module', dependencies: { alova: '^2.21.0', express: '^5.0.0' } }),
  'packages/api/tsconfig.json': '{ "compilerOptions": { "module": "nodenext" } }',
  'packages/api/node_modules/alova/package.json': JSON.stringify({ name: 'alova', version: '2.21.5' }),
  'packages/api/src/api.ts': API,
};

describe('pathFacts', () => {
  it('resolves the first path once: its folder, the package root above it and the git folder', () => {
    const dir = project(WORKSPACE);
    const pf = pathFacts({ cwd: dir, paths: ['packages/api/src/api.ts', 'packages'], contextModule: 'packages/api/src/ctx' });
    expect(pf).toEqual({
      cwd: dir,
      firstPath: path.join(dir, 'packages/api/src/api.ts'),
      firstDir: path.join(dir, 'packages/api/src'),
      root: path.join(dir, 'packages/api'),
      gitFolder: path.join(dir, 'packages/api/src'),
      explicitContext: path.join(dir, 'packages/api/src/ctx'),
    });
  });

  it('falls back to the working directory for a path that does not exist, and without any package.json', () => {
    const dir = project({ 'src/a.ts': '' });
    expect(pathFacts({ cwd: dir, paths: ['missing'], contextModule: null })).toMatchObject({ firstDir: null, root: dir, gitFolder: dir, explicitContext: null });
    // No package.json up to the file system root (a temp dir normally has none above it).
    const noPkg = pathFacts({ cwd: dir, paths: ['src'], contextModule: null });
    expect(noPkg.firstDir).toBe(path.join(dir, 'src'));
    expect(noPkg.root).toBe(fs.existsSync(path.join(path.parse(dir).root, 'package.json')) ? path.parse(dir).root : dir);
  });
});

describe('parseFacts', () => {
  it('reads the import suffix, alova major and installed version, and the package facts from the project', () => {
    const dir = project(WORKSPACE);
    const { parsed } = facts(dir, ['packages/api']);
    expect(parsed.tsImportSuffix).toBe('.js');
    expect(parsed.alovaMajor).toBe(2);
    expect(parsed.alovaVersion).toBe('2.21.5');
    expect(parsed.classify.packages.map((p) => [p.dir, p.serverFrameworks])).toEqual([['', ['express']]]);
  });

  it('gives no suffix, no major and no version when the project says nothing', () => {
    const dir = project({ 'packages/api/package.json': '{"name": "api"}', 'packages/api/tsconfig.json': '{ "compilerOptions": { "module": "esnext", "moduleResolution": "bundler" } }' });
    const { parsed } = facts(dir, ['packages/api']);
    expect([parsed.tsImportSuffix, parsed.alovaMajor, parsed.alovaVersion]).toEqual(['', undefined, undefined]);
  });

  it('reads tsconfig and package.json once: the placement shares the cache the facts filled', () => {
    const dir = project(WORKSPACE);
    const { pf, file, parsed } = facts(dir, ['packages/api']);
    // Change both files on disk after the facts were taken.
    fs.writeFileSync(path.join(dir, 'packages/api/tsconfig.json'), '{ "compilerOptions": { "module": "esnext", "moduleResolution": "bundler" } }');
    fs.writeFileSync(path.join(dir, 'packages/api/package.json'), JSON.stringify({ name: 'api', dependencies: { alova: '^3.0.0' } }));
    const shared = new ContextPlacer({ cwd: dir, firstPath: pf.firstPath, explicit: null, discovered: [file] }, parsed.files).place([file]);
    expect(shared.byFile[file]).toMatchObject({ flavor: 'ts', tsImportSuffix: '.js' });
    expect(parsed.files.rootImportSuffix(pf.root)).toBe('.js');
    expect(parsed.files.packageJson(pf.root)).toMatchObject({ type: 'module' });
    // A placer with its own cache reads the files as they are now: the test can tell the two apart.
    const fresh = new ContextPlacer({ cwd: dir, firstPath: pf.firstPath, explicit: null, discovered: [file] }).place([file]);
    expect(fresh.byFile[file]).toMatchObject({ flavor: 'ts', tsImportSuffix: '' });
  });

  it('treats a package.json that is JSON null as one that says nothing (it used to crash the placement)', () => {
    const dir = project({ 'package.json': 'null', 'src/api.js': API });
    const file = path.join(dir, 'src/api.js');
    const pf = pathFacts({ cwd: dir, paths: ['src'], contextModule: null });
    const parsed = parseFacts(pf, { candidates: [{ abs: file, text: API }], readable: [{ abs: file }], discovered: [file], assumeServer: false });
    expect(parsed.alovaMajor).toBeUndefined();
    const placement = new ContextPlacer({ cwd: dir, firstPath: pf.firstPath, explicit: null, discovered: [file] }, parsed.files).place([file]);
    expect(placement.modules.map((m) => path.relative(dir, m.abs))).toEqual(['src/alova-request-context.cjs']);
  });
});
