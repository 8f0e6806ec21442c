/**
 * `--reporter sarif`: a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.
 *
 * - Review items become results with the item's `severity` as `level` (error / warning / note),
 *   `region.snippet` = the excerpt, and a `fixes` entry when the item carries a replacement.
 * - Files that would change (--check / --dry) become one `warning` result each, with the rule id
 *   of the file's first edit, so the migration backlog shows up in code scanning.
 * - Failed files become `error` results (rule id = the file's `reasonRuleId`).
 * - Run-level errors become `invocations[0].toolExecutionNotifications`; `executionSuccessful` is
 *   false when the exit code is 2.
 *
 * Locations are relative POSIX URIs against `%SRCROOT%`; with `opts.cwd` the log also records
 * `originalUriBaseIds` so a viewer can resolve them. Columns are UTF-16 code units
 * (`columnKind: utf16CodeUnits`), as in the records.
 *
 * `partialFingerprints["alovaSsrMigrate/v1"]` is sha256(ruleId, file, normalised excerpt) plus an
 * occurrence number (`:1`, `:2`, ...) for identical items, so results keep their identity when
 * code moves, and two identical items stay two results.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { normaliseExcerpt } from '../baseline.js';
import { plural } from '../exit-code.js';
import type { FileRecord, ReviewItem, RunReport, Severity } from '../records.js';
import { REPOSITORY_URL, repositoryFileUrl, ruleDocsUrl, rules as ruleCatalogue } from '../../transforms/lib/rules.js';
import { type RenderOptions, compareEdits, compareItems, compareStrings, sortedFiles, summaryJson } from './format.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Where the tool is documented (package.json `homepage` without the anchor). */
export const TOOL_INFORMATION_URI = REPOSITORY_URL;
export const FINGERPRINT_KEY = 'alovaSsrMigrate/v1';

// A minimal typing of the parts of SARIF 2.1.0 that this reporter writes.
interface SarifRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  snippet?: { text: string };
}
interface SarifArtifactLocation {
  uri: string;
  uriBaseId: string;
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Severity;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: SarifArtifactLocation; region?: SarifRegion } }[];
  partialFingerprints: Record<string, string>;
  fixes?: SarifFix[];
  properties?: Record<string, unknown>;
}
interface SarifFix {
  description: { text: string };
  artifactChanges: {
    artifactLocation: SarifArtifactLocation;
    replacements: { deletedRegion: SarifRegion; insertedContent: { text: string } }[];
  }[];
}
interface SarifRule {
  id: string;
  shortDescription: { text: string };
  helpUri?: string;
  defaultConfiguration: { level: Severity };
  properties?: Record<string, unknown>;
}

/** A relative POSIX path as a URI reference (each segment percent-encoded). */
export function pathToUriReference(file: string): string {
  return file
    .replace(/\\/g, '/')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** A relative docs path (`docs/x.md#y`) as an absolute URL in the repository; absolute URLs are kept. */
export function docsToHelpUri(docs: string): string | undefined {
  if (!docs) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(docs)) return docs;
  return repositoryFileUrl(docs);
}

/**
 * A rule's SARIF `shortDescription` and `helpUri`: for the tool's own rules, the catalogue's
 * one-line description and page, so code scanning describes the rule itself rather than
 * repeating the first finding's message; otherwise what the record carries.
 */
function ruleText(id: string, fallback: string, docs: string): { description: string; helpUri: string | undefined } {
  const known = Object.hasOwn(ruleCatalogue, id) ? (ruleCatalogue as Record<string, { description: string }>)[id] : undefined;
  if (known) return { description: known.description, helpUri: ruleDocsUrl(id) };
  return { description: fallback, helpUri: docsToHelpUri(docs) };
}

