/**
 * How a migrated file imports the generated context module: the relative path from the file to the
 * module, the extension of its flavour, and, for TypeScript, the `.js` suffix NodeNext resolution
 * wants. Tested through the public entry points only (the transform entry's migrate() for its
 * options, the package's migrate() for the tsconfig a project run reads), so the tests survive moves
 * of the code behind them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type MigrateOptions, migrate } from '../transforms/ssr-singleton.js';
import { migrate as migrateProject } from '../src/index.js';

const ROOT = path.join(os.tmpdir(), 'asm-specifier-project');

const FACTORY_ESM = `import { createAlova } from 'alova';
export function createApi(token) {
  return createAlova({ requestAdapter: null, beforeRequest(m) { m.config.headers.a = token; } });
}
`;
const FACTORY_CJS = `const { createAlova } = require('alova');
function createApi(token) {
  return createAlova({ requestAdapter: null, beforeRequest(m) { m.config.headers.a = token; } });
}
module.exports = { createApi };
`;
const FACTORY_TS = FACTORY_ESM.replace('(token)', '(token: string)').replace('requestAdapter: null', 'requestAdapter: null as any');

/** The line that brings in the context module, from the migrated text of `rel` (under ROOT). */
function contextImport(source: string, rel: string, options: MigrateOptions = {}): string {
  const r = migrate(source, path.join(ROOT, rel), { root: ROOT, project: { assumeServer: true }, ...options });
  expect(r.findings.filter((f) => f.kind !== 'edit'), 'the case must migrate').toEqual([]);
  expect(r.output).not.toBeNull();
  const line = r.output!.split('\n').find((l) => /provideAlovaContext.*(from|require\()/.test(l));
  expect(line, r.output!).toBeDefined();
  return line!;
}
const specifier = (line: string) => /(?:from |require\()'([^']+)'/.exec(line)![1];

describe('context-module specifier: path and flavour', () => {
  it('a TypeScript file imports the module next to it, without extension by default', () => {
    expect(specifier(contextImport(FACTORY_TS, 'src/api.ts'))).toBe('./alova-request-context');
  });

  it('JavaScript files name the module of their flavour: .mjs for ESM, .cjs for CommonJS', () => {
    expect(specifier(contextImport(FACTORY_ESM, 'src/api.js'))).toBe('./alova-request-context.mjs');
    expect(specifier(contextImport(FACTORY_ESM, 'src/api.mjs'))).toBe('./alova-request-context.mjs');
    const cjs = contextImport(FACTORY_CJS, 'src/api.js');
    expect(cjs).toMatch(/^const \{ [^}]*provideAlovaContext[^}]* \} = require\('\.\/alova-request-context\.cjs'\);$/);
    expect(specifier(contextImport(FACTORY_CJS, 'src/api.cjs'))).toBe('./alova-request-context.cjs');
  });

  it('--context-module elsewhere: a relative path from the file, in POSIX form, always starting with a dot', () => {
    const elsewhere = { contextModule: path.join(ROOT, 'lib', 'ctx') };
    expect(specifier(contextImport(FACTORY_TS, 'src/deep/api.ts', elsewhere))).toBe('../../lib/ctx');
    expect(specifier(contextImport(FACTORY_ESM, 'lib/api.js', elsewhere))).toBe('./ctx.mjs');
    expect(specifier(contextImport(FACTORY_ESM, 'api.js', elsewhere))).toBe('./lib/ctx.mjs');
  });
});

describe('context-module specifier: the .js suffix in TypeScript', () => {
  it('tsImportSuffix (NodeNext in tsconfig) adds .js when the file has no relative import to copy', () => {
    expect(specifier(contextImport(FACTORY_TS, 'src/api.ts', { tsImportSuffix: '.js' }))).toBe('./alova-request-context.js');
    expect(specifier(contextImport(FACTORY_TS, 'src/api.tsx', { tsImportSuffix: '.js' }))).toBe('./alova-request-context.js');
  });

  it("the file's own relative imports win over the project setting", () => {
    const withJs = `import { base } from './config.js';\n${FACTORY_TS}`;
    const bare = `import { base } from './config';\n${FACTORY_TS}`;
    expect(specifier(contextImport(withJs, 'src/api.ts'))).toBe('./alova-request-context.js');
    expect(specifier(contextImport(bare, 'src/api.ts', { tsImportSuffix: '.js' }))).toBe('./alova-request-context');
  });

  it('.mts and .cts files always get .js (Node resolution, whatever the project says)', () => {
    expect(specifier(contextImport(FACTORY_TS, 'src/api.mts'))).toBe('./alova-request-context.js');
    expect(specifier(contextImport(`import { base } from './config';\n${FACTORY_TS}`, 'src/api.cts'))).toBe('./alova-request-context.js');
  });
});

