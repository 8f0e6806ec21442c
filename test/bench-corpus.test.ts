// Tests for the benchmark corpus generator (bench/gen-corpus.mjs, bench/lib/corpus.mjs) and
// the report verifier (bench/lib/verify.mjs). Small sizes only; no timings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { generateCorpus, MARKER_FILE, RATIOS, readCorpus, type Expected } from '../bench/lib/corpus.mjs';
import { verifyReport } from '../bench/lib/verify.mjs';

const REPO = fileURLToPath(new URL('../', import.meta.url));
mkdirSync(join(REPO, '.tmp'), { recursive: true });
const work = mkdtempSync(join(REPO, '.tmp', 'bench-corpus-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const require = createRequire(import.meta.url);
// jscodeshift's own tsx parser (the one `--parser tsx` uses): Babel with the jsx + typescript plugins.
const babelTsx: { parse(code: string): unknown } = require('jscodeshift/parser/tsx.js')();

function sourceFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => f.split('\\').join('/'))
    .filter((f) => /\.tsx?$/.test(f))
    .sort();
}

function treeHash(dir: string): string {
  const h = createHash('sha256');
  const all = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(dir.length + 1).split('\\').join('/'))
    .sort();
  for (const rel of all) {
    h.update(rel + '\0');
    h.update(readFileSync(join(dir, rel)));
    h.update('\0');
  }
  return h.digest('hex');
}

const read = (dir: string, rel: string) => readFileSync(join(dir, rel), 'utf8');
const lineOf = (text: string, line: number) => text.split('\n')[line - 1] ?? '';

describe('gen-corpus: determinism', () => {
  it('same seed and size give a byte-identical tree (CLI and API); another seed does not', () => {
    const a = join(work, 'det-a');
    const b = join(work, 'det-b');
    const c = join(work, 'det-c');
    const r = spawnSync(process.execPath, [join(REPO, 'bench/gen-corpus.mjs'), '--seed', '11', '--files', '200', '--out', a], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/generated 200 files/);
    generateCorpus({ seed: 11, files: 200, out: b });
    generateCorpus({ seed: 12, files: 200, out: c });
    expect(treeHash(a)).toBe(treeHash(b));
    expect(treeHash(a)).not.toBe(treeHash(c));
    // Regenerating over an existing corpus replaces it with the same bytes.
    generateCorpus({ seed: 11, files: 200, out: b });
    expect(treeHash(b)).toBe(treeHash(a));
    expect(readCorpus(a, 11, 200)?.seed).toBe(11);
    expect(readCorpus(a, 11, 300)).toBeNull();
  });

  it('refuses to overwrite a folder that is not a generated corpus', () => {
    const foreign = join(work, 'foreign');
    mkdirSync(foreign, { recursive: true });
    writeFileSync(join(foreign, 'keep.txt'), 'precious');
    expect(() => generateCorpus({ seed: 1, files: 10, out: foreign })).toThrow(/refusing to overwrite/);
    expect(readFileSync(join(foreign, 'keep.txt'), 'utf8')).toBe('precious');
  });

  it('rejects bad arguments with exit 2', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'bench/gen-corpus.mjs'), '--files', 'many', '--out', join(work, 'x')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
  });
});

