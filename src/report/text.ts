/**
 * The default reporter: the diff summary printed at the end of every run.
 *
 * Layout (sections with nothing to show are left out):
 *
 *   [unified diffs, with opts.diffs; a generated file is one line unless opts.verbose]
 *   header: tool, version, mode
 *   summary: counts, lines, elapsed; [per-rule counts; per-phase timings, with opts.verbose]
 *   one line per changed file:        path  +N  -M   (columns aligned)
 *   one line per skipped file:        path  ruleId  reason
 *   per review item:                  path:line:col  ruleId  message   (security, manual review, warnings)
 *                                       the hint, then the rule's docs URL, indented below it
 *   one line per failed file:         path  ruleId  reason
 *   run errors and notes
 *   the outcome, always the last line: the exit reason (with --check, the command that fixes it),
 *   or what was done and what to run next.
 *
 * Colour only with `opts.color` (chalk level 1, basic 16 colours); the output is otherwise plain.
 * Control characters from file names, messages and diffs are made visible (`\x1b` -> `^[`), so a
 * crafted file name cannot move the cursor or recolour the terminal.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { countForExit, plural } from '../exit-code.js';
import type { FileRecord, ReviewItem, RunReport } from '../records.js';
import { type RenderOptions, compareItems, compareStrings, line1, outcomeLine, sanitize, sortedFiles } from './format.js';
import { repositoryFileUrl } from '../../transforms/lib/rules.js';

/** `12 ms` under a second, `1.23 s` above. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Right-pads `text` to `width` visible characters (text is plain: colour is applied after). */
function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - text.length));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - text.length)) + text;
}

/**
 * A one-line progress bar for a TTY, e.g. `[#######.............] 12/34 files  35%`.
 * The caller writes it as `'\r' + progressLine(...)` and clears it with `'\r\x1b[K'` when done.
 */
export function progressLine(done: number, total: number, width = 20): string {
  const safeTotal = Math.max(0, Math.floor(total));
  const safeDone = Math.min(Math.max(0, Math.floor(done)), safeTotal);
  const ratio = safeTotal === 0 ? 1 : safeDone / safeTotal;
  const filled = Math.round(ratio * width);
  const digits = String(safeTotal).length;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${padStart(String(safeDone), digits)}/${safeTotal} files ${padStart(`${Math.floor(ratio * 100)}%`, 4)}`;
}

function colourDiff(diff: string, c: ChalkInstance): string[] {
  const lines = diff.replace(/\r?\n$/, '').split(/\r?\n/);
  return lines.map((raw) => {
    const l = sanitize(raw);
    if (l.startsWith('+++') || l.startsWith('---')) return c.bold(l);
    if (l.startsWith('@@')) return c.cyan(l);
    if (l.startsWith('+')) return c.green(l);
    if (l.startsWith('-')) return c.red(l);
    return l;
  });
}

const MODE_LABEL = {
  apply: 'apply',
  dry: 'dry run (no files written)',
  check: 'check (no files written)',
} as const;

/** A word as a POSIX shell reads it: plain when safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * What to do after a failed `--check` (prettier ends with "Run Prettier with --write to fix"):
 * the command that migrates the files, then what is left for a person. Empty in other cases.
 */
export function nextStep(report: RunReport, fixCommand: string | undefined): string {
  if (report.mode !== 'check' || report.exitCode !== 1) return '';
  const n = countForExit(report);
  const steps: string[] = [];
  if (n.wouldChange > 0) {
    const command = fixCommand ?? ['npx', 'alova-ssr-migrate', ...report.options.paths].map(shellWord).join(' ');
    steps.push(`Run \`${command}\` to migrate (add --dry to review first).`);
  }
  if (n.security + n.manualReview > 0) steps.push('Fix the items listed above (each has a hint and a docs link).');
  if (n.failed > 0) steps.push('Fix the files that failed.');
  return steps.join(' ');
}

