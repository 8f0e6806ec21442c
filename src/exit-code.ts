/**
 * The ONE place where the process exit code of a run is decided. Reporters print
 * `report.exitCode` / `report.exitReason`; they never compute them.
 *
 * Contract (modelled on `prettier --check`):
 *
 * - `0`: nothing to do, or everything was done.
 * - `1`: the run finished but the code base is not in the state the user asked for:
 *   - in `--check` mode: a file would change, or a manual-review item or a security finding
 *     exists (warnings alone never fail a check);
 *   - in ANY mode: a file failed (could not be read, parsed or verified).
 * - `2`: run-level errors (`report.errors` non-empty). 2 wins over 1.
 *
 * Decision: in `apply` and `--dry` modes, remaining manual-review items and security findings do
 * NOT make the exit code 1. Those modes are run by a person at a terminal who reads the printed
 * items; failing them would make "migrate what you can, then look at the rest" look like a crash,
 * and scripts that chain `alova-ssr-migrate && npm test` would stop for no reason. CI gates use
 * `--check`, which fails on them. Failed files always fail, because the user asked for a file to be
 * migrated and it was not.
 *
 * The counts are taken from `report.files` (the records) by the same function as the summary
 * (src/summary.ts), not from `report.summary`, so the exit code can never disagree with what the
 * reporters list (e.g. after `--baseline` removed items).
 */
import type { RunReport } from './records.js';
import { countRecords } from './summary.js';

export type ExitCode = 0 | 1 | 2;

export interface ExitResult {
  exitCode: ExitCode;
  /** One line naming the counts that caused a non-zero exit; empty when the code is 0. */
  exitReason: string;
}

/** A report before its exit code is known. */
export type ReportWithoutExit = Omit<RunReport, 'exitCode' | 'exitReason'>;

/** `plural(1, 'file') === '1 file'`, `plural(2, 'file') === '2 files'`. */
export function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `['a', 'b', 'c']` -> `'a, b and c'`. */
export function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** The counts that matter for the exit code, taken from the file records. */
export interface ExitCounts {
  wouldChange: number;
  failed: number;
  manualReview: number;
  security: number;
  warnings: number;
  runErrors: number;
}

/** The exit code's counts, read from the one count of the records (src/summary.ts). */
export function countForExit(report: ReportWithoutExit): ExitCounts {
  const c = countRecords(report.files);
  return {
    // In --check nothing is written, so a "changed" record (a hand-built report) still has to be migrated.
    wouldChange: report.mode === 'check' ? c.filesChanged : c.filesWouldChange,
    failed: c.filesFailed,
    manualReview: c.manualReviewItems,
    security: c.securityFindings,
    warnings: c.warnings,
    runErrors: report.errors.length,
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

export function computeExit(report: ReportWithoutExit): ExitResult {
  const n = countForExit(report);

  // Reasons for exit code 1, in the order they are named.
  const failing: string[] = [];
  if (report.mode === 'check') {
    if (n.wouldChange > 0) failing.push(`${plural(n.wouldChange, 'file')} to migrate`);
    if (n.security > 0) failing.push(plural(n.security, 'security finding'));
    if (n.manualReview > 0) failing.push(plural(n.manualReview, 'manual-review item'));
  }
  if (n.failed > 0) failing.push(plural(n.failed, 'file that failed', 'files that failed'));

  if (n.runErrors > 0) {
    const first = report.errors[0];
    const also = failing.length > 0 ? ` (also ${joinAnd(failing)})` : '';
    return {
      exitCode: 2,
      exitReason: `Exit 2: ${plural(n.runErrors, 'run error')}, first: ${first.ruleId}: ${oneLine(first.message).replace(/\.$/, '')}${also}.`,
    };
  }
  if (failing.length > 0) {
    const lead = report.mode === 'check' ? '--check found ' : '';
    return { exitCode: 1, exitReason: `Exit 1: ${lead}${joinAnd(failing)}.` };
  }
  return { exitCode: 0, exitReason: '' };
}

/** Convenience for the runner: returns a copy of `report` with `exitCode` and `exitReason` set. */
export function withExit(report: ReportWithoutExit): RunReport {
  return { ...report, ...computeExit(report) };
}
