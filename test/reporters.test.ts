import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { Mode, RunReport } from '../src/records.js';
import {
  annotations,
  escapeData,
  escapeProperty,
  formatAnnotation,
  MAX_ANNOTATIONS_PER_LEVEL,
  mdCell,
  render as renderGithub,
  renderStepSummary,
} from '../src/report/github.js';
import { isReporterName, REPORTER_NAMES, renderReport, type RenderOptions } from '../src/report/index.js';
import { render as renderJson } from '../src/report/json.js';
import { JSON_KEY_ORDER, outcomeLine, sanitize } from '../src/report/format.js';
import { docsToHelpUri, FINGERPRINT_KEY, pathToUriReference, render as renderSarif, TOOL_INFORMATION_URI } from '../src/report/sarif.js';
import { formatMs, progressLine, render as renderText } from '../src/report/text.js';
import { edit, file, item, kitchenSink, report } from './__fixtures__/reports/factory.js';
import { repositoryFileUrl, ruleDocsUrl, rules } from '../transforms/lib/rules.js';
import { compileSarifSchema } from './helpers/sarif-schema.js';

const plain: RenderOptions = { color: false };
const ESC = '\u001b';
const MODES: Mode[] = ['check', 'dry', 'apply'];
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** A report whose files and items arrive in a scrambled order (the pipeline is concurrent). */
function shuffled(r: RunReport): RunReport {
  return {
    ...r,
    files: [...r.files].reverse().map((f) => ({ ...f, items: [...f.items].reverse(), edits: [...f.edits].reverse() })),
    summary: { ...r.summary, ruleCounts: Object.fromEntries(Object.entries(r.summary.ruleCounts).reverse()) },
  };
}

function lastLine(out: string): string {
  expect(out.endsWith('\n')).toBe(true);
  return out.slice(0, -1).split('\n').at(-1)!;
}

// ---- text -------------------------------------------------------------------------------------