describe('gen-corpus: shape of a 200-file corpus', () => {
  const dir = join(work, 'c200');
  let expected: Expected;
  let files: string[];
  beforeAll(() => {
    ({ expected } = generateCorpus({ seed: 5, files: 200, out: dir }));
    files = sourceFiles(dir);
  });

  it('writes exactly --files source files, 50-400 lines each, in nested folders, plus metadata', () => {
    expect(files).toHaveLength(200);
    expect(expected.stats.files).toBe(200);
    expect(expected.stats.tsFiles + expected.stats.tsxFiles).toBe(200);
    expect(expected.stats.tsxFiles).toBeGreaterThan(0);
    for (const f of files) {
      const n = read(dir, f).split('\n').length - 1;
      expect(n, f).toBeGreaterThanOrEqual(50);
      expect(n, f).toBeLessThanOrEqual(400);
      expect(read(dir, f).endsWith('\n')).toBe(true);
    }
    expect(Math.max(...files.map((f) => f.split('/').length))).toBeGreaterThanOrEqual(4);
    expect(readdirSync(dir).sort()).toEqual([MARKER_FILE, 'expected.json', 'package.json', 'src', 'tsconfig.json'].sort());
    // expected.json must not itself be a grep hit for the I/O-floor measurement.
    expect(read(dir, 'expected.json')).not.toMatch(/createAlova/);
  });

  it('contains the kinds of code a real code base has', () => {
    const all = files.map((f) => read(dir, f)).join('\n');
    expect(all).toMatch(/^export class \w+/m);
    expect(all).toMatch(/^export interface \w+/m);
    expect(all).toMatch(/^export enum \w+/m);
    expect(all).toMatch(/<\/\w+>/); // JSX
    expect(all).toMatch(/^import \{[^}]+\} from '\.\.?\//m); // relative imports between files
  });

  it('every file parses with the TypeScript compiler (ts or tsx by extension)', () => {
    const program = ts.createProgram(files.map((f) => join(dir, f)), { noResolve: true, noLib: true, jsx: ts.JsxEmit.Preserve, types: [] });
    const diags = program.getSyntacticDiagnostics();
    expect(diags.map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)).toEqual([]);
  });

  it("every file parses with jscodeshift's tsx parser (Babel), as `--parser tsx` runs it", () => {
    const failures: string[] = [];
    for (const f of files) {
      try {
        babelTsx.parse(read(dir, f));
      } catch (err) {
        failures.push(`${f}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('expected.json points at the planted text', () => {
    expect(expected.factories.length).toBeGreaterThan(0);
    expect(expected.callSites.length).toBeGreaterThan(0);
    for (const f of expected.factories) {
      const text = read(dir, f.file);
      const line = lineOf(text, f.line);
      expect(line.slice(f.col - 1).startsWith('createAlova({'), `${f.file}:${f.line}`).toBe(true);
      expect(lineOf(text, f.declLine)).toMatch(new RegExp(`^(export )?function ${f.name}\\(`));
      expect(/^export function/.test(lineOf(text, f.declLine))).toBe(f.exported);
    }
    const factoryByKey = new Map(expected.factories.map((f) => [`${f.file}#${f.name}`, f]));
    for (const c of expected.callSites) {
      const text = read(dir, c.file);
      const line = lineOf(text, c.line);
      expect(line.slice(c.col - 1).startsWith(`${c.callee}(`), `${c.file}:${c.line}:${c.col}`).toBe(true);
      const fac = factoryByKey.get(`${c.factory.file}#${c.factory.name}`);
      expect(fac, `factory of ${c.file}:${c.line}`).toBeDefined();
      // The call site can see the factory: same file, or imported (maybe aliased) from its module.
      if (c.factory.file !== c.file) {
        const spec = c.callee === c.factory.name ? c.factory.name : `${c.factory.name} as ${c.callee}`;
        const from = c.factory.file.replace(/\.tsx?$/, '');
        const imp = text.split('\n').find((l) => l.startsWith('import {') && l.includes(spec));
        expect(imp, `${c.file} imports ${spec}`).toBeDefined();
        expect(from.endsWith(imp!.match(/from '([^']+)'/)![1].replace(/^(\.\.\/)+|^\.\//, ''))).toBe(true);
      }
      // The enclosing function is async.
      const before = text.split('\n').slice(0, c.line - 1).reverse().find((l) => /^(export )?async function /.test(l));
      expect(before, `${c.file}:${c.line}`).toContain(`async function ${c.function}(`);
    }
  });

  it('plants nothing it does not list: every createAlova-returning line and every factory call is in expected.json', () => {
    const factoryLines = new Set(expected.factories.map((f) => `${f.file}:${f.line}`));
    const callLines = new Set(expected.callSites.map((c) => `${c.file}:${c.line}`));
    const callees = new Set(expected.callSites.map((c) => c.callee));
    const foundFactories = new Set<string>();
    const foundCalls = new Set<string>();
    for (const f of files) {
      read(dir, f).split('\n').forEach((l, i) => {
        if (/^\s+return createAlova\(/.test(l)) foundFactories.add(`${f}:${i + 1}`);
        const m = l.match(/^\s+const \w+ = (\w+)\((?:req|request)\);$/);
        if (m && callees.has(m[1])) foundCalls.add(`${f}:${i + 1}`);
      });
    }
    expect([...foundFactories].sort()).toEqual([...factoryLines].sort());
    expect([...foundCalls].sort()).toEqual([...callLines].sort());
  });

  it('mention-only files mention createAlova but hold no factory or call site', () => {
    expect(expected.mentions.length).toBeGreaterThanOrEqual(3);
    expect(new Set(expected.mentions.map((m) => m.kind))).toEqual(new Set(['comment', 'singleton', 'string']));
    const planted = new Set([...expected.factories.map((f) => f.file), ...expected.callSites.map((c) => c.file)]);
    for (const m of expected.mentions) {
      expect(planted.has(m.file)).toBe(false);
      expect(lineOf(read(dir, m.file), m.line)).toContain('createAlova');
      if (m.kind === 'singleton') expect(lineOf(read(dir, m.file), m.line)).toMatch(/^export const \w+ = createAlova\(\{$/);
    }
    // grep -rl createAlova finds exactly the factory modules and the mention files.
    const hits = files.filter((f) => read(dir, f).includes('createAlova'));
    expect(hits.length).toBe(expected.stats.factoryFiles + expected.mentions.length);
  });
});

describe('gen-corpus: planted ratios', () => {
  it('about 1% factory modules, 2% call-site files and a few mention-only files', () => {
    const { expected } = generateCorpus({ seed: 2, files: 1000, out: join(work, 'c1000') });
    const s = expected.stats;
    expect(s.factoryFiles).toBe(Math.round(1000 * RATIOS.factories));
    expect(s.callSiteFiles / 1000).toBeGreaterThanOrEqual(0.018);
    expect(s.callSiteFiles / 1000).toBeLessThanOrEqual(0.03);
    expect(s.mentionFiles).toBeGreaterThanOrEqual(3);
    expect(s.mentionFiles).toBeLessThanOrEqual(10);
    expect(expected.factories.length).toBeGreaterThanOrEqual(s.factoryFiles);
    expect(expected.callSites.length).toBeGreaterThanOrEqual(s.callSiteFiles);
    // Variety that the migration has to cope with.
    expect(expected.callSites.some((c) => c.callee !== c.factory.name)).toBe(true); // aliased imports
    expect(expected.callSites.some((c) => c.file === c.factory.file)).toBe(true); // same-file call sites
    expect(new Set(expected.factories.map((f) => f.name.replace(/[A-Z].*/, ''))).size).toBeGreaterThan(1); // create/make/build...
    expect(s.tsxFiles / s.files).toBeGreaterThan(0.1);
    // Every exported factory is used somewhere; every call site uses a planted factory.
    const used = new Set(expected.callSites.map((c) => `${c.factory.file}#${c.factory.name}`));
    for (const f of expected.factories) expect(used.has(`${f.file}#${f.name}`), f.name).toBe(true);
  });
});

describe('bench verifier', () => {
  const dir = join(work, 'verify');
  let expected: Expected;
  beforeAll(() => {
    ({ expected } = generateCorpus({ seed: 9, files: 200, out: dir }));
  });

  /** A report that lists exactly the planted factories and leaves every caller alone, as the CLI's json reporter would. */
  function perfectReport() {
    const byFile = new Map<string, { file: string; status: string; edits: object[]; items: object[]; factoriesMigrated: number }>();
    const rec = (file: string) => {
      let r = byFile.get(file);
      if (!r) byFile.set(file, (r = { file, status: 'would-change', edits: [], items: [], factoriesMigrated: 0 }));
      return r;
    };
    for (const f of expected.factories) {
      const r = rec(f.file);
      r.edits.push({ ruleId: 'hoist-instance', file: f.file, line: f.line, col: f.col });
      r.factoriesMigrated++;
    }
    const factoryFiles = new Set(expected.factories.map((f) => f.file));
    for (const c of expected.callSites) if (!factoryFiles.has(c.file) && !byFile.has(c.file)) byFile.set(c.file, { file: c.file, status: 'not-applicable', edits: [], items: [], factoriesMigrated: 0 });
    const files = [...byFile.values()];
    return { files, summary: { factoriesMigrated: expected.factories.length } };
  }

  it('accepts a report listing exactly the planted factories, with every caller left as written', () => {
    const v = verifyReport(perfectReport(), expected, { corpusDir: dir, cwd: dir });
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it('resolves report paths relative to the working directory the CLI ran in', () => {
    const report = perfectReport();
    const prefix = 'some/where/';
    for (const f of report.files) {
      f.file = prefix + f.file;
      for (const e of f.edits as { file: string }[]) e.file = prefix + e.file;
    }
    const v = verifyReport(report, expected, { corpusDir: join(work, 'cwd', 'some', 'where'), cwd: join(work, 'cwd') });
    expect(v.ok).toBe(true);
  });

  it('reports a changed caller, an edited call site, an extra factory and a reported mention-only file', () => {
    const report = perfectReport();
    const factoryFiles = new Set(expected.factories.map((f) => f.file));
    const callerOnly = expected.callSites.find((c) => !factoryFiles.has(c.file))!;
    const callerRecord = report.files.find((f) => f.file === callerOnly.file)!;
    callerRecord.status = 'would-change';
    callerRecord.edits.push({ ruleId: 'wire-call-site', file: callerOnly.file, line: callerOnly.line, col: callerOnly.col });
    const mention = expected.mentions[0];
    report.files.push({ file: mention.file, status: 'would-change', edits: [{ ruleId: 'hoist-instance', file: mention.file, line: mention.line, col: 1 }], items: [], factoriesMigrated: 1 });
    const v = verifyReport(report, expected, { corpusDir: dir, cwd: dir });
    expect(v.ok).toBe(false);
    expect(v.changedCallers.map((c) => c.file)).toEqual([callerOnly.file]);
    expect(v.touchedCallSites).toContainEqual(expect.objectContaining({ file: callerOnly.file, line: callerOnly.line }));
    expect(v.extraFactories).toHaveLength(1);
    expect(v.unexpectedFiles.map((u) => u.file)).toEqual([mention.file]);
    expect(v.unexpectedFiles[0].mention).toBe(true);
  });

  it('an edit anchored at a same-file call site counts as a touched caller', () => {
    const report = perfectReport();
    const factoryFiles = new Set(expected.factories.map((f) => f.file));
    const sameFile = expected.callSites.find((c) => factoryFiles.has(c.file))!;
    report.files.find((f) => f.file === sameFile.file)!.edits.push({ ruleId: 'wire-call-site', file: sameFile.file, line: sameFile.line, col: sameFile.col });
    const v = verifyReport(report, expected, { corpusDir: dir, cwd: dir });
    expect(v.ok).toBe(false);
    expect(v.touchedCallSites).toEqual([expect.objectContaining({ file: sameFile.file, line: sameFile.line })]);
    expect(v.problems.join('\n')).toMatch(/call sites were edited/);
  });

  it('a report that migrates nothing fails with every planted item missing', () => {
    const v = verifyReport({ files: [], summary: { factoriesMigrated: 0 } }, expected, { corpusDir: dir, cwd: dir });
    expect(v.ok).toBe(false);
    expect(v.missingFactories).toHaveLength(expected.factories.length);
    expect(v.touchedCallSites).toHaveLength(0);
  });
});
