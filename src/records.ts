/**
 * The one data model of a run. Every stage produces these records; every reporter
 * (text, json, github, sarif) is a pure view of a {@link RunReport}. Exit codes are
 * computed from the records in one place (src/exit-code.ts), never by a reporter.
 *
 * Paths in records are relative to the working directory and use POSIX separators,
 * so reports are stable across machines and operating systems.
 */
import type { ItemKind, Severity } from '../transforms/lib/rules.js';
import type { Position } from '../transforms/lib/positions.js';

// Owned by transforms/lib (src depends on transforms, never the reverse); re-exported for src's users.
export type { ItemKind, Position, Severity };

/** Bumped whenever a field is removed or changes meaning (additions keep the version). */
export const SCHEMA_VERSION = 2;

export type Mode = 'apply' | 'dry' | 'check';

/**
 * - `changed`: written to disk (apply mode).
 * - `would-change`: a change was computed but not written (--dry / --check).
 * - `unchanged`: parsed and analysed; nothing to migrate (items may still exist: a file left
 *   unchanged for safety carries its manual-review items).
 * - `not-applicable`: the text pre-filter proved the file cannot contain alova code; never parsed.
 * - `skipped`: not read on purpose (too large, binary, ignored by a rule the user asked for); `reason` says why.
 * - `failed`: could not be read, parsed or verified; `reason` says why. Counts towards exit code 1.
 */
export type FileStatus = 'changed' | 'would-change' | 'unchanged' | 'not-applicable' | 'skipped' | 'failed';


/** One change the tool made (or would make). */
export interface EditRecord {
  ruleId: string;
  file: string;
  line: number;
  col: number;
  /** Range in the original file that the edit replaces or anchors to. */
  endLine: number;
  endCol: number;
  /** The same range in the migrated file (absent for a file the run creates). */
  after?: { line: number; col: number; endLine: number; endCol: number };
  /** One-line explanation of the change. */
  message: string;
  /** Absolute URL of the rule's page, e.g. `https://github.com/alova-ssr-migrate/alova-ssr-migrate/blob/main/docs/rules/hoist-instance.md`. */
  docs: string;
}

/**
 * Something a human must look at. `manual-review` items mark code the tool left unchanged on
 * purpose; `security` items mark code that shares data between users today; `warning` items are
 * informational (they never fail --check on their own, e.g. the `--cache shared` warning).
 */
export interface ReviewItem {
  ruleId: string;
  kind: ItemKind;
  severity: Severity;
  file: string;
  line: number;
  col: number;
  message: string;
  /** The source line(s) the item points at, trimmed; used by baselines (hashed) and reporters. */
  excerpt: string;
  /** What the user should do. */
  hint: string;
  docs: string;
  /** A suggested replacement, where the tool knows one but would not apply it. */
  fix?: { description: string; range?: { start: Position; end: Position }; replacement?: string };
}

/**
 * A createAlova factory the run left alone because it is not per-request server code (a test,
 * browser, universal, CLI or module-load factory, or no evidence either way). Not an item: it
 * asks nothing of the user, and the summary only counts these by reason.
 */
export interface LeftAloneRecord {
  file: string;
  line: number;
  col: number;
  /** The factory's name, when it has one. */
  factory: string | null;
  /** One of transforms/lib/classify.ts LeftAloneReason: `test-file`, `browser-code`, `universal-code`, `cli`, `module-load`, `no-evidence`, `directive`. */
  reason: string;
  /** The evidence that decided, one line. */
  why: string;
}

export interface FileRecord {
  file: string;
  status: FileStatus;
  /** Why the file was skipped or failed; one line. */
  reason?: string;
  /** The rule id for a skipped/failed file (e.g. `file-too-large`, `syntax-error`). */
  reasonRuleId?: string;
  linesAdded: number;
  linesRemoved: number;
  edits: EditRecord[];
  items: ReviewItem[];
  /** Factories left alone in this file (not per-request server code). */
  leftAlone: LeftAloneRecord[];
  /** The unified diff of the change (only in memory; json includes it only with --diff in the report). */
  diff?: string;
  /** Project-level counters contributed by this file. */
  factoriesMigrated: number;
  /** Set when the file did not exist before the run (the generated context module). */
  created?: boolean;
}

export interface PhaseTimings {
  discoverMs: number;
  prefilterMs: number;
  analyseMs: number;
  transformMs: number;
  writeMs: number;
  totalMs: number;
}

export interface Summary {
  filesScanned: number;
  filesNotApplicable: number;
  filesSkipped: number;
  filesChanged: number;
  filesFailed: number;
  linesAdded: number;
  linesRemoved: number;
  factoriesMigrated: number;
  manualReviewItems: number;
  securityFindings: number;
  warnings: number;
  /** Items suppressed by --baseline. */
  baselined: number;
  /** Factories left alone because they are not per-request server code, by reason. */
  leftAlone: { total: number; byReason: Record<string, number> };
  ruleCounts: Record<string, number>;
  timings: PhaseTimings;
}

export interface RunReport {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'alova-ssr-migrate'; version: string };
  mode: Mode;
  /** Options that change results, echoed for reproducibility. */
  options: { cache: 'request' | 'off' | 'shared'; paths: string[]; contextModule: string | null };
  files: FileRecord[];
  summary: Summary;
  /** Run-level errors that are not tied to one file (usage errors never reach a report). */
  errors: { ruleId: string; message: string }[];
  /** Notes such as "not a git work tree: dirty-tree guard skipped". */
  notes: string[];
  exitCode: 0 | 1 | 2;
  /** One line: why the exit code is not 0 (empty when it is 0). */
  exitReason: string;
}

/** Positions are computed in transforms/lib (the transform's jscodeshift entry needs them too): re-exported for src. */
export { lineExcerpt, positionAt } from '../transforms/lib/positions.js';
