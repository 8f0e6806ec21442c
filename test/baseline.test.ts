import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyBaseline, BaselineError, itemHash, normaliseExcerpt, readBaseline, writeBaseline } from '../src/baseline.js';
import { file, item, kitchenSink, report } from './__fixtures__/reports/factory.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('writeBaseline', () => {
  it('records ruleId, file and the hash of the normalised excerpt, sorted, with a version', () => {
    const r = report([
      file({ file: 'src/b.ts', items: [item({ ruleId: 'r2', excerpt: '  a   =\t b ' })] }),
      file({ file: 'src/a.ts', items: [item({ ruleId: 'r1', excerpt: 'x', line: 99 })] }),
    ]);
    const text = writeBaseline(r);
    expect(text).toBe(
      `${JSON.stringify(
        {
          version: 1,
          entries: [
            { ruleId: 'r1', file: 'src/a.ts', hash: sha('x') },
            { ruleId: 'r2', file: 'src/b.ts', hash: sha('a = b') },
          ],
        },
        null,
        2,
      )}\n`,
    );
    expect(text).not.toContain('99'); // no line numbers
  });

  it('is byte-stable regardless of file and item order', () => {
    const a = kitchenSink('check');
    const b = { ...a, files: [...a.files].reverse().map((f) => ({ ...f, items: [...f.items].reverse() })) };
    expect(writeBaseline(b)).toBe(writeBaseline(a));
  });

  it('normaliseExcerpt collapses whitespace', () => {
    expect(normaliseExcerpt('\n  foo(\t a,\n b )  ')).toBe('foo( a, b )');
    expect(itemHash({ excerpt: 'foo(a,  b)' })).toBe(itemHash({ excerpt: ' foo(a, b)\n' }));
    expect(itemHash({ excerpt: 'foo(a, b)' })).not.toBe(itemHash({ excerpt: 'foo(a,b)' }));
  });
});

describe('readBaseline', () => {
  it('round-trips writeBaseline', () => {
    const r = kitchenSink('check');
    const b = readBaseline(writeBaseline(r));
    expect(b.version).toBe(1);
    expect(b.entries).toHaveLength(3);
  });

  it.each([
    ['not json', 'not valid JSON'],
    ['[]', 'expected a JSON object'],
    ['{"version":2,"entries":[]}', 'unsupported version 2'],
    ['{"entries":[]}', 'unsupported version undefined'],
    ['{"version":1}', '"entries" must be an array'],
    ['{"version":1,"entries":[42]}', 'entries[0] must be an object'],
    ['{"version":1,"entries":[{"ruleId":"r","file":"f"}]}', 'entries[0].hash must be a non-empty string'],
    [`{"version":1,"entries":[{"ruleId":"r","file":"f","hash":"${sha('x')}"},{"ruleId":"","file":"f","hash":"${sha('x')}"}]}`, 'entries[1].ruleId'],
    ['{"version":1,"entries":[{"ruleId":"r","file":"f","hash":"abc"}]}', 'entries[0].hash must be a sha256'],
  ])('rejects %s', (text, message) => {
    expect(() => readBaseline(text)).toThrow(BaselineError);
    expect(() => readBaseline(text)).toThrow(message);
  });
});

