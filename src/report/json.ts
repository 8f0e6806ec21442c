/**
 * `--reporter json`: one versioned JSON document (see schema/report.schema.json) with every
 * file's status, every edit and every review item.
 *
 * Output is byte-stable for equal reports: object keys are written in a fixed order (not the
 * order the pipeline happened to create them), files are sorted by path, edits by position and
 * items by file, line, column and rule id; `summary.ruleCounts` keys are sorted.
 * `FileRecord.diff` is included only with `opts.diffs`.

 * The key order and the sort order live in ./format.ts (sarif prints the summary the same way).
 */
import type { FileRecord, ReviewItem, RunReport } from '../records.js';
import {
  EDIT_KEYS,
  FILE_KEYS,
  ITEM_KEYS,
  type Json,
  LEFT_ALONE_KEYS,
  REPORT_KEYS,
  type RenderOptions,
  compareEdits,
  compareItems,
  pick,
  sortedFiles,
  summaryJson,
} from './format.js';

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