function skipReasons(files: FileRecord[]): string {
  const counts = new Map<string, number>();
  for (const f of files) {
    const key = f.reasonRuleId ?? 'skipped';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
    .map(([rule, n]) => `${rule} (${n})`)
    .join(', ');
}

/** `not per-request server code: test-file 12, browser-code 2 (docs/what-is-left-alone.md)`, most frequent first. */
function leftAloneDetail(byReason: Record<string, number>): string {
  const parts = Object.entries(byReason)
    .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
    .map(([reason, n]) => `${reason} ${n}`);
  return `factories that are not per-request server code, unchanged: ${parts.join(', ')} (${repositoryFileUrl('docs/what-is-left-alone.md')})`;
}

/** The sections below each push their lines; a section with nothing to show pushes none. */
interface Section {
  report: RunReport;
  files: FileRecord[];
  opts: RenderOptions;
  c: ChalkInstance;
  out: string[];
}

export function render(report: RunReport, opts: RenderOptions): string {
  const x: Section = { report, files: sortedFiles(report), opts, c: new Chalk({ level: opts.color ? 1 : 0 }), out: [] };
  diffSection(x);
  summarySection(x);
  changedSection(x);
  tableSections(x);
  runSection(x);
  // 6. Outcome: always the last line.
  const step = nextStep(report, opts.fixCommand);
  const outcome = step ? `${outcomeLine(report)} ${line1(step)}` : outcomeLine(report);
  x.out.push('', report.exitCode === 0 ? x.c.green(outcome) : x.c.red.bold(outcome));
  return `${x.out.join('\n')}\n`;
}

/** 1. Diffs (--dry). */
function diffSection({ files, opts, c, out }: Section): void {
  if (opts.diffs) {
    for (const f of files) {
      if (!f.diff) continue;
      // The generated context module is the same ~140 lines on every run; the diffs worth reviewing
      // are the user's own files, so it is one line unless --verbose.
      if (f.created && !opts.verbose) out.push(c.green(`+ ${line1(f.file)} (new, generated, ${plural(f.linesAdded, 'line')})`), '');
      else out.push(...colourDiff(f.diff, c), '');
    }
  }
}

/** 2. Summary: the counts, then per-rule counts and timings with --verbose. */
function summarySection({ report, files, opts, c, out }: Section): void {
  const s = report.summary;
  const dryish = report.mode !== 'apply';
  out.push(c.bold(`alova-ssr-migrate ${line1(report.tool.version)}: ${MODE_LABEL[report.mode]}`));
  const skipped = files.filter((f) => f.status === 'skipped');
  const rows: [string, string, string?][] = [
    ['Files scanned', String(s.filesScanned)],
    ['Not applicable', String(s.filesNotApplicable), 'skipped by the text pre-filter'],
    ['Skipped', String(s.filesSkipped), skipped.length > 0 ? skipReasons(skipped) : undefined],
    [dryish ? 'Would change' : 'Changed', String(s.filesChanged)],
    ['Lines', `+${s.linesAdded} -${s.linesRemoved}`],
    ['Factories migrated', String(s.factoriesMigrated)],
    ['Manual-review items', String(s.manualReviewItems)],
    ['Security findings', String(s.securityFindings)],
    ['Warnings', String(s.warnings)],
  ];
  if (s.baselined > 0) rows.push(['Baselined', String(s.baselined), 'suppressed by --baseline']);
  if (s.leftAlone.total > 0) rows.push(['Left alone', String(s.leftAlone.total), leftAloneDetail(s.leftAlone.byReason)]);
  rows.push(['Failed', String(s.filesFailed)], ['Elapsed', formatMs(s.timings.totalMs)]);
  const labelW = Math.max(...rows.map((r) => r[0].length));
  const valueW = Math.max(...rows.map((r) => r[1].length));
  const emphasis: Record<string, (t: string) => string> = {
    'Security findings': c.red,
    'Manual-review items': c.yellow,
    Failed: c.red,
    Warnings: c.yellow,
  };
  for (const [label, value, detail] of rows) {
    const hot = emphasis[label] && value !== '0' ? emphasis[label] : (t: string) => t;
    const v = hot(value) + ' '.repeat(valueW - value.length);
    out.push(`  ${pad(label, labelW)}  ${v}${detail ? c.dim(`  ${line1(detail)}`) : ''}`.trimEnd());
  }

  const ruleEntries = opts.verbose ? Object.entries(s.ruleCounts).sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0])) : [];
  if (ruleEntries.length > 0) {
    out.push('', c.bold('Rules'));
    const ruleW = Math.max(...ruleEntries.map(([r]) => line1(r).length));
    const countW = Math.max(...ruleEntries.map(([, n]) => String(n).length));
    for (const [rule, n] of ruleEntries) out.push(`  ${pad(line1(rule), ruleW)}  ${padStart(String(n), countW)}`);
  }

  const t = s.timings;
  if (opts.verbose) {
    out.push(
      '',
      `${c.bold('Timings')}  discover ${formatMs(t.discoverMs)}, pre-filter ${formatMs(t.prefilterMs)}, analyse ${formatMs(t.analyseMs)}, transform ${formatMs(t.transformMs)}, write ${formatMs(t.writeMs)}`,
    );
  }
}

