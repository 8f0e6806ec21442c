/**
 * The ONE count of a run's records (issue 11: counts were taken by the runner's summarise, again by
 * the exit code and then patched by the baseline). The summary and the exit code are both read
 * from {@link countRecords}, always after any baseline removed its items, so no two numbers can
 * disagree.
 */
import type { FileRecord, Summary } from './records.js';

/** The summary's numbers, plus the one the exit code needs that the summary does not show. */
export interface RecordCounts extends Omit<Summary, 'baselined' | 'timings'> {
  /** Files whose status is `would-change` (not written: a dry run, or an apply that stopped). */
  filesWouldChange: number;
}

export function countRecords(files: readonly FileRecord[]): RecordCounts {
  const c: RecordCounts = {
    filesScanned: 0,
    filesNotApplicable: 0,
    filesSkipped: 0,
    filesChanged: 0,
    filesFailed: 0,
    linesAdded: 0,
    linesRemoved: 0,
    factoriesMigrated: 0,
    manualReviewItems: 0,
    securityFindings: 0,
    warnings: 0,
    leftAlone: { total: 0, byReason: {} },
    ruleCounts: {},
    filesWouldChange: 0,
  };
  const count = (id: string) => (c.ruleCounts[id] = (c.ruleCounts[id] ?? 0) + 1);
  for (const f of files) {
    // A generated context module is a change, not a scanned file.
    if (!f.created) c.filesScanned++;
    if (f.status === 'not-applicable') c.filesNotApplicable++;
    if (f.status === 'skipped') c.filesSkipped++;
    if (f.status === 'failed') c.filesFailed++;
    if (f.status === 'changed' || f.status === 'would-change') c.filesChanged++;
    if (f.status === 'would-change') c.filesWouldChange++;
    c.linesAdded += f.linesAdded;
    c.linesRemoved += f.linesRemoved;
    c.factoriesMigrated += f.factoriesMigrated;
    for (const e of f.edits) count(e.ruleId);
    for (const i of f.items) {
      count(i.ruleId);
      if (i.kind === 'manual-review') c.manualReviewItems++;
      else if (i.kind === 'security') c.securityFindings++;
      else c.warnings++;
    }
    // A file-level reason that is also an item (unsupported-encoding) counts once.
    if (f.reasonRuleId && !f.items.some((i) => i.ruleId === f.reasonRuleId)) count(f.reasonRuleId);
    for (const l of f.leftAlone) {
      c.leftAlone.total++;
      c.leftAlone.byReason[l.reason] = (c.leftAlone.byReason[l.reason] ?? 0) + 1;
    }
  }
  return c;
}

/** The report's summary: the counts of `files` (after any baseline), the baselined items and the timings. */
export function summarise(files: readonly FileRecord[], baselined: number, timings: Summary['timings']): Summary {
  const { filesWouldChange: _notShown, leftAlone, ruleCounts, ...numbers } = countRecords(files);
  // Key order as before (reporters print in a fixed order anyway; this keeps object dumps stable).
  return { ...numbers, baselined, leftAlone, ruleCounts, timings };
}
