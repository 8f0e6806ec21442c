/**
 * `--reporter github`: GitHub Actions workflow commands, which GitHub turns into annotations on
 * the pull request diff.
 *
 * Annotation levels (decided here, in one place):
 * - `::error`   run-level errors, security findings, failed files, manual-review items, and files
 *               that would change (--check / --dry): the things that fail `--check`.
 * - `::warning` `warning` items (informational; they never fail a run on their own).
 * - `::notice`  files changed in apply mode (done; shown so the reviewer of the commit sees where).
 * The level follows the item's kind, not its `severity`, so what a reviewer sees as red is exactly
 * what can fail CI.
 *
 * GitHub shows at most 10 annotations of each level per step and silently drops the rest, so this
 * reporter emits at most {@link MAX_ANNOTATIONS_PER_LEVEL} per level, most important first
 * (run errors, security, failed, manual review, would change), then one plain log line saying how
 * many were left out. `renderStepSummary` lists everything, uncapped, as markdown for
 * `$GITHUB_STEP_SUMMARY` (the caller appends it to that file).
 *
 * Escaping follows the workflow-command rules: in the message `%`, `\r`, `\n` become `%25`, `%0D`,
 * `%0A`; in property values `:` and `,` additionally become `%3A` and `%2C`.
 */
import { joinAnd, plural } from '../exit-code.js';
import type { FileRecord, ReviewItem, RunReport } from '../records.js';
import { type RenderOptions, compareEdits, compareItems, outcomeLine, sortedFiles } from './format.js';

export const MAX_ANNOTATIONS_PER_LEVEL = 10;

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export interface Annotation {
  level: AnnotationLevel;
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
  title: string;
  message: string;
}

export function formatAnnotation(a: Annotation): string {
  const props: string[] = [];
  if (a.file !== undefined) props.push(`file=${escapeProperty(a.file)}`);
  if (a.line !== undefined) props.push(`line=${a.line}`);
  if (a.endLine !== undefined) props.push(`endLine=${a.endLine}`);
  if (a.col !== undefined) props.push(`col=${a.col}`);
  if (a.endColumn !== undefined) props.push(`endColumn=${a.endColumn}`);
  props.push(`title=${escapeProperty(a.title)}`);
  return `::${a.level} ${props.join(',')}::${escapeData(a.message)}`;
}

function itemMessage(item: ReviewItem): string {
  return item.hint ? `${item.message}\nHint: ${item.hint}` : item.message;
}

function itemAnnotation(item: ReviewItem): Annotation {
  return {
    level: item.kind === 'warning' ? 'warning' : 'error',
    file: item.file,
    line: item.line,
    col: item.col,
    title: item.ruleId,
    message: itemMessage(item),
  };
}

function changeAnnotation(file: FileRecord, mode: RunReport['mode']): Annotation {
  const edits = [...file.edits].sort(compareEdits);
  const first = edits[0];
  const rules = [...new Set(edits.map((e) => e.ruleId))];
  const verb = file.status === 'changed' ? 'migrated' : 'would be migrated';
  const lines = `+${file.linesAdded} -${file.linesRemoved}`;
  const what = edits.length > 0 ? `${plural(edits.length, 'edit')} (${rules.join(', ')})` : 'new file';
  const next = mode === 'check' ? '\nRun alova-ssr-migrate to apply.' : mode === 'dry' ? '\nRun without --dry to apply.' : '';
  return {
    level: file.status === 'changed' ? 'notice' : 'error',
    file: file.file,
    line: first?.line ?? 1,
    col: first?.col ?? 1,
    title: first?.ruleId ?? 'would-change',
    message: `${file.file} ${verb}: ${what}, ${lines}.${first ? `\n${first.message}` : ''}${next}`,
  };
}

/** Every annotation of the run, in emission priority order (uncapped). */
export function annotations(report: RunReport): Annotation[] {
  const files = sortedFiles(report);
  const items = files.flatMap((f) => f.items).sort(compareItems);
  const out: Annotation[] = [];
  for (const e of report.errors) out.push({ level: 'error', title: e.ruleId, message: e.message });
  for (const i of items) if (i.kind === 'security') out.push(itemAnnotation(i));
  for (const f of files) {
    if (f.status !== 'failed') continue;
    out.push({ level: 'error', file: f.file, title: f.reasonRuleId ?? 'file-failed', message: f.reason ?? 'The file could not be migrated.' });
  }
  for (const i of items) if (i.kind === 'manual-review') out.push(itemAnnotation(i));
  for (const f of files) if (f.status === 'would-change' || f.status === 'changed') out.push(changeAnnotation(f, report.mode));
  for (const i of items) if (i.kind === 'warning') out.push(itemAnnotation(i));
  return out;
}

export function render(report: RunReport, opts: RenderOptions): string {
  const lines: string[] = [];
  const omitted: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const emitted: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  for (const a of annotations(report)) {
    if (emitted[a.level] >= MAX_ANNOTATIONS_PER_LEVEL) {
      omitted[a.level]++;
      continue;
    }
    emitted[a.level]++;
    lines.push(formatAnnotation(a));
  }
  const left = (['error', 'warning', 'notice'] as const).filter((l) => omitted[l] > 0).map((l) => `${omitted[l]} ${l}`);
  if (left.length > 0) {
    const total = omitted.error + omitted.warning + omitted.notice;
    const where = opts.stepSummaryPath ? 'the job summary lists all of them' : 'run with --reporter text or json to see all of them';
    lines.push(
      `alova-ssr-migrate: ${plural(total, 'more annotation')} not shown (${joinAnd(left)}; GitHub shows at most ${MAX_ANNOTATIONS_PER_LEVEL} per level); ${where}.`,
    );
  }
  // A plain last line, like the text reporter: the outcome of the run (no newlines, no commands).
  lines.push(`alova-ssr-migrate: ${outcomeLine(report)}`);
  return `${lines.join('\n')}\n`;
}

