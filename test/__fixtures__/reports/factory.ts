/**
 * Hand-built RunReport objects for the reporter, baseline and exit-code tests.
 * Timings are fixed numbers so snapshots are stable.
 */
import { computeExit } from '../../../src/exit-code.js';
import {
  SCHEMA_VERSION,
  type EditRecord,
  type FileRecord,
  type Mode,
  type ReviewItem,
  type RunReport,
  type Summary,
} from '../../../src/records.js';

export function item(over: Partial<ReviewItem> = {}): ReviewItem {
  return {
    ruleId: 'dynamic-base-url',
    kind: 'manual-review',
    severity: 'warning',
    file: 'src/api.ts',
    line: 10,
    col: 3,
    message: 'baseURL is computed from the request; left unchanged.',
    excerpt: 'baseURL: req.headers.host,',
    hint: 'Move the per-request part into a beforeRequest hook.',
    docs: 'README.md#rule-dynamic-base-url',
    ...over,
  };
}

export function edit(over: Partial<EditRecord> = {}): EditRecord {
  return {
    ruleId: 'hoist-instance',
    file: 'src/api.ts',
    line: 4,
    col: 1,
    endLine: 12,
    endCol: 2,
    message: 'Hoisted createAlova() to module level.',
    docs: 'README.md#rule-hoist-instance',
    ...over,
  };
}

export function file(over: Partial<FileRecord> & { file: string }): FileRecord {
  const status = over.status ?? 'unchanged';
  return {
    status,
    linesAdded: 0,
    linesRemoved: 0,
    edits: [],
    items: [],
    leftAlone: [],
    factoriesMigrated: 0,
    ...over,
    items: (over.items ?? []).map((i) => ({ ...i, file: over.file })),
    edits: (over.edits ?? []).map((e) => ({ ...e, file: over.file })),
  };
}

export interface ReportOverrides {
  mode?: Mode;
  errors?: RunReport['errors'];
  notes?: string[];
  version?: string;
  summary?: Partial<Summary>;
}

/** A report whose summary is derived from `files`, with the exit code from src/exit-code.ts. */
export function report(files: FileRecord[], over: ReportOverrides = {}): RunReport {
  const mode = over.mode ?? 'check';
  const items = files.flatMap((f) => f.items);
  const ruleCounts: Record<string, number> = {};
  for (const r of [...files.flatMap((f) => f.edits), ...items]) ruleCounts[r.ruleId] = (ruleCounts[r.ruleId] ?? 0) + 1;
  const count = (p: (f: FileRecord) => boolean) => files.filter(p).length;
  const sum = (k: 'linesAdded' | 'linesRemoved' | 'factoriesMigrated') => files.reduce((n, f) => n + f[k], 0);
  const summary: Summary = {
    filesScanned: files.length,
    filesNotApplicable: count((f) => f.status === 'not-applicable'),
    filesSkipped: count((f) => f.status === 'skipped'),
    filesChanged: count((f) => f.status === 'changed' || f.status === 'would-change'),
    filesFailed: count((f) => f.status === 'failed'),
    linesAdded: sum('linesAdded'),
    linesRemoved: sum('linesRemoved'),
    factoriesMigrated: sum('factoriesMigrated'),
    manualReviewItems: items.filter((i) => i.kind === 'manual-review').length,
    securityFindings: items.filter((i) => i.kind === 'security').length,
    warnings: items.filter((i) => i.kind === 'warning').length,
    baselined: 0,
    leftAlone: { total: 0, byReason: {} },
    ruleCounts,
    timings: { discoverMs: 12, prefilterMs: 3, analyseMs: 41, transformMs: 22, writeMs: 5, totalMs: 1234 },
    ...over.summary,
  };
  const base = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'alova-ssr-migrate' as const, version: over.version ?? '0.1.0' },
    mode,
    options: { cache: 'request' as const, paths: ['src'], contextModule: 'src/alova-context.ts' },
    files,
    summary,
    errors: over.errors ?? [],
    notes: over.notes ?? [],
  };
  return { ...base, ...computeExit(base) };
}

const DIFF_API = [
  '--- a/src/api.ts',
  '+++ b/src/api.ts',
  '@@ -1,3 +1,4 @@',
  " import { createAlova } from 'alova';",
  '-export const make = () => createAlova({});',
  '+export const alova = createAlova({});',
  '+export default alova;',
  '',
].join('\n');

/** A report with every file status and every item kind. */
export function kitchenSink(mode: Mode = 'check', over: ReportOverrides = {}): RunReport {
  const touched = mode === 'apply' ? 'changed' : 'would-change';
  return report(
    [
      file({
        file: 'src/api.ts',
        status: touched,
        linesAdded: 12,
        linesRemoved: 3,
        factoriesMigrated: 1,
        diff: DIFF_API,
        edits: [
          edit({ ruleId: 'rewire-call-site', line: 20, col: 5, endLine: 20, endCol: 30, message: 'Call site now uses the shared instance.' }),
          edit(),
        ],
        items: [item()],
      }),
      file({
        file: 'src/alova-context.ts',
        status: touched,
        created: true,
        linesAdded: 118,
        linesRemoved: 0,
        edits: [edit({ ruleId: 'create-context-module', line: 1, col: 1, endLine: 1, endCol: 1, message: 'Created the AsyncLocalStorage context module.' })],
      }),
      file({
        file: 'src/server/cache.ts',
        status: 'unchanged',
        items: [
          item({
            ruleId: 'shared-l1-cache',
            kind: 'security',
            severity: 'error',
            line: 7,
            col: 9,
            message: 'The L1 cache is shared by every request: user A can read user B\'s response.',
            excerpt: 'l1Cache: globalCache,',
            hint: 'Use --cache request, or key the cache by user.',
            docs: 'README.md#rule-shared-l1-cache',
            fix: {
              description: 'Disable the shared L1 cache.',
              range: { start: { line: 7, col: 9 }, end: { line: 7, col: 30 } },
              replacement: 'l1Cache: undefined,',
            },
          }),
          item({ ruleId: 'cache-shared-flag', kind: 'warning', severity: 'note', line: 2, col: 1, message: '--cache shared keeps one cache for all users.', excerpt: "import { cache } from './cache';", hint: 'Only safe for public data.', docs: 'README.md#cache-shared' }),
        ],
      }),
      file({ file: 'src/util/strings.ts', status: 'not-applicable' }),
      file({ file: 'src/vendor/big.min.js', status: 'skipped', reason: 'larger than --max-file-size (1 MiB)', reasonRuleId: 'file-too-large' }),
      file({ file: 'src/broken.ts', status: 'failed', reason: "Unexpected token, expected ',' (3:14)", reasonRuleId: 'syntax-error' }),
    ],
    { mode, notes: ['not a git work tree: dirty-tree guard skipped'], ...over },
  );
}
