/**
 * The classification corpus: real-world shapes of createAlova factories (modelled on public
 * Vue/React/Next/Nuxt/uni-app apps, alova's own test suites and CLI helpers), one small project per
 * folder, discovered automatically:
 *
 *   fixtures/classify/<case>/**            the project (with its package.json)
 *   fixtures/classify/<case>/expected.txt  one line per factory: `<file>:<line> server` (migrated)
 *                                          or `<file>:<line> <reason>` (left alone, reason as in the report)
 *
 * Each case runs through the built CLI (apply, JSON report) in a temporary copy. Checked: the
 * verdict of every factory, that left-alone code is byte-identical and raises no blocking item,
 * that every changed file re-parses, and that nothing but the generated context module mentions
 * node:async_hooks. Below, the predicates of transforms/lib/classify.ts as tables.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NO_PROJECT_FACTS,
  type ProjectFacts,
  classifyFactory,
  fileServerEvidence,
  importSpecifiers,
  isServerLocation,
  isTestFile,
  requestObjectReaching,
  universalMarker,
  userDirective,
} from '../transforms/lib/classify.js';
import { parseFile } from '../transforms/lib/parsers.js';
import { type Node, forEachChildNode, isFunction } from '../transforms/lib/ast.js';
import { migrateSource } from '../src/transform.js';

const REPO = path.resolve(__dirname, '..');
const BIN = path.join(REPO, 'dist/bin/alova-ssr-migrate.js');
const BASE = path.join(REPO, 'fixtures/classify');
const TMP = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'asm-classify-')));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

interface Report {
  files: {
    file: string;
    status: string;
    created?: boolean;
    edits: { ruleId: string; line: number }[];
    items: { ruleId: string; kind: string }[];
    leftAlone: { file: string; line: number; reason: string; why: string }[];
  }[];
  summary: { leftAlone: { total: number; byReason: Record<string, number> } };
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const abs = path.join(e.parentPath, e.name);
    out[path.relative(dir, abs).split(path.sep).join('/')] = fs.readFileSync(abs, 'utf8');
  }
  return out;
}

/** Nuxt/Nitro context functions: they throw outside a request, so the migration must never hoist them to module load. */
const CONTEXT_CALLS = new Set(['useRuntimeConfig', 'useAppConfig', 'useRequestHeaders', 'useRequestEvent', 'useNuxtApp', 'useEvent', 'headers', 'cookies']);

/** Calls of CONTEXT_CALLS that run when the module loads (outside every function). */
function contextCallsAtLoad(text: string, file: string): string[] {
  const found: string[] = [];
  const visit = (n: Node) => {
    if (isFunction(n)) return;
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && CONTEXT_CALLS.has(n.callee.name)) found.push(n.callee.name);
    forEachChildNode(n, visit);
  };
  visit(parseFile(text, file).program);
  return found;
}

const cases = fs.readdirSync(BASE).filter((c) => fs.existsSync(path.join(BASE, c, 'expected.txt'))).sort();

