/**
 * What every reporter shares, so that reporters never import each other (issue 11): the render
 * options, the one sort order of files, edits and items, the fixed key order of the JSON records
 * (json and sarif both print the summary), and the outcome line (text and github end with it).
 *
 * The key lists below are checked against src/records.ts at compile time: adding a field to a
 * record without listing it here (and in the schema) is a type error, not silently dropped data.
 */
import { plural } from '../exit-code.js';
import type { EditRecord, FileRecord, LeftAloneRecord, PhaseTimings, ReviewItem, RunReport, Summary } from '../records.js';

export type ReporterName = 'text' | 'json' | 'github' | 'sarif';

export interface RenderOptions {
  /** Colour output (text reporter only). Never inferred: the caller decides (TTY, NO_COLOR, --color). */
  color: boolean;
  /** Absolute working directory; sarif uses it for `originalUriBaseIds` (%SRCROOT%). */
  cwd?: string;
  /** text: print each file's unified diff first (--dry); json: include `FileRecord.diff`. */
  diffs?: boolean;
  /**
   * github: the value of `$GITHUB_STEP_SUMMARY`, when set. The renderer does not write to it (see
   * `renderStepSummary` in ./github.js); it only points readers of the log at the job summary.
   */
  stepSummaryPath?: string;
  /** text: generated files' diffs in full, per-rule counts and per-stage timings (`--verbose`). */
  verbose?: boolean;
  /**
   * text, `--check` with files to migrate: the command that migrates them, as the user typed the
   * check (the CLI passes it). Without it the command is built from the report's paths.
   */
  fixCommand?: string;
}

/** Compares by UTF-16 code units: the same order on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** File, then position, then rule id: the order edits and items are both listed in. */
function comparePlace(a: Pick<ReviewItem, 'file' | 'line' | 'col' | 'ruleId'>, b: Pick<ReviewItem, 'file' | 'line' | 'col' | 'ruleId'>): number {
  return compareStrings(a.file, b.file) || a.line - b.line || a.col - b.col || compareStrings(a.ruleId, b.ruleId);
}

export function compareItems(a: ReviewItem, b: ReviewItem): number {
  return comparePlace(a, b) || compareStrings(a.kind, b.kind) || compareStrings(a.message, b.message);
}

export function compareEdits(a: EditRecord, b: EditRecord): number {
  return comparePlace(a, b) || a.endLine - b.endLine || a.endCol - b.endCol || compareStrings(a.message, b.message);
}

export function sortedFiles(report: Pick<RunReport, 'files'>): FileRecord[] {
  return [...report.files].sort((a, b) => compareStrings(a.file, b.file));
}

// ---- key order, checked against records.ts -------------------------------------------------

type Exhaustive<T, K extends readonly (keyof T)[]> = [Exclude<keyof T, K[number]>] extends [never]
  ? K
  : { missingKeys: Exclude<keyof T, K[number]> };

export const REPORT_KEYS = [
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
export const FILE_KEYS = [
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
export const EDIT_KEYS = ['ruleId', 'file', 'line', 'col', 'endLine', 'endCol', 'after', 'message', 'docs'] as const;
export const LEFT_ALONE_KEYS = ['file', 'line', 'col', 'factory', 'reason', 'why'] as const;
export const ITEM_KEYS = ['ruleId', 'kind', 'severity', 'file', 'line', 'col', 'message', 'excerpt', 'hint', 'docs', 'fix'] as const;
export const SUMMARY_KEYS = [
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
export const TIMING_KEYS = ['discoverMs', 'prefilterMs', 'analyseMs', 'transformMs', 'writeMs', 'totalMs'] as const;

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

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Copies `keys` of `obj` in that order, dropping undefined values. */
export function pick<T extends object>(obj: T, keys: readonly (keyof T)[], map: (key: keyof T, value: unknown) => unknown = (_k, v) => v): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key of keys) {
    const value = obj[key];
    if (value === undefined) continue;
    out[key as string] = map(key, value) as Json;
  }
  return out;
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

/** Control characters (except tab) shown in caret notation. */
export function sanitize(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (ch) => {
    const code = ch.charCodeAt(0);
    if (code === 0x7f) return '^?';
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** One line: line breaks collapse to one space, control characters are made visible. */
export function line1(text: string): string {
  return sanitize(text.replace(/\s*[\r\n]+\s*/g, ' ').trim());
}

/**
 * The last line of every text report: the exit reason when the exit code is not 0, otherwise
 * what was done and, in dry mode, what to run next.
 */
export function outcomeLine(report: RunReport): string {
  if (report.exitCode !== 0) return line1(report.exitReason || `Exit ${report.exitCode}.`);
  // The summary's counts (src/summary.ts), the same the exit code was computed from: never a second count.
  const { filesChanged: changed, manualReviewItems: manual, securityFindings: security } = report.summary;
  const pending: string[] = [];
  if (security > 0) pending.push(`${plural(security, 'security finding')} to fix`);
  if (manual > 0) pending.push(`${plural(manual, 'manual-review item')} to look at`);
  const tail = pending.length > 0 ? ` ${pending.join(', ')} (listed above).` : '';
  switch (report.mode) {
    case 'apply':
      return changed === 0 ? `Done: nothing to migrate.${tail}` : `Done: ${plural(changed, 'file')} migrated.${tail}`;
    case 'dry':
      return changed === 0
        ? `Dry run: nothing to migrate.${tail}`
        : `Dry run: ${plural(changed, 'file')} would change.${tail} Run without --dry to apply.`;
    case 'check':
      return `Check passed: nothing to migrate.${tail}`;
  }
}

