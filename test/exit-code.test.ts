import { describe, expect, it } from 'vitest';
import { computeExit, countForExit, joinAnd, plural, withExit } from '../src/exit-code.js';
import type { FileRecord, Mode, RunReport } from '../src/records.js';
import { edit, file, item, report } from './__fixtures__/reports/factory.js';

type Scenario = 'clean' | 'would-change' | 'review' | 'security' | 'warning' | 'failed' | 'run-error';

function scenario(mode: Mode, s: Scenario): RunReport {
  const touched = mode === 'apply' ? 'changed' : 'would-change';
  const files: FileRecord[] = [file({ file: 'src/plain.ts', status: 'unchanged' }), file({ file: 'src/readme.ts', status: 'not-applicable' })];
  const errors: RunReport['errors'] = [];
  switch (s) {
    case 'clean':
      break;
    case 'would-change':
      files.push(file({ file: 'src/api.ts', status: touched, linesAdded: 3, linesRemoved: 1, edits: [edit()] }));
      break;
    case 'review':
      files.push(file({ file: 'src/api.ts', status: 'unchanged', items: [item({ kind: 'manual-review' })] }));
      break;
    case 'security':
      files.push(file({ file: 'src/api.ts', status: 'unchanged', items: [item({ kind: 'security', severity: 'error', ruleId: 'shared-l1-cache' })] }));
      break;
    case 'warning':
      files.push(file({ file: 'src/api.ts', status: 'unchanged', items: [item({ kind: 'warning', severity: 'note', ruleId: 'cache-shared-flag' })] }));
      break;
    case 'failed':
      files.push(file({ file: 'src/broken.ts', status: 'failed', reason: 'Unexpected token', reasonRuleId: 'syntax-error' }));
      break;
    case 'run-error':
      errors.push({ ruleId: 'context-module-exists', message: 'src/alova-context.ts exists\nand was not written by this tool' });
      break;
  }
  return report(files, { mode, errors });
}

// mode -> scenario -> expected exit code (the contract in src/exit-code.ts).
const EXPECTED: Record<Mode, Record<Scenario, 0 | 1 | 2>> = {
  check: { clean: 0, 'would-change': 1, review: 1, security: 1, warning: 0, failed: 1, 'run-error': 2 },
  dry: { clean: 0, 'would-change': 0, review: 0, security: 0, warning: 0, failed: 1, 'run-error': 2 },
  apply: { clean: 0, 'would-change': 0, review: 0, security: 0, warning: 0, failed: 1, 'run-error': 2 },
};

describe('computeExit: mode x scenario', () => {
  for (const mode of ['check', 'dry', 'apply'] as const) {
    for (const s of Object.keys(EXPECTED[mode]) as Scenario[]) {
      it(`${mode} / ${s} -> ${EXPECTED[mode][s]}`, () => {
        const r = scenario(mode, s);
        const { exitCode, exitReason } = computeExit(r);
        expect(exitCode).toBe(EXPECTED[mode][s]);
        if (exitCode === 0) expect(exitReason).toBe('');
        else {
          expect(exitReason).toMatch(new RegExp(`^Exit ${exitCode}: `));
          expect(exitReason).not.toMatch(/[\r\n]/);
        }
      });
    }
  }
});

describe('computeExit: reasons', () => {
  it('names every count that fails --check, in one line', () => {
    const r = report(
      [
        file({ file: 'a.ts', status: 'would-change', edits: [edit()] }),
        file({ file: 'b.ts', status: 'would-change', edits: [edit()] }),
        file({ file: 'c.ts', status: 'would-change', edits: [edit()], items: [item(), item({ line: 20 })] }),
      ],
      { mode: 'check' },
    );
    expect(computeExit(r)).toEqual({ exitCode: 1, exitReason: 'Exit 1: --check found 3 files to migrate and 2 manual-review items.' });
  });

  it('puts security findings before manual review and counts failed files', () => {
    const r = report(
      [
        file({ file: 'a.ts', items: [item({ kind: 'security' }), item({ kind: 'manual-review' })] }),
        file({ file: 'b.ts', status: 'failed', reason: 'x' }),
        file({ file: 'c.ts', status: 'failed', reason: 'y' }),
      ],
      { mode: 'check' },
    );
    expect(computeExit(r).exitReason).toBe('Exit 1: --check found 1 security finding, 1 manual-review item and 2 files that failed.');
  });

  it('in apply mode only failed files are named', () => {
    const r = report([file({ file: 'a.ts', items: [item({ kind: 'security' })] }), file({ file: 'b.ts', status: 'failed', reason: 'x' })], { mode: 'apply' });
    expect(computeExit(r)).toEqual({ exitCode: 1, exitReason: 'Exit 1: 1 file that failed.' });
  });

  it('2 wins over 1 and mentions what else failed; messages become one line', () => {
    const r = report([file({ file: 'b.ts', status: 'failed', reason: 'x' })], {
      mode: 'check',
      errors: [
        { ruleId: 'config-invalid', message: 'bad\n  config' },
        { ruleId: 'other', message: 'second' },
      ],
    });
    expect(computeExit(r)).toEqual({
      exitCode: 2,
      exitReason: 'Exit 2: 2 run errors, first: config-invalid: bad config (also 1 file that failed).',
    });
  });

  it('a message that ends its own sentence does not end in ".."', () => {
    const r = report([], { mode: 'apply', errors: [{ ruleId: 'dirty-work-tree', message: 'refusing to write. Commit, or pass --allow-dirty.' }] });
    expect(computeExit(r).exitReason).toBe('Exit 2: 1 run error, first: dirty-work-tree: refusing to write. Commit, or pass --allow-dirty.');
  });

  it('counts from the file records, not from the summary', () => {
    const r = report([file({ file: 'a.ts', items: [item()] })], { mode: 'check', summary: { manualReviewItems: 0, filesChanged: 0 } });
    expect(computeExit(r).exitCode).toBe(1);
    const clean = report([file({ file: 'a.ts' })], { mode: 'check', summary: { manualReviewItems: 5, filesFailed: 3 } });
    expect(computeExit(clean).exitCode).toBe(0);
  });

  it('a "changed" status in check mode still counts as would change', () => {
    const r = report([file({ file: 'a.ts', status: 'changed' })], { mode: 'check' });
    expect(countForExit(r).wouldChange).toBe(1);
    expect(computeExit(r).exitCode).toBe(1);
  });

  it('withExit overwrites a stale exit code', () => {
    const r = { ...report([file({ file: 'a.ts', status: 'failed', reason: 'x' })], { mode: 'dry' }), exitCode: 0 as const, exitReason: '' };
    expect(withExit(r).exitCode).toBe(1);
  });
});

describe('wording helpers', () => {
  it('plural and joinAnd', () => {
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(0, 'file')).toBe('0 files');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
    expect(joinAnd([])).toBe('');
    expect(joinAnd(['a'])).toBe('a');
    expect(joinAnd(['a', 'b'])).toBe('a and b');
    expect(joinAnd(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