/** 3. Changed files. */
function changedSection({ report, files, c, out }: Section): void {
  const dryish = report.mode !== 'apply';
  const changed = files.filter((f) => f.status === 'changed' || f.status === 'would-change');
  if (changed.length > 0) {
    out.push('', c.bold(`${dryish ? 'Would change' : 'Changed'} (${changed.length})`));
    const fileW = Math.max(...changed.map((f) => line1(f.file).length));
    const addW = Math.max(...changed.map((f) => String(f.linesAdded).length)) + 1;
    const remW = Math.max(...changed.map((f) => String(f.linesRemoved).length)) + 1;
    for (const f of changed) {
      const created = f.created ? c.dim('  (new file)') : '';
      out.push(
        `  ${pad(line1(f.file), fileW)}  ${c.green(padStart(`+${f.linesAdded}`, addW))} ${c.red(padStart(`-${f.linesRemoved}`, remW))}${created}`,
      );
    }
  }
}

/** 4. Skipped files, review items, failed files. */
function tableSections({ files, c, out }: Section): void {
  const skipped = files.filter((f) => f.status === 'skipped');
  const table = (title: string, rows3: [string, string, string][], colour: (t: string) => string) => {
    if (rows3.length === 0) return;
    out.push('', c.bold(`${title} (${rows3.length})`));
    const w0 = Math.max(...rows3.map((r) => r[0].length));
    const w1 = Math.max(...rows3.map((r) => r[1].length));
    for (const [a, b, m] of rows3) out.push(`  ${pad(a, w0)}  ${colour(pad(b, w1))}  ${m}`.trimEnd());
  };
  const fileRows = (fs: FileRecord[], fallbackRule: string): [string, string, string][] =>
    fs.map((f) => [line1(f.file), line1(f.reasonRuleId ?? fallbackRule), line1(f.reason ?? '')]);
  table('Skipped', fileRows(skipped, 'skipped'), c.dim);

  const items = files.flatMap((f) => f.items).sort(compareItems);
  const itemRow = (i: ReviewItem): [string, string, string] => [`${line1(i.file)}:${i.line}:${i.col}`, line1(i.ruleId), line1(i.message)];
  const groups: [string, ReviewItem['kind'], (t: string) => string][] = [
    ['Security findings', 'security', c.red],
    ['Manual review', 'manual-review', c.yellow],
    ['Warnings', 'warning', c.yellow],
  ];
  // Columns are aligned across the three item groups, so the report reads as one table.
  const allRows = items.map(itemRow);
  const w0 = Math.max(0, ...allRows.map((r) => r[0].length));
  const w1 = Math.max(0, ...allRows.map((r) => r[1].length));
  for (const [title, kind, colour] of groups) {
    const group = items.filter((i) => i.kind === kind);
    if (group.length === 0) continue;
    out.push('', c.bold(`${title} (${group.length})`));
    for (const i of group) {
      const [a, b, m] = itemRow(i);
      out.push(`  ${pad(a, w0)}  ${colour(pad(b, w1))}  ${m}`.trimEnd());
      if (i.hint) out.push(`    ${c.dim('Fix:')} ${line1(i.hint)}`);
      if (i.docs) out.push(`    ${c.dim('Docs:')} ${line1(i.docs)}`);
    }
  }

  table('Failed', fileRows(files.filter((f) => f.status === 'failed'), 'failed'), c.red);
}

/** 5. Run-level errors and notes. */
function runSection({ report, c, out }: Section): void {
  if (report.errors.length > 0) {
    out.push('', c.bold(`Errors (${report.errors.length})`));
    const w = Math.max(...report.errors.map((e) => line1(e.ruleId).length));
    for (const e of report.errors) out.push(`  ${c.red(pad(line1(e.ruleId), w))}  ${line1(e.message)}`);
  }
  if (report.notes.length > 0) {
    out.push('', c.bold('Notes'));
    for (const n of report.notes) out.push(`  ${c.dim(line1(n))}`);
  }
}
