/** Findings (rule id + offsets) -> records (line/col, excerpt, message, docs): src/findings.ts. */
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingsToRecords } from '../src/findings.js';
import { migrateSource } from '../src/transform.js';
import { migrate } from '../transforms/ssr-singleton.js';
import { ruleDocsUrl, rules } from '../transforms/lib/rules.js';
import type { Finding } from '../transforms/lib/findings.js';

const text = 'const a = 1;\r\n  foo(bar);  \r\nlast\r\n';
const at = (needle: string, t = text) => t.indexOf(needle);

describe('findingsToRecords', () => {
  it('an item: line/col of its offset in CRLF text, the trimmed line (no \\r), message with detail, catalogue fields', () => {
    const f: Finding = { kind: 'item', ruleId: 'mutated-binding', start: at('bar'), detail: 'bar' };
    const [item] = findingsToRecords([f], text, null, 'src/x.ts').items;
    expect(item).toEqual({
      ruleId: 'mutated-binding',
      kind: 'manual-review',
      severity: rules['mutated-binding'].severity,
      file: 'src/x.ts',
      line: 2,
      col: 7,
      message: `${rules['mutated-binding'].description} (bar)`,
      excerpt: 'foo(bar);',
      hint: rules['mutated-binding'].hint,
      docs: ruleDocsUrl('mutated-binding'),
    });
  });

  it('an item keeps its fix; a security rule is a security item', () => {
    const f: Finding = { kind: 'item', ruleId: 'unsafe-singleton', start: 0, fix: { description: 'set shareRequest: false' } };
    const [item] = findingsToRecords([f], text, null, 'x.ts').items;
    expect(item.kind).toBe('security');
    expect(item.message).toBe(rules['unsafe-singleton'].description);
    expect(item.fix).toEqual({ description: 'set shareRequest: false' });
  });

  it('an edit: its range in the input and, from `after`, in the output', () => {
    const output = 'import x;\nconst a = 1;\r\n  foo(bar);  \r\nlast\r\n';
    const f: Finding = { kind: 'edit', ruleId: 'hoist-instance', start: at('foo'), end: at('bar') + 3, after: { start: at('foo', output), end: at('last', output) } };
    const [edit] = findingsToRecords([f], text, output, 'x.ts').edits;
    expect(edit).toEqual({
      ruleId: 'hoist-instance',
      file: 'x.ts',
      line: 2,
      col: 3,
      endLine: 2,
      endCol: 10,
      message: rules['hoist-instance'].description,
      docs: ruleDocsUrl('hoist-instance'),
      after: { line: 3, col: 3, endLine: 4, endCol: 1 },
    });
  });

  it('a BOM is not a column: offsets index the text with it, positions count from after it', () => {
    const bom = '\uFEFF' + text;
    const item: Finding = { kind: 'item', ruleId: 'shared-cache', start: 1 };
    const edit: Finding = { kind: 'edit', ruleId: 'isolate-instance', start: 1, end: 6, after: { start: 1, end: 6 } };
    const left: Finding = { kind: 'leftAlone', start: at('last', bom), factory: 'make', reason: 'no-evidence', why: 'nothing' };
    const r = findingsToRecords([item, edit, left], bom, bom, 'x.ts');
    expect(r.items[0]).toMatchObject({ line: 1, col: 1, excerpt: 'const a = 1;' });
    expect(r.edits[0]).toMatchObject({ line: 1, col: 1, endLine: 1, endCol: 6, after: { line: 1, col: 1, endLine: 1, endCol: 6 } });
    expect(r.leftAlone).toEqual([{ file: 'x.ts', line: 3, col: 1, factory: 'make', reason: 'no-evidence', why: 'nothing' }]);
  });
});

describe('migrate (findings) and migrateSource (records) agree, with and without a BOM and CRLF', () => {
  const code =
    "import { createAlova } from 'alova';\nconst provideAlovaContext = 1;\nexport async function h(t: string) {\n  const api = createAlova({ requestAdapter: null as any, beforeRequest(m) { m.config.headers.a = t; } });\n  return await api.Get('/x');\n}\n";
  const file = path.join(os.tmpdir(), 'x.ts');
  const opts = { root: os.tmpdir(), project: { assumeServer: true } };

  it('finding offsets index the input as given (a BOM shifts them by one); records do not move', () => {
    const plain = migrate(code, file, opts).findings;
    const withBom = migrate('\uFEFF' + code, file, opts).findings;
    expect(withBom.map((f) => f.start)).toEqual(plain.map((f) => f.start + 1));
    const records = migrateSource(code, file, opts).items;
    expect(records.map((i) => `${i.line}:${i.col} ${i.ruleId} ${i.excerpt}`)).toEqual(['2:7 name-conflict const provideAlovaContext = 1;']);
    expect(migrateSource('\uFEFF' + code.replace(/\n/g, '\r\n'), file, opts).items).toEqual(records);
  });
});
