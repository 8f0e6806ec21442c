/**
 * Fixture-driven tests, one per pair, discovered automatically (the @next/codemod habit): adding a
 * case means adding files, never test code.
 *
 *   fixtures/<transform>/<case>.input.<ext>     the code before
 *   fixtures/<transform>/<case>.output.<ext>    the code after (absent: the file must stay unchanged)
 *   fixtures/<transform>/<case>.items.txt       expected review items, `line:col ruleId` per line (absent: none)
 *   fixtures/<transform>/<case>.options.json    transform options (e.g. {"cache": "off"}; {"project": {}} drops --assume-server)
 *   fixtures/<transform>/<case>.left-alone.txt  factories left alone, `line:col factory reason why` per line (absent: none)
 *
 * Every pair is also checked for idempotency (output -> output changes nothing and reports nothing)
 * and that the output re-parses with the file's own parser. All migrated TypeScript outputs are
 * type-checked together with tsc against the real alova typings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ruleIds, rules } from '../transforms/ssr-singleton.js';
import { PERSISTENT_RULES, ruleDocsUrl } from '../transforms/lib/rules.js';
import { parseFile } from '../transforms/lib/parsers.js';
import { migrateSource, onlyKnownItems } from '../src/transform.js';
import { renderContextModule } from '../transforms/lib/context-module.js';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const REPO = path.resolve(__dirname, '..');

interface Case {
  transform: string;
  name: string;
  ext: string;
  dir: string;
  input: string;
  output: string | null;
  items: string[];
  leftAlone: string[];
  options: Record<string, unknown>;
}

const lines = (text: string | null) => (text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);

function discoverCases(): Case[] {
  const cases: Case[] = [];
  for (const transform of fs.readdirSync(FIXTURES)) {
    const dir = path.join(FIXTURES, transform);
    if (!fs.existsSync(path.join(REPO, 'transforms', `${transform}.ts`))) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      const m = /^(.*)\.input(\.[a-z]+)$/.exec(f);
      if (!m) continue;
      const [, name, ext] = m;
      const read = (p: string) => (fs.existsSync(path.join(dir, p)) ? fs.readFileSync(path.join(dir, p), 'utf8') : null);
      cases.push({
        transform,
        name,
        ext,
        dir,
        input: read(f)!,
        output: read(`${name}.output${ext}`),
        items: lines(read(`${name}.items.txt`)),
        leftAlone: lines(read(`${name}.left-alone.txt`)),
        options: JSON.parse(read(`${name}.options.json`) ?? '{}'),
      });
    }
  }
  return cases;
}

const cases = discoverCases();

/**
 * These fixtures test HOW a factory is migrated, so they run as `--assume-server` does: a factory
 * with no evidence either way is taken for server code. WHETHER a factory is server code is tested
 * by the classification corpus (fixtures/classify, test/classify.test.ts); counter-evidence (a
 * module-load-only factory, browser globals) still applies here.
 */
const SERVER = { project: { assumeServer: true } };

/** The file path the transform sees: `<dir>/<case><ext>`, so ids read `<case><ext>#name`. */
const virtualPath = (c: Case) => path.join(c.dir, c.name + c.ext);

/**
 * Rules the transform cannot report (so no fixture can show them), and the test that covers each.
 * Every other review rule needs a fixture: fixtures, not inline strings, are what the checks below run.
 */
const NOT_FROM_THE_TRANSFORM: Record<string, string> = {
  // The runner reports it: a file it cannot decode never reaches the transform.
  'unsupported-encoding': 'test/hostile/cases.test.ts',
};