describe('text reporter', () => {
  for (const mode of MODES) {
    it(`matches the snapshot (${mode})`, async () => {
      const out = renderText(kitchenSink(mode), { color: false, diffs: mode === 'dry' });
      await expect(out).toMatchFileSnapshot(`./__snapshots__/text-${mode}.txt`);
    });
  }

  it('is identical for scrambled input order', () => {
    const r = kitchenSink('check');
    expect(renderText(shuffled(r), plain)).toBe(renderText(r, plain));
  });

  it('lists every summary line the brief requires', () => {
    const out = renderText(kitchenSink('check'), plain);
    for (const label of [
      /Files scanned +6\n/,
      /Not applicable +1 +skipped by the text pre-filter/,
      /Skipped +1 +file-too-large \(1\)/,
      /Would change +2\n/,
      /Lines +\+130 -3\n/,
      /Factories migrated +1\n/,
      /Manual-review items +1\n/,
      /Security findings +1\n/,
      /Failed +1\n/,
      /Elapsed +1\.23 s\n/,
    ]) {
      expect(out).toMatch(label);
    }
    // Per-stage timings and per-rule counts are for --verbose only.
    const verboseOnly = [/Timings +discover 12 ms, pre-filter 3 ms, analyse 41 ms, transform 22 ms, write 5 ms\n/, /Rules\n {2}cache-shared-flag +1\n/];
    for (const label of verboseOnly) {
      expect(out).not.toMatch(label);
      expect(renderText(kitchenSink('check'), { ...plain, verbose: true })).toMatch(label);
    }
    expect(renderText(kitchenSink('apply'), plain)).toMatch(/\n {2}Changed +2\n/);
  });

  it('aligns the +N -M columns of changed files', () => {
    const out = renderText(kitchenSink('apply'), plain);
    const rows = out.split('\n').filter((l) => /^ {2}src\/(api|alova-context)\.ts /.test(l));
    expect(rows).toEqual(['  src/alova-context.ts  +118 -0  (new file)', '  src/api.ts             +12 -3']);
  });

  it('groups review items security first, then manual review, then warnings, with aligned columns', () => {
    const r = report(
      [
        file({ file: 'a.ts', items: [item({ kind: 'warning', ruleId: 'w', line: 1, message: 'warn' }), item({ kind: 'manual-review', ruleId: 'manual-rule', line: 2, message: 'look' })] }),
        file({ file: 'zz/long-name.ts', items: [item({ kind: 'security', ruleId: 's', line: 100, col: 12, message: 'leak' })] }),
      ],
      { mode: 'apply' },
    );
    const lines = renderText(r, plain).split('\n');
    const at = (s: string) => lines.findIndex((l) => l.startsWith(s));
    expect(at('Security findings (1)')).toBeLessThan(at('Manual review (1)'));
    expect(at('Manual review (1)')).toBeLessThan(at('Warnings (1)'));
    expect(lines).toContain('  zz/long-name.ts:100:12  s            leak');
    expect(lines).toContain('  a.ts:2:3                manual-rule  look');
    expect(lines).toContain('  a.ts:1:3                w            warn');
  });

  it('prints each item\'s hint and docs URL under it', () => {
    const r = report([file({ file: 'a.ts', items: [item({ ruleId: 'uses-this', line: 2, message: 'look', hint: 'Copy it into a const.', docs: ruleDocsUrl('uses-this') })] })], { mode: 'check' });
    const lines = renderText(r, plain).split('\n');
    const at = lines.findIndex((l) => l.startsWith('  a.ts:2:3'));
    expect(lines.slice(at + 1, at + 3)).toEqual(['    Fix: Copy it into a const.', `    Docs: ${ruleDocsUrl('uses-this')}`]);
  });

  it('collapses a generated file to one line in the diffs unless verbose', () => {
    const r = kitchenSink('dry');
    const created = r.files.find((f) => f.created)!;
    created.diff = `--- /dev/null\n+++ b/${created.file}\n@@ -0,0 +1 @@\n+// generated\n`;
    const out = renderText(r, { ...plain, diffs: true });
    expect(out.split('\n')).toContain(`+ ${created.file} (new, generated, ${created.linesAdded} lines)`);
    expect(out).not.toContain(`+++ b/${created.file}`);
    expect(renderText(r, { ...plain, diffs: true, verbose: true })).toContain(`+++ b/${created.file}`);
  });

  it('prints failed files as file, rule id, reason', () => {
    expect(renderText(kitchenSink('check'), plain)).toContain("\nFailed (1)\n  src/broken.ts  syntax-error  Unexpected token, expected ',' (3:14)\n");
  });

  it('the last line is the exit reason when the exit code is not 0', () => {
    const r = kitchenSink('check');
    expect(r.exitCode).toBe(1);
    // --check ends with what fixes it: the command that migrates (the CLI passes the one typed), then what is left for a person.
    expect(lastLine(renderText(r, plain))).toBe(
      `${r.exitReason} Run \`npx alova-ssr-migrate src\` to migrate (add --dry to review first). Fix the items listed above (each has a hint and a docs link). Fix the files that failed.`,
    );
    expect(lastLine(renderText(r, { ...plain, fixCommand: "npx alova-ssr-migrate 'my src' --cache off" }))).toContain("Run `npx alova-ssr-migrate 'my src' --cache off` to migrate");
    const errored = kitchenSink('apply', { errors: [{ ruleId: 'context-module-exists', message: 'will not overwrite' }] });
    const out = renderText(errored, plain);
    expect(lastLine(out)).toBe('Exit 2: 1 run error, first: context-module-exists: will not overwrite (also 1 file that failed).');
    expect(out).toContain('\nErrors (1)\n  context-module-exists  will not overwrite\n');
  });

  it.each([
    ['apply', 'changed', 'Done: 1 file migrated.'],
    ['dry', 'would-change', 'Dry run: 1 file would change. Run without --dry to apply.'],
    ['check', 'unchanged', 'Check passed: nothing to migrate.'],
    ['apply', 'unchanged', 'Done: nothing to migrate.'],
    ['dry', 'unchanged', 'Dry run: nothing to migrate.'],
  ] as const)('on success in %s mode (%s) the last line is %j', (mode, status, expected) => {
    const r = report([file({ file: 'a.ts', status, edits: status === 'unchanged' ? [] : [edit()] })], { mode });
    expect(r.exitCode).toBe(0);
    expect(lastLine(renderText(r, plain))).toBe(expected);
  });

  it('mentions remaining review items in a successful apply or dry run', () => {
    const r = report([file({ file: 'a.ts', status: 'would-change', edits: [edit()], items: [item(), item({ kind: 'security', line: 3 })] })], { mode: 'dry' });
    expect(outcomeLine(r)).toBe(
      'Dry run: 1 file would change. 1 security finding to fix, 1 manual-review item to look at (listed above). Run without --dry to apply.',
    );
  });

  it('uses no ANSI escapes without color, and does with color', () => {
    const r = kitchenSink('dry');
    expect(renderText(r, { color: false, diffs: true })).not.toContain(ESC);
    const coloured = renderText(r, { color: true, diffs: true });
    expect(coloured).toContain(`${ESC}[32m+export const alova = createAlova({});${ESC}[39m`);
    expect(coloured).toContain(`${ESC}[31m-export const make = () => createAlova({});${ESC}[39m`);
    expect(coloured).toContain(`${ESC}[36m@@ -1,3 +1,4 @@${ESC}[39m`);
    // Stripping the colour gives the plain report back.
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderText(r, { color: false, diffs: true }));
  });

  it('prints diffs only with opts.diffs, before the summary', () => {
    const r = kitchenSink('dry');
    expect(renderText(r, plain)).not.toContain('@@ -1,3 +1,4 @@');
    const out = renderText(r, { color: false, diffs: true });
    expect(out.indexOf('@@ -1,3 +1,4 @@')).toBeGreaterThanOrEqual(0);
    expect(out.indexOf('@@ -1,3 +1,4 @@')).toBeLessThan(out.indexOf('Files scanned'));
  });

  it('neutralises control characters in file names and messages', () => {
    const r = report([file({ file: 'evil\u001b[2J.ts', status: 'failed', reason: 'bad\u0007\nthing', reasonRuleId: 'syntax-error' })], { mode: 'apply' });
    const out = renderText(r, plain);
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\u0007');
    expect(out).toContain('  evil^[[2J.ts  syntax-error  bad^G thing');
    expect(sanitize('a\tb\u009bc')).toBe('a\tb\\u009bc');
  });

  it('formats durations and progress lines', () => {
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(999.4)).toBe('999 ms');
    expect(formatMs(61_500)).toBe('61.50 s');
    expect(progressLine(0, 40)).toBe('[....................]  0/40 files   0%');
    expect(progressLine(12, 40)).toBe('[######..............] 12/40 files  30%');
    expect(progressLine(40, 40)).toBe('[####################] 40/40 files 100%');
    expect(progressLine(50, 40)).toBe('[####################] 40/40 files 100%');
    expect(progressLine(0, 0)).toBe('[####################] 0/0 files 100%');
    expect(progressLine(1, 3, 6)).toBe('[##....] 1/3 files  33%');
  });

  it('shows the baselined count only when items were baselined', () => {
    expect(renderText(kitchenSink('check'), plain)).not.toContain('Baselined');
    expect(renderText(kitchenSink('check', { summary: { baselined: 7 } }), plain)).toMatch(/Baselined +7 +suppressed by --baseline/);
  });
});

