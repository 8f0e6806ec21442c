/**
 * The programmatic API: `import { migrate } from 'alova-ssr-migrate'`.
 *
 * `migrate()` runs the same pipeline as the CLI (discover, pre-filter, analyse, transform, verify,
 * write, report) and resolves to the report model every reporter renders: one record per file,
 * every edit and review item with its rule id, position and docs URL, the summary and the exit
 * code the CLI would use. It never prints and never exits the process; bad input (a missing path,
 * a dirty work tree) comes back as `report.errors` with `exitCode: 2`, as in the CLI.
 *
 * Unlike the CLI, the default mode is `'dry'`: a script must ask for `mode: 'apply'` to write.
 */
import path from 'node:path';
import { DEFAULT_EXTENSIONS } from './discover.js';
import type { Mode, RunReport } from './records.js';
import { run } from './run.js';

export interface MigrateOptions {
  /** Files or folders, relative to `cwd` (default `['.']`). */
  paths?: string[];
  /** Working directory: paths in the report are relative to it (default `process.cwd()`). */
  cwd?: string;
  /** `'dry'` (default): compute, write nothing; `'check'`: like `--check`; `'apply'`: write the files. */
  mode?: Mode;
  /** Cache isolation on the shared instance, as `--cache` (default `'request'`). */
  cache?: 'request' | 'off' | 'shared';
  /** Extensions without the dot (default: ts, tsx, mts, cts, js, jsx, mjs, cjs). */
  extensions?: string[];
  /** Globs of paths to skip, relative to `cwd`, as `--ignore`. */
  ignore?: string[];
  /** Apply `.gitignore` files (default `true`). */
  gitignore?: boolean;
  /** Write even when the git work tree has uncommitted changes (default `false`). */
  allowDirty?: boolean;
  /** Where to generate the request-context module, as `--context-module`. */
  contextModule?: string;
  /** alova's major version when neither the code nor package.json says, as `--alova-version`. */
  alovaVersion?: 2 | 3;
  /** Only files changed since this git ref, as `--changed-since`. */
  changedSince?: string;
  /** Worker threads for parsing, as `--workers` (default: chosen from the cores and the file count). */
  workers?: number;
  /** Also migrate factories with no evidence either way, as `--assume-server` (docs/what-is-left-alone.md). */
  assumeServer?: boolean;
}

/** Runs a migration and resolves to its report. See {@link MigrateOptions} for the defaults. */
export async function migrate(options: MigrateOptions = {}): Promise<RunReport> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  return run({
    paths: options.paths?.length ? options.paths : ['.'],
    cwd,
    mode: options.mode ?? 'dry',
    extensions: options.extensions ?? DEFAULT_EXTENSIONS,
    ignore: options.ignore ?? [],
    gitignore: options.gitignore ?? true,
    allowDirty: options.allowDirty ?? false,
    cache: options.cache ?? 'request',
    contextModule: options.contextModule ?? null,
    alovaMajor: options.alovaVersion,
    changedSince: options.changedSince,
    workers: options.workers,
    assumeServer: options.assumeServer,
  });
}

export { VERSION } from './run.js';
export { renderReport, type ReporterName, type RenderOptions } from './report/index.js';
export { rules, ruleDocsUrl, type RuleId, type RuleMeta } from '../transforms/lib/rules.js';
export type { EditRecord, FileRecord, FileStatus, ItemKind, LeftAloneRecord, Mode, Position, ReviewItem, RunReport, Severity, Summary } from './records.js';