describe('fixtures', () => {
  it('has at least 25 input/output pairs and every manual-review rule has a fixture', () => {
    expect(cases.filter((c) => c.output !== null).length).toBeGreaterThanOrEqual(25);
    const covered = new Set(cases.flatMap((c) => c.items.map((i) => i.split(' ')[1])));
    // Project fixtures (fixtures/projects/*/items.txt) cover the cross-file rules.
    const projects = path.join(FIXTURES, 'projects');
    for (const p of fs.readdirSync(projects)) {
      const f = path.join(projects, p, 'items.txt');
      if (fs.existsSync(f)) fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).forEach((l) => covered.add(l.split(' ')[1]));
    }
    const reviewRules = ruleIds.filter((id) => rules[id].kind === 'manual-review' || rules[id].kind === 'security' || rules[id].kind === 'warning');
    const uncovered = reviewRules.filter((id) => !covered.has(id) && !(id in NOT_FROM_THE_TRANSFORM));
    expect(uncovered, `rules without a fixture: ${uncovered.join(', ')}`).toEqual([]);
  });

  it('exempts from fixture coverage only rules the transform never reports, each tested where it comes from', () => {
    for (const [id, test] of Object.entries(NOT_FROM_THE_TRANSFORM)) {
      expect(ruleIds, `${id} is not a rule`).toContain(id);
      expect(fs.readFileSync(path.join(REPO, test), 'utf8'), `${test} does not test ${id}`).toContain(id);
    }
  });

  it('has no expected output or items without an input (a renamed or deleted case leaves none behind)', () => {
    const dir = path.join(FIXTURES, 'ssr-singleton');
    const files = fs.readdirSync(dir);
    const orphans = files.filter((f) => {
      const m = /^(.*)\.(?:output\.[a-z]+|items\.txt|left-alone\.txt|options\.json)$/.exec(f);
      return m && !files.some((g) => g.startsWith(`${m[1]}.input.`));
    });
    expect(orphans).toEqual([]);
  });

  for (const c of cases) {
    describe(`${c.transform}/${c.name}${c.ext}`, () => {
      const run = (text: string) => migrateSource(text, virtualPath(c), { root: c.dir, ...SERVER, ...(c.options as object) });

      it(c.output === null ? 'is left unchanged' : 'produces the expected output', () => {
        const r = run(c.input);
        expect(r.output).toBe(c.output);
      });

      it('reports exactly the expected review items', () => {
        const r = run(c.input);
        expect(r.items.map((i) => `${i.line}:${i.col} ${i.ruleId}`)).toEqual(c.items);
        for (const i of r.items) {
          expect(i.message.length).toBeGreaterThan(10);
          expect(i.docs).toBe(ruleDocsUrl(i.ruleId));
          expect(i.excerpt.length).toBeGreaterThan(0);
        }
      });

      it('leaves alone exactly the expected factories (not per-request server code)', () => {
        expect(run(c.input).leftAlone.map((l) => `${l.line}:${l.col} ${l.factory} ${l.reason} ${l.why}`)).toEqual(c.leftAlone);
      });

      if (c.output !== null) {
        it('output re-parses with the file parser', () => {
          expect(() => parseFile(c.output!, virtualPath(c))).not.toThrow();
        });
        it('is idempotent: a second run changes nothing and reports only what it said about code it keeps', () => {
          const again = run(c.output!);
          expect(again.output).toBeNull();
          // Only what the first run said about code it left as it is (a refused factory) comes back.
          const first = run(c.input).items;
          expect(onlyKnownItems(again.items, first)).toBe(true);
          const refused = first.filter((i) => i.kind === 'manual-review' && i.severity === 'error');
          expect(again.items.filter((i) => !PERSISTENT_RULES.has(i.ruleId)).map((i) => `${i.ruleId} ${i.excerpt}`)).toEqual(refused.map((i) => `${i.ruleId} ${i.excerpt}`));
          // A persistent finding is about code the migration keeps: the same ones come back.
          const persistent = (items: { ruleId: string; excerpt?: string }[]) => items.filter((i) => PERSISTENT_RULES.has(i.ruleId)).map((i) => `${i.ruleId} ${i.excerpt}`);
          expect(persistent(again.items)).toEqual(persistent(run(c.input).items));
        });
      }
    });
  }
});