describe('applyBaseline', () => {
  const old = item({ ruleId: 'dynamic-base-url', excerpt: 'baseURL: req.headers.host,', line: 10 });

  it('an item in the baseline passes --check; a new item still fails', () => {
    const before = report([file({ file: 'src/api.ts', items: [old] })], { mode: 'check' });
    expect(before.exitCode).toBe(1);
    const baseline = readBaseline(writeBaseline(before));

    const same = applyBaseline(before, baseline);
    expect(same.exitCode).toBe(0);
    expect(same.exitReason).toBe('');
    expect(same.files[0].items).toEqual([]);
    expect(same.summary.baselined).toBe(1);
    expect(same.summary.manualReviewItems).toBe(0);
    expect(same.summary.ruleCounts['dynamic-base-url']).toBeUndefined();

    const fresh = item({ ruleId: 'dynamic-base-url', excerpt: 'baseURL: getHost(req),', line: 30 });
    const later = report([file({ file: 'src/api.ts', items: [old, fresh] })], { mode: 'check' });
    const applied = applyBaseline(later, baseline);
    expect(applied.exitCode).toBe(1);
    expect(applied.exitReason).toBe('Exit 1: --check found 1 manual-review item.');
    expect(applied.files[0].items.map((i) => i.excerpt)).toEqual(['baseURL: getHost(req),']);
    expect(applied.summary.baselined).toBe(1);
    expect(applied.summary.manualReviewItems).toBe(1);
    expect(applied.summary.ruleCounts['dynamic-base-url']).toBe(1);
  });

  it('moved code (other line and column, re-indented) still matches', () => {
    const baseline = readBaseline(writeBaseline(report([file({ file: 'src/api.ts', items: [old] })])));
    const moved = item({ ruleId: 'dynamic-base-url', excerpt: 'baseURL:   req.headers.host,', line: 57, col: 11 });
    const r = applyBaseline(report([file({ file: 'src/api.ts', items: [moved] })], { mode: 'check' }), baseline);
    expect(r.exitCode).toBe(0);
    expect(r.summary.baselined).toBe(1);
  });

  it('the same excerpt in another file or under another rule does not match', () => {
    const baseline = readBaseline(writeBaseline(report([file({ file: 'src/api.ts', items: [old] })])));
    const r = applyBaseline(
      report([file({ file: 'src/other.ts', items: [old] }), file({ file: 'src/api.ts', items: [{ ...old, ruleId: 'other-rule' }] })], { mode: 'check' }),
      baseline,
    );
    expect(r.summary.baselined).toBe(0);
    expect(r.exitCode).toBe(1);
    expect(r.notes.at(-1)).toMatch(/^baseline: 1 entry matches no current item/);
  });

  it('multiset: two identical items need two entries', () => {
    const one = readBaseline(writeBaseline(report([file({ file: 'src/api.ts', items: [old] })])));
    const two = readBaseline(writeBaseline(report([file({ file: 'src/api.ts', items: [old, { ...old, line: 40 }] })])));
    expect(two.entries).toHaveLength(2);
    const dup = report([file({ file: 'src/api.ts', items: [old, { ...old, line: 40 }] })], { mode: 'check' });

    const partly = applyBaseline(dup, one);
    expect(partly.files[0].items).toHaveLength(1);
    expect(partly.summary.baselined).toBe(1);
    expect(partly.exitCode).toBe(1);

    const fully = applyBaseline(dup, two);
    expect(fully.files[0].items).toHaveLength(0);
    expect(fully.summary.baselined).toBe(2);
    expect(fully.exitCode).toBe(0);

    const three = report([file({ file: 'src/api.ts', items: [old, { ...old, line: 40 }, { ...old, line: 80 }] })], { mode: 'check' });
    expect(applyBaseline(three, two).files[0].items.map((i) => i.line)).toEqual([80]);
  });

  it('decrements the counter of each kind and leaves the input report untouched', () => {
    const r = kitchenSink('dry');
    const snapshot = structuredClone(r);
    const applied = applyBaseline(r, readBaseline(writeBaseline(r)));
    expect(r).toEqual(snapshot);
    expect(applied.summary).toMatchObject({ baselined: 3, manualReviewItems: 0, securityFindings: 0, warnings: 0 });
    expect(applied.files.flatMap((f) => f.items)).toEqual([]);
    // The failed file still fails: baselines cover review items only.
    expect(applied.exitCode).toBe(1);
    expect(applied.exitReason).toBe('Exit 1: 1 file that failed.');
  });

  it('adds to an existing baselined count and notes stale entries', () => {
    const r = report([file({ file: 'src/api.ts', items: [old] })], { mode: 'check', summary: { baselined: 4 } });
    const stale = { version: 1 as const, entries: [{ ruleId: 'gone', file: 'src/x.ts', hash: sha('a') }, { ruleId: 'gone', file: 'src/x.ts', hash: sha('b') }] };
    const both = { version: 1 as const, entries: [...readBaseline(writeBaseline(r)).entries, ...stale.entries] };
    const applied = applyBaseline(r, both);
    expect(applied.summary.baselined).toBe(5);
    expect(applied.notes).toEqual(['baseline: 2 entries match no current item (fixed or changed code); re-run with --write-baseline to drop them']);
  });
});
