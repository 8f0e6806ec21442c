/**
 * Baselines: adopt the tool in a large code base without fixing every review item first.
 *
 * `--write-baseline <file>` records the review items of a run; `--baseline <file>` suppresses
 * exactly those items in later runs, so only NEW items fail `--check`.
 *
 * An entry is `{ ruleId, file, hash }` where `hash` is the sha256 of the item's excerpt with
 * whitespace collapsed. The line number is deliberately not part of an entry: code that moves
 * (lines inserted above it, re-indented) still matches; code that changes does not.
 *
 * Matching has multiset semantics: two identical items (same rule, file and excerpt) need two
 * entries; a third identical item added later is new and is reported.
 */
import { createHash } from 'node:crypto';
import { withExit } from './exit-code.js';
import type { FileRecord, ReviewItem, RunReport } from './records.js';
import { summarise } from './summary.js';
import { compareStrings } from './report/format.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  ruleId: string;
  file: string;
  /** sha256 (hex) of {@link normaliseExcerpt}(item.excerpt). */
  hash: string;
}

export interface Baseline {
  version: typeof BASELINE_VERSION;
  entries: BaselineEntry[];
}

/** Whitespace runs collapse to one space; leading and trailing whitespace is dropped. */
export function normaliseExcerpt(excerpt: string): string {
  return excerpt.replace(/\s+/g, ' ').trim();
}

/** The hash of an item as stored in a baseline entry. */
export function itemHash(item: Pick<ReviewItem, 'excerpt'>): string {
  return createHash('sha256').update(normaliseExcerpt(item.excerpt), 'utf8').digest('hex');
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return compareStrings(a.file, b.file) || compareStrings(a.ruleId, b.ruleId) || compareStrings(a.hash, b.hash);
}

function entryKey(e: BaselineEntry): string {
  return `${e.ruleId}\u0000${e.file}\u0000${e.hash}`;
}

/** The baseline file for `report`: every review item, sorted, as stable pretty JSON. */
export function writeBaseline(report: Pick<RunReport, 'files'>): string {
  const entries: BaselineEntry[] = [];
  for (const file of report.files) {
    for (const item of file.items) entries.push({ ruleId: item.ruleId, file: item.file, hash: itemHash(item) });
  }
  entries.sort(compareEntries);
  const doc: Baseline = { version: BASELINE_VERSION, entries };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export class BaselineError extends Error {
  constructor(message: string) {
    super(`Invalid baseline: ${message}`);
    this.name = 'BaselineError';
  }
}

/** Parses a baseline file. Throws a {@link BaselineError} naming the problem on bad JSON or shape. */
export function readBaseline(text: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`not valid JSON (${(err as Error).message}).`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BaselineError('expected a JSON object with "version" and "entries".');
  }
  const obj = data as Record<string, unknown>;
  if (obj.version !== BASELINE_VERSION) {
    throw new BaselineError(
      `unsupported version ${JSON.stringify(obj.version)} (this version of alova-ssr-migrate reads version ${BASELINE_VERSION}); re-create it with --write-baseline.`,
    );
  }
  if (!Array.isArray(obj.entries)) throw new BaselineError('"entries" must be an array.');
  const entries: BaselineEntry[] = obj.entries.map((raw: unknown, i: number) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new BaselineError(`entries[${i}] must be an object with "ruleId", "file" and "hash".`);
    }
    const e = raw as Record<string, unknown>;
    for (const key of ['ruleId', 'file', 'hash'] as const) {
      if (typeof e[key] !== 'string' || e[key] === '') throw new BaselineError(`entries[${i}].${key} must be a non-empty string.`);
    }
    if (!/^[0-9a-f]{64}$/.test(e.hash as string)) {
      throw new BaselineError(`entries[${i}].hash must be a sha256 in lowercase hex (64 characters).`);
    }
    return { ruleId: e.ruleId as string, file: e.file as string, hash: e.hash as string };
  });
  return { version: BASELINE_VERSION, entries };
}

/** What a baseline left of the items: the files without them, how many it removed, and a note. */
export interface Suppressed {
  files: FileRecord[];
  removed: number;
  /** Entries that matched nothing (the code was fixed: re-write the baseline), or null. */
  note: string | null;
}

/** Removes the items that `baseline` records (multiset matching); `files` is not modified. */
export function suppress(files: readonly FileRecord[], baseline: Baseline): Suppressed {
  const remaining = new Map<string, number>();
  for (const e of baseline.entries) remaining.set(entryKey(e), (remaining.get(entryKey(e)) ?? 0) + 1);
  let removed = 0;
  const kept = files.map((file) => {
    const items = file.items.filter((item) => {
      const key = entryKey({ ruleId: item.ruleId, file: item.file, hash: itemHash(item) });
      const left = remaining.get(key) ?? 0;
      if (left === 0) return true;
      remaining.set(key, left - 1);
      removed++;
      return false;
    });
    return items.length === file.items.length ? file : { ...file, items };
  });
  let unmatched = 0;
  for (const left of remaining.values()) unmatched += left;
  const note =
    unmatched > 0
      ? `baseline: ${unmatched} ${unmatched === 1 ? 'entry matches' : 'entries match'} no current item (fixed or changed code); re-run with --write-baseline to drop ${unmatched === 1 ? 'it' : 'them'}`
      : null;
  return { files: kept, removed, note };
}

/**
 * Returns a copy of `report` without the items that `baseline` records (multiset matching), with
 * `summary.baselined` increased by the number removed, the summary counted again from the remaining
 * records (src/summary.ts) and the exit code recomputed. Entries that matched nothing are reported
 * in one note. `report` is not modified. (The CLI passes its baselines to the run instead, so its
 * report is counted once: RunOptions.baselines.)
 */
export function applyBaseline(report: RunReport, baseline: Baseline): RunReport {
  const { files, removed, note } = suppress(report.files, baseline);
  const summary = summarise(files, report.summary.baselined + removed, { ...report.summary.timings });
  return withExit({ ...report, files, summary, notes: note ? [...report.notes, note] : report.notes });
}