describe('classification corpus (fixtures/classify, through the CLI)', () => {
  it('has server shapes and every kind of left-alone shape', () => {
    const verdicts = new Set(cases.flatMap((c) => fs.readFileSync(path.join(BASE, c, 'expected.txt'), 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[1])));
    expect([...verdicts].sort()).toEqual(['browser-code', 'cli', 'directive', 'module-load', 'no-evidence', 'server', 'test-file', 'universal-code']);
  });

  for (const name of cases) {
    it(name, () => {
      const work = path.join(TMP, name);
      fs.cpSync(path.join(BASE, name), work, { recursive: true });
      fs.rmSync(path.join(work, 'expected.txt'));
      const before = tree(work);
      const r = spawnSync(process.execPath, [BIN, '.', '--allow-dirty', '--reporter', 'json'], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout) as Report;
      const expected = fs.readFileSync(path.join(BASE, name, 'expected.txt'), 'utf8').split('\n').filter(Boolean).sort();

      // A migrated factory: its createAlova call became provideAlovaContext(...) (that edit's line).
      const migrated = report.files.flatMap((f) => f.edits.filter((e) => e.ruleId === 'provide-request-context').map((e) => `${f.file}:${e.line} server`));
      const leftAlone = report.files.flatMap((f) => f.leftAlone.map((l) => `${l.file}:${l.line} ${l.reason}`));
      expect([...migrated, ...leftAlone].sort()).toEqual(expected);
      expect(report.summary.leftAlone.total).toBe(leftAlone.length);

      const after = tree(work);
      const changed = Object.keys(after).filter((f) => after[f] !== before[f]);
      const serverFiles = new Set(expected.filter((l) => l.endsWith(' server')).map((l) => l.split(':')[0]));
      // Call-site wiring (wire-call-site + its import) of a migrated factory's caller, which issue 9
      // removes: the only change allowed outside the factories' own modules.
      const wiringOnly = (f: string) => report.files.find((x) => x.file === f)?.edits.every((e) => e.ruleId === 'wire-call-site' || e.ruleId === 'add-context-import');
      for (const f of changed) {
        // Only per-request server code changes (and the context module is created for it).
        if (before[f] === undefined) expect(f).toMatch(/^alova-request-context\.(ts|mjs|cjs)$/);
        else expect(serverFiles.has(f) || wiringOnly(f), `${f} changed but is not server code`).toBe(true);
        expect(() => parseFile(after[f], path.join(work, f))).not.toThrow();
        expect(contextCallsAtLoad(after[f], path.join(work, f)), `${f} calls a framework context function at module load`).toEqual([]);
      }
      for (const f of serverFiles) expect(changed, `${f} was not migrated`).toContain(f);
      // node:async_hooks only ever in the generated context module.
      for (const [f, text] of Object.entries(after)) if (!/^alova-request-context\./.test(f)) expect(text.includes('async_hooks'), f).toBe(false);
      // Left-alone code raises no blocking item: only the universal-code advice, a warning.
      const leftFiles = new Set(report.files.filter((f) => f.leftAlone.length && !serverFiles.has(f.file)).map((f) => f.file));
      for (const f of report.files.filter((x) => leftFiles.has(x.file))) {
        expect(f.items.filter((i) => i.kind !== 'warning'), f.file).toEqual([]);
        expect(f.status).toBe('unchanged');
      }
    }, 60_000);
  }

  it('--assume-server migrates the no-evidence factory, not the browser, test or universal ones', () => {
    for (const name of ['no-evidence', 'vue-helper', 'test-helpers', 'nuxt-plugin']) {
      const work = path.join(TMP, `assume-${name}`);
      fs.cpSync(path.join(BASE, name), work, { recursive: true });
      const r = spawnSync(process.execPath, [BIN, '.', '--dry', '--assume-server', '--reporter', 'json'], { cwd: work, encoding: 'utf8' });
      const report = JSON.parse(r.stdout) as Report;
      const changed = report.files.filter((f) => f.status === 'would-change' && !f.created).map((f) => f.file);
      expect(changed, name).toEqual(name === 'no-evidence' ? ['src/client.js'] : []);
    }
  }, 60_000);

  it('the text report says what was left alone, and why, on one line', () => {
    const work = path.join(TMP, 'text-test-helpers');
    fs.cpSync(path.join(BASE, 'test-helpers'), work, { recursive: true });
    const r = spawnSync(process.execPath, [BIN, '.', '--dry'], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const lines = r.stdout.split('\n').filter((l) => l.includes('Left alone'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ {2}Left alone +3 +factories that are not per-request server code, unchanged: test-file 3 \(https:\/\/\S+\/docs\/what-is-left-alone\.md\)$/);
  });
});

// ---------------------------------------------------------------------------------------------
// Predicates, as tables (valid = true, invalid = false)
// ---------------------------------------------------------------------------------------------

describe('classify predicates', () => {
  const sig = (rel: string, text: string) => ({ rel, text, directives: [], imports: importSpecifiers(text) });
  it('isTestFile', () => {
    for (const f of ['test/utils.ts', 'packages/client/test/react/x.tsx', 'src/__tests__/a.ts', 'src/a.test.ts', 'src/a.spec.jsx', 'e2e/login.ts']) expect(isTestFile(f), f).toBe(true);
    for (const f of ['src/testing-utils.ts', 'src/contest.ts', 'server/api/test-route.ts', 'src/latest/a.ts']) expect(isTestFile(f), f).toBe(false);
  });

  it('isServerLocation', () => {
    for (const f of ['server/utils/api.ts', 'apps/web/server/api/me.get.ts', 'src/db.server.ts', 'pages/api/me.ts', 'app/api/me/route.ts', 'src/routes/+server.ts', 'pages/x/+data.ts', 'middleware.ts']) {
      expect(isServerLocation(f), f).toBe(true);
    }
    for (const f of ['src/serverless-docs.ts', 'app/page.tsx', 'pages/index.tsx', 'src/observer/x.ts', 'utils/api.ts']) expect(isServerLocation(f), f).toBe(false);
  });

  it('universalMarker: Nuxt plugins, Nuxt context calls, #app imports, typeof window; never under server/', () => {
    expect(universalMarker(sig('plugins/a.ts', 'export default defineNuxtPlugin(() => {})'))).toBe('defineNuxtPlugin()');
    expect(universalMarker(sig('utils/a.ts', "import { useNuxtApp } from '#app'"))).toBe('import from #app');
    expect(universalMarker(sig('composables/a.ts', 'const c = useRuntimeConfig()'))).toMatch(/useRuntimeConfig/);
    expect(universalMarker(sig('lib/a.ts', "if (typeof window !== 'undefined') {}"))).toMatch(/typeof window/);
    // React's useState is not a Nuxt call; Nitro's useRuntimeConfig under server/ is server code.
    expect(universalMarker(sig('src/a.tsx', 'const [a] = useState(0)'))).toBeNull();
    expect(universalMarker(sig('server/utils/a.ts', 'const c = useRuntimeConfig()'))).toBeNull();
  });

  it('requestObjectReaching: typed, read or helper-read request objects; a plain token is not one', () => {
    const fn = (code: string) => {
      const program = parseFile(code, 'x.ts').program;
      const st = program.body[0];
      return st.type === 'FunctionDeclaration' ? st : st.declarations[0].init;
    };
    expect(requestObjectReaching([fn('function f(req: IncomingMessage) {}')])).toBe('parameter req: IncomingMessage');
    expect(requestObjectReaching([fn('function f(r) { return r.headers.a }')])).toBe('reads r.headers');
    expect(requestObjectReaching([fn("function f(e) { return getHeader(e, 'a') }")])).toBe('calls getHeader(e)');
    expect(requestObjectReaching([fn("const f = ({ req }) => req.cookies.a")])).toBe('reads req.cookies');
    expect(requestObjectReaching([fn('function f(token: string) { return token.trim() }')])).toBeNull();
    expect(requestObjectReaching([fn('function f(opts) { return opts.baseURL }')])).toBeNull();
  });

  it('fileServerEvidence: locations, server-only imports, handler shapes', () => {
    expect(fileServerEvidence(sig('src/a.ts', "import express from 'express'"))).toBe('imports express');
    expect(fileServerEvidence(sig('src/a.ts', "const fs = require('node:fs')"))).toBe('imports node:fs');
    expect(fileServerEvidence(sig('src/a.ts', 'export default defineEventHandler(async (event) => {})'))).toMatch(/h3/);
    expect(fileServerEvidence(sig('src/a.ts', 'export async function GET(request) {}'))).toMatch(/route handler/);
    expect(fileServerEvidence(sig('src/a.ts', "router.get('/me', async (req, res) => {})"))).toMatch(/Express/);
    expect(fileServerEvidence(sig('src/a.ts', "import { ref } from 'vue'; export const a = ref(1)"))).toBeNull();
  });

  it('userDirective', () => {
    expect(userDirective('// alova-ssr-migrate: server\n')).toBe('server');
    expect(userDirective('/* alova-ssr-migrate:leave */')).toBe('leave');
    expect(userDirective('// alova-ssr-migrate is great')).toBeNull();
  });

  it('contextCallsAtLoad (the corpus check) finds a hoisted context call and ignores one in a function', () => {
    expect(contextCallsAtLoad('const c = useRuntimeConfig();\nexport const f = () => useRequestHeaders();\n', 'x.ts')).toEqual(['useRuntimeConfig']);
  });

  it('classifyFactory: a caller with server evidence vouches for an evidence-free factory', () => {
    const file = { rel: 'lib/api.ts', text: '', directives: [], imports: [] };
    const factory = { id: 'lib/api.ts#createApi', functions: [], calledOnlyAtModuleLoad: false };
    const project: ProjectFacts = { ...NO_PROJECT_FACTS, serverCallers: { 'lib/api.ts#createApi': 'routes/me.ts' } };
    expect(classifyFactory(file, factory, project)).toEqual({ migrate: true, reason: null, why: 'called from server code in routes/me.ts' });
    expect(classifyFactory(file, factory, NO_PROJECT_FACTS)).toMatchObject({ migrate: false, reason: 'no-evidence' });
  });

  it('per-file transform (no project facts): the control of fixtures/ssr-singleton/left-alone-no-evidence', () => {
    // That fixture runs without --assume-server and expects its factory left alone, with a record
    // and no item (its .left-alone.txt). Forced, the same code is migrated: so that fixture can fail.
    const dir = path.join(REPO, 'fixtures/ssr-singleton');
    const code = fs.readFileSync(path.join(dir, 'left-alone-no-evidence.input.js'), 'utf8');
    const forced = migrateSource(code, path.join(dir, 'left-alone-no-evidence.js'), { root: dir, project: { assumeServer: true } });
    expect(forced.leftAlone).toEqual([]);
    expect(forced.output).not.toBeNull();
  });
});
