/**
 * `--reporter json`: one versioned JSON document (see schema/report.schema.json) with every
 * file's status, every edit and every review item.
 *
 * Output is byte-stable for equal reports: object keys are written in a fixed order (not the
 * order the pipeline happened to create them), files are sorted by path, edits by position and
 * items by file, line, column and rule id; `summary.ruleCounts` keys are sorted.
 * `FileRecord.diff` is included only with `opts.diffs`.
 *
 * The key lists below are checked against src/records.ts at compile time: adding a field to a
 * record without listing it here (and in the schema) is a type error, not silently dropped data.
 */
import type {
  EditRecord,
  FileRecord,
  LeftAloneRecord,
  PhaseTimings,
  ReviewItem,
  RunReport,
  Summary,
} from '../records.js';
import type { RenderOptions } from './index.js';

/** Compares by UTF-16 code units: the same order on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareItems(a: ReviewItem, b: ReviewItem): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.col - b.col ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.message, b.message)
  );
}

export function compareEdits(a: EditRecord, b: EditRecord): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.col - b.col ||
    compareStrings(a.ruleId, b.ruleId) ||
    a.endLine - b.endLine ||
    a.endCol - b.endCol ||
    compareStrings(a.message, b.message)
  );
}

export function sortedFiles(report: Pick<RunReport, 'files'>): FileRecord[] {
  return [...report.files].sort((a, b) => compareStrings(a.file, b.file));
}

/** Every review item of the run, sorted by file, line, column, rule id. */
export function allItems(report: Pick<RunReport, 'files'>): ReviewItem[] {
  return report.files.flatMap((f) => f.items).sort(compareItems);
}

// ---- key order, checked against records.ts -------------------------------------------------

type Exhaustive<T, K extends readonly (keyof T)[]> = [Exclude<keyof T, K[number]>] extends [never]
  ? K
  : { missingKeys: Exclude<keyof T, K[number]> };

const REPORT_KEYS = [
  'schemaVersion',
  'tool',
  'mode',
  'options',
  'exitCode',
  'exitReason',
  'summary',
  'errors',
  'notes',
  'files',
] as const;
const FILE_KEYS = [
  'file',
  'status',
  'reason',
  'reasonRuleId',
  'created',
  'linesAdded',
  'linesRemoved',
  'factoriesMigrated',
  'edits',
  'items',
  'leftAlone',
  'diff',
] as const;
const EDIT_KEYS = ['ruleId', 'file', 'line', 'col', 'endLine', 'endCol', 'after', 'message', 'docs'] as const;
const LEFT_ALONE_KEYS = ['file', 'line', 'col', 'factory', 'reason', 'why'] as const;
const ITEM_KEYS = ['ruleId', 'kind', 'severity', 'file', 'line', 'col', 'message', 'excerpt', 'hint', 'docs', 'fix'] as const;
const SUMMARY_KEYS = [
  'filesScanned',
  'filesNotApplicable',
  'filesSkipped',
  'filesChanged',
  'filesFailed',
  'linesAdded',
  'linesRemoved',
  'factoriesMigrated',
  'manualReviewItems',
  'securityFindings',
  'warnings',
  'baselined',
  'leftAlone',
  'ruleCounts',
  'timings',
] as const;
const TIMING_KEYS = ['discoverMs', 'prefilterMs', 'analyseMs', 'transformMs', 'writeMs', 'totalMs'] as const;

// Compile-time exhaustiveness checks (a missing key makes the assignment a type error).
const checks: [
  Exhaustive<RunReport, typeof REPORT_KEYS>,
  Exhaustive<FileRecord, typeof FILE_KEYS>,
  Exhaustive<EditRecord, typeof EDIT_KEYS>,
  Exhaustive<ReviewItem, typeof ITEM_KEYS>,
  Exhaustive<LeftAloneRecord, typeof LEFT_ALONE_KEYS>,
  Exhaustive<Summary, typeof SUMMARY_KEYS>,
  Exhaustive<PhaseTimings, typeof TIMING_KEYS>,
] = [REPORT_KEYS, FILE_KEYS, EDIT_KEYS, ITEM_KEYS, LEFT_ALONE_KEYS, SUMMARY_KEYS, TIMING_KEYS];
void checks;