describe('type-check of migrated TypeScript fixtures', () => {
  it('tsc --strict accepts every .output.ts/.tsx with the generated context module and real alova types', () => {
    const tmp = fs.mkdtempSync(path.join(REPO, '.tmp-typecheck-'));
    try {
      const outputs = cases.filter((c) => c.output !== null && /\.tsx?$/.test(c.ext));
      expect(outputs.length).toBeGreaterThan(10);
      for (const c of outputs) fs.writeFileSync(path.join(tmp, `${c.name}${c.ext}`), c.output!);
      fs.writeFileSync(path.join(tmp, 'alova-request-context.ts'), renderContextModule('ts'));
      fs.writeFileSync(path.join(tmp, 'jsx.d.ts'), 'declare namespace JSX { interface IntrinsicElements { [name: string]: any } interface Element {} }\n');
      // Modules the fixtures import that are not installed here (frameworks, app files).
      fs.writeFileSync(path.join(tmp, 'shims.d.ts'), "declare module 'next/headers' { export function cookies(): Promise<{ get(name: string): { value: string } | undefined; toString(): string }>; export function headers(): Promise<{ get(name: string): string | null }>; }\n");
      fs.writeFileSync(path.join(tmp, 'auth-store.ts'), "export const useAuthStore = { getState: () => ({ token: 'token' }) };\n");
      fs.writeFileSync(
        path.join(tmp, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: 'ES2022',
            module: 'ESNext',
            moduleResolution: 'Bundler',
            jsx: 'preserve',
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [path.join(REPO, 'node_modules/@types')],
          },
          include: ['*.ts', '*.tsx'],
        }),
      );
      const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', tmp], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('no unused locals left behind', () => {
  /** `tsc --noUnusedLocals` (TS6133/TS6192/TS6196/TS6198) errors per file of a folder of fixtures. */
  function unusedLocals(files: Record<string, string>): Map<string, string[]> {
    const tmp = fs.mkdtempSync(path.join(REPO, '.tmp-unused-'));
    try {
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), text);
      fs.writeFileSync(path.join(tmp, 'alova-request-context.ts'), renderContextModule('ts'));
      fs.writeFileSync(path.join(tmp, 'shims.d.ts'), "declare module 'next/headers' { export function cookies(): Promise<{ get(name: string): { value: string } | undefined; toString(): string }>; export function headers(): Promise<{ get(name: string): string | null }>; }\ndeclare namespace JSX { interface IntrinsicElements { [name: string]: any } interface Element {} }\n");
      fs.writeFileSync(path.join(tmp, 'auth-store.ts'), "export const useAuthStore = { getState: () => ({ token: 'token' }) };\n");
      fs.writeFileSync(
        path.join(tmp, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { strict: false, noEmit: true, noUnusedLocals: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', jsx: 'preserve', skipLibCheck: true, types: ['node'], typeRoots: [path.join(REPO, 'node_modules/@types')] },
          include: ['*.ts', '*.tsx'],
        }),
      );
      const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', tmp], { encoding: 'utf8' });
      const out = new Map<string, string[]>();
      for (const m of (tsc.stdout + tsc.stderr).matchAll(/^([^(\n]+)\(\d+,\d+\): error (TS6133|TS6192|TS6196|TS6198): (.*)$/gm)) {
        const file = path.basename(m[1]);
        out.set(file, [...(out.get(file) ?? []), `${m[2]} ${m[3]}`]);
      }
      return out;
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  it('tsc --noUnusedLocals accepts every migrated TypeScript fixture whose input it accepted', () => {
    const pairs = cases.filter((c) => c.output !== null && /\.tsx?$/.test(c.ext));
    expect(pairs.length).toBeGreaterThan(10);
    const before = unusedLocals(Object.fromEntries(pairs.map((c) => [`${c.name}${c.ext}`, c.input])));
    const after = unusedLocals(Object.fromEntries(pairs.map((c) => [`${c.name}${c.ext}`, c.output!])));
    const introduced = pairs.map((c) => `${c.name}${c.ext}`).filter((f) => !before.has(f) && after.has(f)).map((f) => `${f}: ${after.get(f)!.join('; ')}`);
    expect(introduced).toEqual([]);
  }, 120_000);
});

describe('plain jscodeshift can run the transform', () => {
  it('jscodeshift -t dist/cjs/transforms/ssr-singleton.js gives the fixture output', () => {
    const c = cases.find((x) => x.name === 'aliased-import')!;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jscs-'));
    try {
      const file = path.join(tmp, `${c.name}${c.ext}`);
      fs.writeFileSync(file, c.input);
      const r = spawnSync(
        process.execPath,
        [path.join(REPO, 'node_modules/jscodeshift/bin/jscodeshift.js'), '-t', path.join(REPO, 'dist/cjs/transforms/ssr-singleton.js'), '--run-in-band', '--parser=ts', `--root=${tmp}`, '--assumeServer=true', file],
        { encoding: 'utf8' },
      );
      expect(r.status).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe(c.output);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('transform unit cases', () => {
  it('preserves CRLF line endings and a BOM', () => {
    const c = cases.find((x) => x.name === 'named-import-arrow')!;
    const crlf = '\uFEFF' + c.input.replace(/\n/g, '\r\n');
    const r = migrateSource(crlf, virtualPath(c), { root: c.dir, ...SERVER });
    expect(r.output).toBe('\uFEFF' + c.output!.replace(/\n/g, '\r\n'));
  });

  it('a TSX-only construct parses as .tsx and a <T> cast parses as .ts (parser chosen per extension)', () => {
    expect(() => parseFile('const a = <div />;', 'a.tsx')).not.toThrow();
    expect(() => parseFile('const a = <any>b;', 'a.ts')).not.toThrow();
    expect(() => parseFile('const a = <any>b;', 'a.tsx')).toThrow();
    expect(() => parseFile('const a = <div />;', 'a.jsx')).not.toThrow();
  });
});

describe('rule catalogue', () => {
  // Each rule's page (docs/rules/<id>.md) is checked in test/docs.test.ts.
  it('every rule id has a description', () => {
    for (const id of ruleIds) expect(rules[id].description.length).toBeGreaterThan(10);
  });
});

/**
 * The hoisted instance runs its options when the module loads, where the factory used to run them
 * per request: a migrated JavaScript module must load wherever the original did (no TDZ error from
 * a helper that reads a later const, no missing name). Each module is imported in a child process,
 * with the real alova and the generated context module next to it.
 */
describe('migrated JavaScript fixtures load like their inputs', () => {
  const jsCases = cases.filter((c) => c.output !== null && /\.(js|mjs|cjs)$/.test(c.ext));
  const loads = (dir: string, file: string) =>
    spawnSync(process.execPath, ['-e', `import(${JSON.stringify(path.join(dir, file))}).then(() => process.exit(0), (e) => { console.error(String(e && e.message)); process.exit(1); })`], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  for (const c of jsCases) {
    it(`${c.name}${c.ext}`, () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'alova-load-'));
      try {
        const support = loadSupport(c);
        // The files sit one folder down, so that a node_modules of their own can put alova 2 first.
        const dir = path.join(root, 'app');
        fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
        fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
        fs.symlinkSync(path.join(REPO, 'node_modules', support.alovaPackage), path.join(dir, 'node_modules', 'alova'), 'dir');
        const cjs = /\brequire\(/.test(c.output!);
        fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: cjs ? 'commonjs' : 'module' }));
        fs.writeFileSync(path.join(dir, `alova-request-context.${cjs ? 'cjs' : 'mjs'}`), renderContextModule(cjs ? 'cjs' : 'mjs'));
        for (const [name, text] of Object.entries(support.files)) fs.writeFileSync(path.join(dir, name), text);
        fs.writeFileSync(path.join(dir, `input${c.ext}`), c.input);
        fs.writeFileSync(path.join(dir, `output${c.ext}`), c.output!);
        // An input that cannot load proves nothing about its output: that is a broken test, not a pass.
        const before = loads(dir, `input${c.ext}`);
        expect(before.stderr, `the input does not load on its own; give it what it imports in LOAD_SUPPORT`).toBe('');
        expect(before.status).toBe(0);
        const after = loads(dir, `output${c.ext}`);
        expect(after.stderr).toBe('');
        expect(after.status).toBe(0);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }
  it('covers the hoisting case that used to fail (a helper reading a later const)', () => {
    expect(jsCases.map((c) => c.name)).toContain('hoist-below-helper-reads');
  });
  it('loads the alova 2 case with alova 2 (alova 3 has no alova/GlobalFetch)', () => {
    const v2 = jsCases.find((c) => c.name === 'v2-local-cache')!;
    expect(loadSupport(v2).alovaPackage).toBe('alova2');
  });
});

/** Files a fixture's input imports that the fixture does not have, by case name. */
const LOAD_SUPPORT: Record<string, Record<string, string>> = {
  // The team's own helper that happens to share the tool's name (the case is about telling them apart).
  'caller-foreign-context': { 'my-context.js': 'export function runInAlovaContext(fn) {\n  return fn();\n}\n' },
};

/**
 * What a JavaScript fixture needs to load: the alova package (the installed devDependency aliases;
 * `alova/GlobalFetch` exists only in alova 2) and its LOAD_SUPPORT files.
 */
function loadSupport(c: Case): { alovaPackage: 'alova' | 'alova2'; files: Record<string, string> } {
  return { alovaPackage: /from ['"]alova\/GlobalFetch['"]/.test(c.input) ? 'alova2' : 'alova', files: LOAD_SUPPORT[c.name] ?? {} };
}