// ---- json -------------------------------------------------------------------------------------

const reportSchema = JSON.parse(readFileSync(here('../schema/report.schema.json'), 'utf8'));

function compileReportSchema(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true });
  return ajv.compile(reportSchema);
}

describe('json reporter', () => {
  const validate = compileReportSchema();
  const valid = (doc: unknown) => {
    const ok = validate(doc);
    return ok ? 'valid' : JSON.stringify(validate.errors, null, 2);
  };

  for (const mode of MODES) {
    for (const diffs of [false, true]) {
      it(`renders a document that the schema accepts (${mode}, diffs: ${diffs})`, () => {
        const r = kitchenSink(mode, { errors: mode === 'apply' ? [{ ruleId: 'config-invalid', message: 'x' }] : [] });
        expect(valid(JSON.parse(renderJson(r, { color: false, diffs })))).toBe('valid');
      });
    }
  }

  it('validates a minimal clean report', () => {
    expect(valid(JSON.parse(renderJson(report([], { mode: 'apply' }), plain)))).toBe('valid');
  });

  it('the schema rejects documents that break the contract', () => {
    const good = JSON.parse(renderJson(kitchenSink('check'), plain));
    const broken: [string, (d: any) => void][] = [
      ['unknown status', (d) => (d.files[0].status = 'done')],
      ['unknown kind', (d) => (d.files.find((f: any) => f.items.length).items[0].kind = 'info')],
      ['unknown severity', (d) => (d.files.find((f: any) => f.items.length).items[0].severity = 'fatal')],
      ['unknown mode', (d) => (d.mode = 'fix')],
      ['wrong schemaVersion', (d) => (d.schemaVersion = 1)],
      ['missing summary field', (d) => delete d.summary.baselined],
      ['extra field', (d) => (d.extra = true)],
      ['line 0', (d) => (d.files.find((f: any) => f.edits.length).edits[0].line = 0)],
      ['failed file without reason', (d) => delete d.files.find((f: any) => f.status === 'failed').reason],
      ['non-zero exit without reason', (d) => (d.exitReason = '')],
      ['zero exit with a reason', (d) => (d.exitCode = 0)],
      ['backslash path', (d) => (d.files[0].file = 'src\\a.ts')],
    ];
    expect(valid(good)).toBe('valid');
    for (const [name, mutate] of broken) {
      const doc = structuredClone(good);
      mutate(doc);
      expect(validate(doc), name).toBe(false);
    }
  });

  it('is versioned and byte-stable for scrambled input', () => {
    const r = kitchenSink('check');
    const out = renderJson(r, plain);
    expect(JSON.parse(out).schemaVersion).toBe(2);
    expect(renderJson(shuffled(r), plain)).toBe(out);
    expect(out.endsWith('}\n')).toBe(true);
  });

  it('sorts files by path, edits by position and items by line, col, rule id; ruleCounts keys sorted', () => {
    const r = report([
      file({ file: 'b.ts', status: 'would-change', edits: [edit({ line: 9 }), edit({ line: 2, col: 5 }), edit({ line: 2, col: 1, ruleId: 'z' }), edit({ line: 2, col: 1, ruleId: 'a' })] }),
      file({ file: 'a.ts', items: [item({ line: 5, col: 2, ruleId: 'y' }), item({ line: 5, col: 2, ruleId: 'x' }), item({ line: 1, col: 9 })] }),
      file({ file: 'B.ts' }),
    ]);
    const doc = JSON.parse(renderJson(r, plain));
    expect(doc.files.map((f: any) => f.file)).toEqual(['B.ts', 'a.ts', 'b.ts']);
    expect(doc.files[1].items.map((i: any) => `${i.line}:${i.col}:${i.ruleId}`)).toEqual(['1:9:dynamic-base-url', '5:2:x', '5:2:y']);
    expect(doc.files[2].edits.map((e: any) => `${e.line}:${e.col}:${e.ruleId}`)).toEqual(['2:1:a', '2:1:z', '2:5:hoist-instance', '9:1:hoist-instance']);
    expect(Object.keys(doc.summary.ruleCounts)).toEqual([...Object.keys(doc.summary.ruleCounts)].sort());
  });

  it('writes keys in a fixed order that the schema lists exactly', () => {
    const doc = JSON.parse(renderJson(kitchenSink('check'), { color: false, diffs: true }));
    expect(Object.keys(doc)).toEqual([...JSON_KEY_ORDER.report]);
    expect(Object.keys(doc.summary)).toEqual([...JSON_KEY_ORDER.summary]);
    const d = reportSchema.definitions;
    const sorted = (xs: readonly string[]) => [...xs].sort();
    expect(sorted(Object.keys(reportSchema.properties))).toEqual(sorted(JSON_KEY_ORDER.report));
    expect(sorted(Object.keys(d.file.properties))).toEqual(sorted(JSON_KEY_ORDER.file));
    expect(sorted(Object.keys(d.edit.properties))).toEqual(sorted(JSON_KEY_ORDER.edit));
    expect(sorted(Object.keys(d.item.properties))).toEqual(sorted(JSON_KEY_ORDER.item));
    expect(sorted(Object.keys(d.summary.properties))).toEqual(sorted(JSON_KEY_ORDER.summary));
    expect(sorted(Object.keys(d.summary.properties.timings.properties))).toEqual(sorted(JSON_KEY_ORDER.timings));
  });

  it('omits diffs unless asked, and keeps every edit and item', () => {
    const r = kitchenSink('dry');
    const without = JSON.parse(renderJson(r, plain));
    const withDiffs = JSON.parse(renderJson(r, { color: false, diffs: true }));
    expect(without.files.some((f: any) => 'diff' in f)).toBe(false);
    expect(withDiffs.files.find((f: any) => f.file === 'src/api.ts').diff).toContain('@@ -1,3 +1,4 @@');
    expect(without.files.flatMap((f: any) => f.edits)).toHaveLength(3);
    expect(without.files.flatMap((f: any) => f.items)).toHaveLength(3);
    expect(without.files.map((f: any) => f.status).sort()).toEqual(['failed', 'not-applicable', 'skipped', 'unchanged', 'would-change', 'would-change']);
    const sec = without.files.flatMap((f: any) => f.items).find((i: any) => i.kind === 'security');
    expect(sec.fix).toEqual({ description: 'Disable the shared L1 cache.', range: { start: { line: 7, col: 9 }, end: { line: 7, col: 30 } }, replacement: 'l1Cache: undefined,' });
  });
});