export function fingerprint(ruleId: string, file: string, excerpt: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${file}\u0000${normaliseExcerpt(excerpt)}`, 'utf8').digest('hex');
}

function artifact(file: string): SarifArtifactLocation {
  return { uri: pathToUriReference(file), uriBaseId: '%SRCROOT%' };
}

function ensureTrailingSlash(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}

export function render(report: RunReport, opts: RenderOptions): string {
  return `${JSON.stringify(toSarif(report, opts), null, 2)}\n`;
}

/** The SARIF log as a plain object (what `render` serialises). */
export function toSarif(report: RunReport, opts: Pick<RenderOptions, 'cwd'> = {}): Record<string, unknown> {
  const files = sortedFiles(report);
  const items = files.flatMap((f) => f.items).sort(compareItems);
  const { rules, rule } = ruleTable();
  const fingerprints = fingerprinter();
  const results: SarifResult[] = items.map((item) => itemResult(item, rule, fingerprints));
  for (const file of files) {
    if (file.status === 'would-change') results.push(changeResult(file, rule, fingerprints));
    if (file.status === 'failed') results.push(failedResult(file, rule, fingerprints));
  }
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [JSON.parse(JSON.stringify(sarifRun(report, opts, rules, results)))] };
}

type RuleIndexer = (id: string, description: string, docs: string, level: Severity, kind: string) => number;
type Fingerprinter = (ruleId: string, file: string, excerpt: string) => Record<string, string>;

/** The rules the results use, each listed once, in the order first used. */
function ruleTable(): { rules: SarifRule[]; rule: RuleIndexer } {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const rule: RuleIndexer = (id, description, docs, level, kind) => {
    const known = ruleIndex.get(id);
    if (known !== undefined) return known;
    const text = ruleText(id, description, docs);
    const r: SarifRule = { id, shortDescription: { text: text.description }, defaultConfiguration: { level }, properties: { kind } };
    const helpUri = text.helpUri;
    if (helpUri) r.helpUri = helpUri;
    rules.push(r);
    ruleIndex.set(id, rules.length - 1);
    return rules.length - 1;
  };
  return { rules, rule };
}

/** Equal findings in one file get `:1`, `:2`... so each fingerprint is unique. */
function fingerprinter(): Fingerprinter {
  const seen = new Map<string, number>();
  return (ruleId, file, excerpt) => {
    const hash = fingerprint(ruleId, file, excerpt);
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);
    return { [FINGERPRINT_KEY]: `${hash}:${n}` };
  };
}

function itemResult(item: ReviewItem, rule: RuleIndexer, fingerprints: Fingerprinter): SarifResult {
  const index = rule(item.ruleId, item.message, item.docs, item.severity, item.kind);
  const region: SarifRegion = { startLine: item.line, startColumn: item.col };
  if (item.excerpt) region.snippet = { text: item.excerpt };
  const result: SarifResult = {
    ruleId: item.ruleId,
    ruleIndex: index,
    level: item.severity,
    message: { text: item.hint ? `${item.message}\nHint: ${item.hint}` : item.message },
    locations: [{ physicalLocation: { artifactLocation: artifact(item.file), region } }],
    partialFingerprints: fingerprints(item.ruleId, item.file, item.excerpt),
    properties: { kind: item.kind },
  };
  const fix = itemFix(item);
  if (fix) result.fixes = [fix];
  return result;
}

function failedResult(file: FileRecord, rule: RuleIndexer, fingerprints: Fingerprinter): SarifResult {
  const id = file.reasonRuleId ?? 'file-failed';
  const reason = file.reason ?? 'The file could not be migrated.';
  return {
    ruleId: id,
    ruleIndex: rule(id, 'A file could not be read, parsed or verified.', '', 'error', 'failed'),
    level: 'error',
    message: { text: reason },
    locations: [{ physicalLocation: { artifactLocation: artifact(file.file) } }],
    partialFingerprints: fingerprints(id, file.file, ''),
    properties: { kind: 'failed' },
  };
}

function sarifRun(report: RunReport, opts: Pick<RenderOptions, 'cwd'>, rules: SarifRule[], results: SarifResult[]): Record<string, unknown> {
  return {
    tool: {
      driver: {
        name: report.tool.name,
        version: report.tool.version,
        semanticVersion: /^\d+\.\d+\.\d+/.test(report.tool.version) ? report.tool.version : undefined,
        informationUri: TOOL_INFORMATION_URI,
        rules,
      },
    },
    invocations: [
      {
        executionSuccessful: report.exitCode !== 2,
        exitCode: report.exitCode,
        ...(report.exitReason ? { exitCodeDescription: report.exitReason } : {}),
        toolExecutionNotifications: report.errors.map((e) => ({
          level: 'error',
          message: { text: e.message },
          descriptor: { id: e.ruleId },
        })),
        ...(report.notes.length > 0 ? { properties: { notes: [...report.notes] } } : {}),
      },
    ],
    ...(opts.cwd ? { originalUriBaseIds: { '%SRCROOT%': { uri: ensureTrailingSlash(pathToFileURL(opts.cwd).href) } } } : {}),
    columnKind: 'utf16CodeUnits',
    results,
    // Timings are left out so equal runs give byte-equal logs.
    properties: { mode: report.mode, summary: { ...summaryJson(report.summary), timings: undefined } },
  };
}

function itemFix(item: ReviewItem): SarifFix | undefined {
  if (!item.fix || item.fix.replacement === undefined) return undefined;
  const range = item.fix.range ?? { start: { line: item.line, col: item.col }, end: { line: item.line, col: item.col } };
  return {
    description: { text: item.fix.description },
    artifactChanges: [
      {
        artifactLocation: artifact(item.file),
        replacements: [
          {
            deletedRegion: {
              startLine: range.start.line,
              startColumn: range.start.col,
              endLine: range.end.line,
              endColumn: range.end.col,
            },
            insertedContent: { text: item.fix.replacement },
          },
        ],
      },
    ],
  };
}

function changeResult(file: FileRecord, rule: RuleIndexer, fingerprints: Fingerprinter): SarifResult {
  const edits = [...file.edits].sort(compareEdits);
  const first = edits[0];
  const id = first?.ruleId ?? 'would-change';
  const rulesUsed = [...new Set(edits.map((e) => e.ruleId))].sort(compareStrings);
  const what = edits.length > 0 ? `${plural(edits.length, 'edit')} (${rulesUsed.join(', ')})` : 'a new file';
  const region: SarifRegion | undefined = first
    ? { startLine: first.line, startColumn: first.col, endLine: first.endLine, endColumn: first.endCol }
    : undefined;
  return {
    ruleId: id,
    ruleIndex: rule(id, first?.message ?? 'The file would be created by the migration.', first?.docs ?? '', 'warning', 'would-change'),
    level: 'warning',
    message: {
      text: `Not migrated yet: alova-ssr-migrate would make ${what}, +${file.linesAdded} -${file.linesRemoved} lines.${first ? ` First: ${first.message}` : ''}`,
    },
    locations: [{ physicalLocation: { artifactLocation: artifact(file.file), ...(region ? { region } : {}) } }],
    // Keyed on the rules involved, not on line numbers: the backlog entry survives unrelated edits.
    partialFingerprints: fingerprints(id, file.file, `would-change ${rulesUsed.join(' ')}`),
    properties: { kind: 'would-change', linesAdded: file.linesAdded, linesRemoved: file.linesRemoved },
  };
}
