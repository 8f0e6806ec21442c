/**
 * The package as a user gets it: `npm pack` (of the built dist/), installed with npm into a fresh
 * project under the OS temp folder, then driven from that project only: `npx alova-ssr-migrate
 * --version`, `--dry`, `--check`, apply, `--check` again, and the programmatic API, which is also
 * type-checked with `tsc --strict` against the installed declaration files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIX, REPO, tempDir } from './helpers/cli.js';

const VERSION = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;
let root = '';
let app = '';

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const npx = (...args: string[]) => sh('npx', ['--no-install', 'alova-ssr-migrate', ...args], app);
const lastLine = (text: string) => text.trimEnd().split('\n').pop();

beforeAll(() => {
  expect(fs.existsSync(path.join(REPO, 'dist/src/index.js')), 'run `npm run build` first').toBe(true);
  root = tempDir('asm-package-');
  // --ignore-scripts: pack the dist/ the suite runs against, without rebuilding it under other tests.
  const pack = sh('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', root], REPO);
  expect(pack.code, pack.stderr).toBe(0);
  const tgz = path.join(root, pack.stdout.trim().split('\n').pop()!);
  app = path.join(root, 'app');
  fs.mkdirSync(path.join(app, 'src'), { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
  // A `*.server.ts` file: server-only code, so its factory is migrated (docs/what-is-left-alone.md).
  fs.copyFileSync(path.join(FIX, 'aliased-import.input.ts'), path.join(app, 'src/api.server.ts'));
  const inst = sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=dev', tgz], app);
  expect(inst.code, inst.stderr).toBe(0);
}, 240_000);

describe('the packed tarball, installed into a project', () => {
  it('installs only what the CLI uses: no jscodeshift and none of its runner dependencies', () => {
    const nm = path.join(app, 'node_modules');
    expect(fs.existsSync(path.join(nm, 'alova-ssr-migrate/dist/src/index.d.ts'))).toBe(true);
    expect(fs.existsSync(path.join(nm, 'alova-ssr-migrate/LICENSE'))).toBe(true);
    for (const heavy of ['jscodeshift', '@babel/core', '@babel/register', 'flow-parser', 'recast']) expect(fs.existsSync(path.join(nm, heavy)), heavy).toBe(false);
  });

  it('runs --version, --dry, --check, apply and --check again through npx', () => {
    const v = npx('--version');
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(VERSION);

    const original = fs.readFileSync(path.join(app, 'src/api.server.ts'), 'utf8');
    const dry = npx('src', '--dry');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('+++ b/src/api.server.ts');
    expect(lastLine(dry.stdout)).toBe('Dry run: 2 files would change. Run without --dry to apply.');
    expect(fs.readFileSync(path.join(app, 'src/api.server.ts'), 'utf8')).toBe(original);

    const check = npx('src', '--check');
    expect(check.code).toBe(1);
    expect(lastLine(check.stdout)).toBe('Exit 1: --check found 2 files to migrate. Run `npx alova-ssr-migrate src` to migrate (add --dry to review first).');

    const apply = npx('src');
    expect(apply.code, apply.stdout).toBe(0);
    expect(lastLine(apply.stdout)).toBe('Done: 2 files migrated.');
    expect(fs.readFileSync(path.join(app, 'src/api.server.ts'), 'utf8')).toContain('provideAlovaContext(');
    expect(fs.existsSync(path.join(app, 'src/alova-request-context.ts'))).toBe(true);

    const again = npx('src', '--check');
    expect(again.code).toBe(0);
    expect(lastLine(again.stdout)).toBe('Check passed: nothing to migrate.');
  }, 240_000);

  it('exposes a typed programmatic API: migrate() returns the report model', () => {
    const copy = path.join(app, 'api-src');
    fs.mkdirSync(copy, { recursive: true });
    fs.copyFileSync(path.join(FIX, 'aliased-import.input.ts'), path.join(copy, 'api.server.ts'));
    const script = [
      "import { migrate, ruleDocsUrl, renderReport, VERSION } from 'alova-ssr-migrate';",
      "const dry = await migrate({ paths: ['api-src'] });",
      "const check = await migrate({ paths: ['api-src'], mode: 'check' });",
      "const missing = await migrate({ paths: ['nope'] });",
      'console.log(JSON.stringify({',
      '  version: VERSION, mode: dry.mode, exit: dry.exitCode, changed: dry.summary.filesChanged,',
      "  statuses: dry.files.map((f) => `${f.file}:${f.status}`).sort(),",
      "  edits: dry.files.flatMap((f) => f.edits.map((e) => e.docs === ruleDocsUrl(e.ruleId))).every(Boolean),",
      '  checkExit: check.exitCode, missing: [missing.exitCode, missing.errors[0]?.ruleId],',
      "  text: renderReport('text', dry, { color: false }).trimEnd().split('\\n').pop(),",
      '}));',
    ].join('\n');
    fs.writeFileSync(path.join(app, 'use-api.mjs'), script);
    const r = sh(process.execPath, ['use-api.mjs'], app);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      version: VERSION,
      mode: 'dry',
      exit: 0,
      // One module per package: api-src/ is in the package the first test migrated, so it imports src/alova-request-context.ts.
      changed: 1,
      statuses: ['api-src/api.server.ts:would-change'],
      edits: true,
      checkExit: 1,
      missing: [2, 'path-not-found'],
      text: 'Dry run: 1 file would change. Run without --dry to apply.',
    });
    expect(fs.existsSync(path.join(copy, 'alova-request-context.ts')), 'the default mode writes nothing').toBe(false);

    // Typed: a strict TypeScript consumer compiles against the installed .d.ts files, and a wrong use does not.
    const good = [
      "import { migrate, type RunReport, type ReviewItem } from 'alova-ssr-migrate';",
      "const report: RunReport = await migrate({ paths: ['src'], mode: 'check', cache: 'off', workers: 0 });",
      'const items: ReviewItem[] = report.files.flatMap((f) => f.items);',
      'export const codes: [0 | 1 | 2, number] = [report.exitCode, items.length];',
    ].join('\n');
    fs.writeFileSync(path.join(app, 'use-api.ts'), good);
    const tsc = (file: string) =>
      sh(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--typeRoots', path.join(REPO, 'node_modules/@types'), '--types', 'node', file], app);
    const ok = tsc('use-api.ts');
    expect(ok.code, ok.stdout).toBe(0);
    fs.writeFileSync(path.join(app, 'use-api-bad.ts'), "import { migrate } from 'alova-ssr-migrate';\nawait migrate({ mode: 'write' });\n");
    const bad = tsc('use-api-bad.ts');
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/'"write"' is not assignable/);
  }, 240_000);
});