// ---- github -----------------------------------------------------------------------------------

function manyItems(n: number, kind: 'security' | 'manual-review' | 'warning', mode: Mode = 'check'): RunReport {
  return report(
    [file({ file: 'src/a.ts', items: Array.from({ length: n }, (_, i) => item({ kind, ruleId: `${kind}-rule`, line: i + 1, excerpt: `line ${i}` })) })],
    { mode },
  );
}

describe('github reporter', () => {
  it('matches the snapshot', async () => {
    await expect(renderGithub(kitchenSink('check'), plain)).toMatchFileSnapshot('./__snapshots__/github-check.txt');
  });

  it('escapes data and properties per the workflow-command rules', () => {
    expect(escapeData('100%\r\nnext: a,b')).toBe('100%25%0D%0Anext: a,b');
    expect(escapeProperty('C:\\x,y%\n')).toBe('C%3A\\x%2Cy%25%0A');
    const line = formatAnnotation({ level: 'error', file: 'src/a,b:c.ts', line: 3, col: 4, title: 'rule:x,y', message: 'two\nlines 50%' });
    expect(line).toBe('::error file=src/a%2Cb%3Ac.ts,line=3,col=4,title=rule%3Ax%2Cy::two%0Alines 50%25');
  });

  it('never lets data start a new workflow command', () => {
    const r = report([file({ file: 'a.ts', items: [item({ message: 'x\n::set-env name=A::b', hint: '' })] })], { mode: 'check' });
    const out = renderGithub(r, plain);
    for (const l of out.trimEnd().split('\n')) expect(l.startsWith('::error ') || l.startsWith('alova-ssr-migrate: ')).toBe(true);
    expect(out).toContain('::x%0A::set-env name=A::b');
  });

  it('uses error for security, manual review, would-change and failed; warning for warnings; notice for applied changes', () => {
    const levels = (r: RunReport) => annotations(r).map((a) => `${a.level}:${a.title}`);
    expect(levels(kitchenSink('check'))).toEqual([
      'error:shared-l1-cache',
      'error:syntax-error',
      'error:dynamic-base-url',
      'error:create-context-module',
      'error:hoist-instance',
      'warning:cache-shared-flag',
    ]);
    expect(levels(kitchenSink('apply'))).toContain('notice:hoist-instance');
    expect(levels(kitchenSink('apply', { errors: [{ ruleId: 'config-invalid', message: 'm' }] }))[0]).toBe('error:config-invalid');
  });

  it(`emits at most ${MAX_ANNOTATIONS_PER_LEVEL} annotations per level and says how many were left out`, () => {
    const r = report(
      [
        file({ file: 'src/a.ts', items: Array.from({ length: 25 }, (_, i) => item({ kind: 'security', ruleId: 'sec', line: i + 1 })) }),
        file({ file: 'src/w.ts', items: Array.from({ length: 12 }, (_, i) => item({ kind: 'warning', ruleId: 'warn', line: i + 1 })) }),
      ],
      { mode: 'check' },
    );
    const lines = renderGithub(r, plain).trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(10);
    // Most important first: lines 1..10 of the security file.
    expect(lines.filter((l) => l.startsWith('::error ')).map((l) => /line=(\d+)/.exec(l)![1])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(lines.at(-2)).toBe(
      'alova-ssr-migrate: 17 more annotations not shown (15 error and 2 warning; GitHub shows at most 10 per level); run with --reporter text or json to see all of them.',
    );
    expect(lines.at(-1)).toBe(`alova-ssr-migrate: ${r.exitReason}`);
    const withSummary = renderGithub(r, { color: false, stepSummaryPath: '/tmp/summary.md' });
    expect(withSummary).toContain('the job summary lists all of them.');
  });

  it('exactly 10 per level needs no omitted line', () => {
    const out = renderGithub(manyItems(10, 'security'), plain);
    expect(out.match(/^::error /gm)).toHaveLength(10);
    expect(out).not.toContain('not shown');
  });

  it('the step summary lists all items and files, escaped for markdown', async () => {
    const r = manyItems(25, 'manual-review');
    const md = renderStepSummary(r);
    expect(md.match(/^\| manual review \|/gm)).toHaveLength(25);
    expect(md).toContain('**Exit 1: --check found 25 manual-review items.**');

    const tricky = report([file({ file: 'src/a|b.ts', status: 'failed', reason: 'x | <script>\ny', reasonRuleId: 'syntax-error' })], { mode: 'apply' });
    const trickyMd = renderStepSummary(tricky);
    expect(trickyMd).toContain('| `src/a\\|b.ts` | failed |  | syntax-error: x \\| &lt;script&gt; y |');
    expect(mdCell('a\r\nb & c')).toBe('a b &amp; c');
    await expect(renderStepSummary(kitchenSink('check'))).toMatchFileSnapshot('./__snapshots__/github-step-summary.md');
  });

  it('the step summary stays under the size GitHub accepts', () => {
    const big = report([file({ file: 'src/a.ts', items: Array.from({ length: 6000 }, (_, i) => item({ line: i + 1, message: 'm'.repeat(200) })) })], { mode: 'check' });
    const md = renderStepSummary(big);
    expect(md.length).toBeLessThan(1024 * 1024);
    expect(md).toMatch(/_\d+ more rows left out: GitHub limits a step summary to 1 MiB/);
    expect(renderStepSummary(manyItems(3, 'warning'))).not.toContain('left out');
  });
});

// ---- sarif ------------------------------------------------------------------------------------


describe('sarif reporter', () => {
  const validate = compileSarifSchema();
  const valid = (doc: unknown) => (validate(doc) ? 'valid' : JSON.stringify(validate.errors, null, 2));
  const sarif = (r: RunReport, opts: RenderOptions = plain) => JSON.parse(renderSarif(r, opts));

  it('the vendored schema is the SARIF 2.1.0 schema and rejects a broken log', () => {
    expect(validate({ version: '2.1.0', runs: [] })).toBe(true);
    expect(validate({ version: '2.0.0', runs: [] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false); // driver.name required
    const doc = sarif(kitchenSink('check'));
    doc.runs[0].results[0].level = 'fatal';
    expect(validate(doc)).toBe(false);
  });

  for (const mode of MODES) {
    it(`validates against the SARIF 2.1.0 schema (${mode})`, () => {
      const r = kitchenSink(mode, { errors: mode === 'dry' ? [{ ruleId: 'config-invalid', message: 'bad' }] : [] });
      expect(valid(sarif(r, { color: false, cwd: '/work/my project' }))).toBe('valid');
      expect(valid(sarif(r))).toBe('valid');
    });
  }

  it('matches the snapshot', async () => {
    await expect(renderSarif(kitchenSink('check'), { color: false, cwd: '/repo' })).toMatchFileSnapshot('./__snapshots__/sarif-check.json');
  });

  it('describes the tool and one rule per rule id, with ruleIndex pointing at it', () => {
    const doc = sarif(kitchenSink('check'));
    expect(doc.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(doc.version).toBe('2.1.0');
    const run = doc.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'alova-ssr-migrate', version: '0.1.0', informationUri: TOOL_INFORMATION_URI });
    const ids = run.tool.driver.rules.map((r: any) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    const rule = run.tool.driver.rules.find((r: any) => r.id === 'shared-l1-cache');
    expect(rule.helpUri).toBe(`${repositoryFileUrl('README.md')}#rule-shared-l1-cache`);
    expect(rule.shortDescription.text).toContain('L1 cache');
    // A rule of the catalogue is described by the catalogue, not by its first finding.
    const known = sarif(report([file({ file: 'a.ts', items: [item({ ruleId: 'uses-this', message: 'this finding in particular' })] })], { mode: 'check' })).runs[0].tool.driver.rules[0];
    expect(known).toMatchObject({ id: 'uses-this', shortDescription: { text: rules['uses-this'].description }, helpUri: ruleDocsUrl('uses-this') });
  });

  it('maps items, would-change files and failed files to results', () => {
    const results = sarif(kitchenSink('check')).runs[0].results;
    const summary = results.map((r: any) => `${r.level}:${r.ruleId}:${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region?.startLine ?? '-'}`);
    expect(summary).toEqual([
      'warning:dynamic-base-url:src/api.ts:10',
      'note:cache-shared-flag:src/server/cache.ts:2',
      'error:shared-l1-cache:src/server/cache.ts:7',
      'warning:create-context-module:src/alova-context.ts:1',
      'warning:hoist-instance:src/api.ts:4',
      'error:syntax-error:src/broken.ts:-',
    ]);
    const sec = results.find((r: any) => r.ruleId === 'shared-l1-cache');
    expect(sec.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'src/server/cache.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: 7, startColumn: 9, snippet: { text: 'l1Cache: globalCache,' } },
    });
    expect(sec.message.text).toBe("The L1 cache is shared by every request: user A can read user B's response.\nHint: Use --cache request, or key the cache by user.");
    expect(sec.fixes).toEqual([
      {
        description: { text: 'Disable the shared L1 cache.' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'src/server/cache.ts', uriBaseId: '%SRCROOT%' },
            replacements: [{ deletedRegion: { startLine: 7, startColumn: 9, endLine: 7, endColumn: 30 }, insertedContent: { text: 'l1Cache: undefined,' } }],
          },
        ],
      },
    ]);
    expect(results.filter((r: any) => r.fixes)).toHaveLength(1);
  });

  it('has no would-change results in apply mode, and records run errors as notifications', () => {
    const doc = sarif(kitchenSink('apply', { errors: [{ ruleId: 'config-invalid', message: 'bad config' }] }));
    const run = doc.runs[0];
    expect(run.results.map((r: any) => r.ruleId)).not.toContain('hoist-instance');
    expect(run.invocations[0]).toMatchObject({
      executionSuccessful: false,
      exitCode: 2,
      toolExecutionNotifications: [{ level: 'error', message: { text: 'bad config' }, descriptor: { id: 'config-invalid' } }],
    });
    expect(sarif(kitchenSink('check')).runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  it('fingerprints survive moved code and keep identical items apart', () => {
    const at = (line: number, extra = 0) =>
      sarif(report([file({ file: 'src/a.ts', items: Array.from({ length: 1 + extra }, (_, i) => item({ line: line + i })) })])).runs[0].results.map(
        (r: any) => r.partialFingerprints[FINGERPRINT_KEY],
      );
    const [moved] = at(50);
    expect(at(10)[0]).toBe(moved);
    expect(moved).toMatch(/^[0-9a-f]{64}:1$/);
    const twins = at(10, 1);
    expect(twins).toEqual([twins[0], twins[0].replace(/:1$/, ':2')]);
    const otherExcerpt = sarif(report([file({ file: 'src/a.ts', items: [item({ line: 50, excerpt: 'other()' })] })])).runs[0].results[0];
    expect(otherExcerpt.partialFingerprints[FINGERPRINT_KEY]).not.toBe(moved);
  });

  it('writes relative, percent-encoded URIs and a file URI base with cwd', () => {
    expect(pathToUriReference('src/my file#1.ts')).toBe('src/my%20file%231.ts');
    expect(pathToUriReference('src\\win.ts')).toBe('src/win.ts');
    const run = sarif(report([file({ file: 'src/my file.ts', items: [item()] })]), { color: false, cwd: '/work/my project' }).runs[0];
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('src/my%20file.ts');
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///work/my%20project/' } });
    expect(sarif(kitchenSink('check')).runs[0].originalUriBaseIds).toBeUndefined();
    expect(run.columnKind).toBe('utf16CodeUnits');
  });

  it('resolves docs anchors to absolute help URIs', () => {
    expect(docsToHelpUri('docs/rules/x.md')).toBe(`${TOOL_INFORMATION_URI}/blob/main/docs/rules/x.md`);
    expect(docsToHelpUri('https://example.org/x')).toBe('https://example.org/x');
    expect(docsToHelpUri('')).toBeUndefined();
  });

  it('is byte-stable for scrambled input and has no timings', () => {
    const r = kitchenSink('check');
    const out = renderSarif(r, plain);
    expect(renderSarif(shuffled(r), plain)).toBe(out);
    const slower = { ...r, summary: { ...r.summary, timings: { ...r.summary.timings, totalMs: 99_999 } } };
    expect(renderSarif(slower, plain)).toBe(out);
  });
});

// ---- index ------------------------------------------------------------------------------------

describe('renderReport', () => {
  it('dispatches to each reporter', () => {
    const r = kitchenSink('check');
    expect(REPORTER_NAMES).toEqual(['text', 'json', 'github', 'sarif']);
    expect(renderReport('text', r, plain)).toBe(renderText(r, plain));
    expect(renderReport('json', r, plain)).toBe(renderJson(r, plain));
    expect(renderReport('github', r, plain)).toBe(renderGithub(r, plain));
    expect(renderReport('sarif', r, plain)).toBe(renderSarif(r, plain));
    expect(() => renderReport('xml' as never, r, plain)).toThrow('Unknown reporter "xml"');
  });

  it('renders an empty run with every reporter', () => {
    const r = report([], { mode: 'check' });
    expect(lastLine(renderReport('text', r, plain))).toBe('Check passed: nothing to migrate.');
    expect(renderReport('github', r, plain)).toBe('alova-ssr-migrate: Check passed: nothing to migrate.\n');
    expect(JSON.parse(renderReport('sarif', r, plain)).runs[0].results).toEqual([]);
    expect(JSON.parse(renderReport('json', r, plain)).files).toEqual([]);
    expect(renderStepSummary(r)).not.toContain('###');
  });

  it('isReporterName', () => {
    expect(isReporterName('sarif')).toBe(true);
    expect(isReporterName('junit')).toBe(false);
  });
});