describe('context-module specifier: the project placement (contextModules) wins', () => {
  const abs = (rel: string) => path.join(ROOT, rel);

  it("an ESM file in a CommonJS package imports the package's .cjs module with its own import syntax", () => {
    const placed = { [abs('src/api.js')]: { base: abs('alova-request-context'), flavor: 'cjs' as const, tsImportSuffix: '' as const } };
    expect(contextImport(FACTORY_ESM, 'src/api.js', { contextModules: placed })).toMatch(/^import \{ .* \} from '\.\.\/alova-request-context\.cjs';$/);
  });

  it("a TypeScript file takes the suffix of its own package's tsconfig, not the run's", () => {
    const placed = { [abs('pkg/src/api.ts')]: { base: abs('pkg/src/alova-request-context'), flavor: 'ts' as const, tsImportSuffix: '.js' as const } };
    expect(specifier(contextImport(FACTORY_TS, 'pkg/src/api.ts', { contextModules: placed, tsImportSuffix: '' }))).toBe('./alova-request-context.js');
  });

  it('a JavaScript file importing a TypeScript module no build compiles names it with .ts (ownExtension)', () => {
    const placed = { [abs('src/api.js')]: { base: abs('src/alova-request-context'), flavor: 'ts' as const, tsImportSuffix: '.js' as const, ownExtension: true as const } };
    expect(specifier(contextImport(FACTORY_ESM, 'src/api.js', { contextModules: placed }))).toBe('./alova-request-context.ts');
  });

  it('a file that cannot import its package module is left unchanged and reported where it creates its instance', () => {
    const placed = { [abs('src/api.js')]: { blocked: 'context-module-flavour' as const, detail: 'the package module is TypeScript' } };
    const r = migrate(FACTORY_ESM, abs('src/api.js'), { root: ROOT, project: { assumeServer: true }, contextModules: placed });
    expect(r.output).toBeNull();
    // Reported at the createAlova call: line 3, column 10.
    const at = FACTORY_ESM.split('\n').slice(0, 2).join('\n').length + 1 + 9;
    expect(r.findings.map((f) => `${f.kind} ${'ruleId' in f ? f.ruleId : ''} ${f.start}`)).toEqual([`item context-module-flavour ${at}`]);
  });
});

/** A project run reads tsconfig.json (JSON with comments, `extends`) for the suffix. */
describe('context-module specifier: the project tsconfig, through migrate()', () => {
  const temps: string[] = [];
  afterAll(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  async function importOf(tsconfigs: Record<string, string>): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asm-specifier-'));
    temps.push(dir);
    fs.mkdirSync(path.join(dir, 'src'));
    // A server package (express dependency): its factory is migrated.
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "p", "private": true, "type": "module", "dependencies": { "express": "^5.1.0" } }\n');
    for (const [name, text] of Object.entries(tsconfigs)) fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(path.join(dir, 'src/api.ts'), FACTORY_TS);
    // Run on `.`: the module goes to the package root, one folder above src/api.ts.
    const report = await migrateProject({ cwd: dir, mode: 'apply', allowDirty: true });
    expect(report.errors).toEqual([]);
    const migrated = fs.readFileSync(path.join(dir, 'src/api.ts'), 'utf8');
    const line = migrated.split('\n').find((l) => l.includes('provideAlovaContext') && l.includes(' from '));
    expect(line, migrated).toBeDefined();
    return specifier(line!);
  }

  it('NodeNext: .js', async () => {
    expect(await importOf({ 'tsconfig.json': '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext" } }\n' })).toBe('../alova-request-context.js');
  });

  it('node16 read through `extends`, with comments and a trailing comma: .js', async () => {
    const base = '{\n  // Node resolution\n  "compilerOptions": { "module": "node16", "moduleResolution": "node16", },\n}\n';
    expect(await importOf({ 'tsconfig.base.json': base, 'tsconfig.json': '{ "extends": "./tsconfig.base.json" }\n' })).toBe('../alova-request-context.js');
  });

  it('bundler resolution, or no tsconfig: no suffix', async () => {
    expect(await importOf({ 'tsconfig.json': '{ "compilerOptions": { "module": "ESNext", "moduleResolution": "Bundler" } }\n' })).toBe('../alova-request-context');
    expect(await importOf({})).toBe('../alova-request-context');
  });
});