/** The key order used for each record type (exported for the schema-sync test). */
export const JSON_KEY_ORDER = {
  report: REPORT_KEYS,
  file: FILE_KEYS,
  edit: EDIT_KEYS,
  item: ITEM_KEYS,
  leftAlone: LEFT_ALONE_KEYS,
  summary: SUMMARY_KEYS,
  timings: TIMING_KEYS,
} as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Copies `keys` of `obj` in that order, dropping undefined values. */
function pick<T extends object>(obj: T, keys: readonly (keyof T)[], map: (key: keyof T, value: unknown) => unknown = (_k, v) => v): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key of keys) {
    const value = obj[key];
    if (value === undefined) continue;
    out[key as string] = map(key, value) as Json;
  }
  return out;
}

function itemJson(item: ReviewItem): Record<string, Json> {
  return pick(item, ITEM_KEYS, (key, value) => {
    if (key !== 'fix') return value;
    const fix = value as NonNullable<ReviewItem['fix']>;
    const out: Record<string, Json> = { description: fix.description };
    if (fix.range) {
      out.range = {
        start: { line: fix.range.start.line, col: fix.range.start.col },
        end: { line: fix.range.end.line, col: fix.range.end.col },
      };
    }
    if (fix.replacement !== undefined) out.replacement = fix.replacement;
    return out;
  });
}

function fileJson(file: FileRecord, diffs: boolean): Record<string, Json> {
  return pick(file, FILE_KEYS, (key, value) => {
    if (key === 'diff') return diffs ? value : undefined;
    if (key === 'edits') return [...file.edits].sort(compareEdits).map((e) => pick(e, EDIT_KEYS));
    if (key === 'items') return [...file.items].sort(compareItems).map(itemJson);
    if (key === 'leftAlone') return [...file.leftAlone].sort((a, b) => a.line - b.line || a.col - b.col).map((r) => pick(r, LEFT_ALONE_KEYS));
    return value;
  });
}

/** The summary with keys in a fixed order and `ruleCounts` sorted by rule id. */
export function summaryJson(summary: Summary): Record<string, Json> {
  return pick(summary, SUMMARY_KEYS, (key, value) => {
    if (key === 'timings') return pick(summary.timings, TIMING_KEYS);
    if (key === 'leftAlone') {
      const byReason: Record<string, Json> = {};
      for (const r of Object.keys(summary.leftAlone.byReason).sort(compareStrings)) byReason[r] = summary.leftAlone.byReason[r];
      return { total: summary.leftAlone.total, byReason };
    }
    if (key === 'ruleCounts') {
      const sorted: Record<string, Json> = {};
      for (const rule of Object.keys(summary.ruleCounts).sort(compareStrings)) sorted[rule] = summary.ruleCounts[rule];
      return sorted;
    }
    return value;
  });
}

/** The JSON document as a plain object (what `render` serialises). */
export function toJsonDocument(report: RunReport, opts: Pick<RenderOptions, 'diffs'> = {}): Record<string, Json> {
  const diffs = opts.diffs === true;
  const doc = pick(report, REPORT_KEYS, (key, value) => {
    switch (key) {
      case 'tool':
        return { name: report.tool.name, version: report.tool.version };
      case 'options':
        return { cache: report.options.cache, paths: [...report.options.paths], contextModule: report.options.contextModule };
      case 'summary':
        return summaryJson(report.summary);
      case 'errors':
        return report.errors.map((e) => ({ ruleId: e.ruleId, message: e.message }));
      case 'notes':
        return [...report.notes];
      case 'files':
        return sortedFiles(report).map((f) => fileJson(f, diffs));
      default:
        return value;
    }
  });
  return doc;
}

export function render(report: RunReport, opts: RenderOptions): string {
  return `${JSON.stringify(toJsonDocument(report, opts), null, 2)}\n`;
}