// ---- $GITHUB_STEP_SUMMARY -------------------------------------------------------------------

/** GitHub rejects a step summary larger than 1 MiB; stay well below it. */
export const STEP_SUMMARY_MAX_CHARS = 900_000;

/** Table cell text: one line, pipes escaped, HTML neutralised. */
export function mdCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
}

function mdCode(text: string): string {
  const cell = mdCell(text);
  return cell.includes('`') ? cell : `\`${cell}\``;
}

const KIND_LABEL: Record<ReviewItem['kind'], string> = {
  security: 'security',
  'manual-review': 'manual review',
  warning: 'warning',
};

/**
 * Markdown for `$GITHUB_STEP_SUMMARY`: the outcome, the summary counts, and tables of ALL review
 * items (security first) and of every changed, would-change, skipped and failed file. Unchanged and
 * not-applicable files are only counted. Rows beyond {@link STEP_SUMMARY_MAX_CHARS} are cut, with a
 * line saying how many.
 */
export function renderStepSummary(report: RunReport): string {
  return `${fitSections(stepSummaryHead(report), stepSummarySections(report)).join('\n')}\n`;
}

/** The title, the outcome and the table of counts. */
function stepSummaryHead(report: RunReport): string[] {
  const s = report.summary;
  const dryish = report.mode !== 'apply';
  const head: string[] = [];
  head.push(`## alova-ssr-migrate ${mdCell(report.tool.version)} (${report.mode})`, '');
  head.push(`${report.exitCode === 0 ? ':white_check_mark:' : ':x:'} **${mdCell(outcomeLine(report))}**`, '');
  head.push('| | Count |', '| --- | ---: |');
  const counts: [string, string][] = [
    ['Files scanned', String(s.filesScanned)],
    ['Not applicable (pre-filter)', String(s.filesNotApplicable)],
    ['Skipped', String(s.filesSkipped)],
    [dryish ? 'Would change' : 'Changed', String(s.filesChanged)],
    ['Lines', `+${s.linesAdded} −${s.linesRemoved}`],
    ['Factories migrated', String(s.factoriesMigrated)],
    ['Security findings', String(s.securityFindings)],
    ['Manual-review items', String(s.manualReviewItems)],
    ['Warnings', String(s.warnings)],
    ['Baselined', String(s.baselined)],
    ['Failed', String(s.filesFailed)],
  ];
  for (const [k, v] of counts) head.push(`| ${k} | ${v} |`);
  return head;
}

interface StepSection {
  title: string;
  header: string[];
  rows: string[];
}

/** Run errors, review items (security first) and the files worth listing. */
function stepSummarySections(report: RunReport): StepSection[] {
  const rank: Record<ReviewItem['kind'], number> = { security: 0, 'manual-review': 1, warning: 2 };
  const items = sortedFiles(report)
    .flatMap((f) => f.items)
    .sort((a, b) => rank[a.kind] - rank[b.kind] || compareItems(a, b));
  const sections: StepSection[] = [];
  if (report.errors.length > 0) {
    sections.push({
      title: `Run errors (${report.errors.length})`,
      header: ['| Rule | Message |', '| --- | --- |'],
      rows: report.errors.map((e) => `| ${mdCode(e.ruleId)} | ${mdCell(e.message)} |`),
    });
  }
  if (items.length > 0) {
    sections.push({
      title: `Review items (${items.length})`,
      header: ['| Kind | Location | Rule | Message | Hint |', '| --- | --- | --- | --- | --- |'],
      rows: items.map(
        (i) => `| ${KIND_LABEL[i.kind]} | ${mdCode(`${i.file}:${i.line}:${i.col}`)} | ${mdCode(i.ruleId)} | ${mdCell(i.message)} | ${mdCell(i.hint)} |`,
      ),
    });
  }
  const listed = sortedFiles(report).filter((f) => f.status !== 'unchanged' && f.status !== 'not-applicable');
  if (listed.length > 0) {
    sections.push({
      title: `Files (${listed.length})`,
      header: ['| File | Status | Lines | Details |', '| --- | --- | ---: | --- |'],
      rows: listed.map((f) => {
        const touched = f.status === 'changed' || f.status === 'would-change';
        const lines = touched ? `+${f.linesAdded} −${f.linesRemoved}` : '';
        const details = touched
          ? [...new Set(f.edits.map((e) => e.ruleId))].sort().join(', ') + (f.created ? ' (new file)' : '')
          : [f.reasonRuleId, f.reason].filter(Boolean).join(': ');
        return `| ${mdCode(f.file)} | ${f.status} | ${lines} | ${mdCell(details)} |`;
      }),
    });
  }
  return sections;
}

/** Appends the sections to `head`, cutting rows beyond {@link STEP_SUMMARY_MAX_CHARS} with a line saying how many. */
function fitSections(head: string[], sections: StepSection[]): string[] {
  const out = [...head];
  let size = out.join('\n').length;
  let cut = 0;
  for (const section of sections) {
    if (cut > 0) {
      cut += section.rows.length;
      continue;
    }
    const block = ['', `### ${section.title}`, '', ...section.header];
    size += block.join('\n').length + 1;
    out.push(...block);
    for (const row of section.rows) {
      if (cut > 0 || size + row.length + 1 > STEP_SUMMARY_MAX_CHARS) {
        cut++;
        continue;
      }
      size += row.length + 1;
      out.push(row);
    }
  }
  if (cut > 0) out.push('', `_${plural(cut, 'more row')} left out: GitHub limits a step summary to 1 MiB. Use \`--reporter json\` for everything._`);
  return out;
}
