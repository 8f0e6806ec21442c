/** The transform's public types: its options and its result. */
import type { ContextFlavor } from '../lib/context-module.js';
import type { ContextTarget } from '../lib/context-target.js';
import type { Finding } from '../lib/findings.js';
import type { ProjectFacts } from '../lib/classify.js';

export type CacheMode = 'request' | 'off' | 'shared';

export interface MigrateOptions {
  /** Isolation of alova's cache on the shared instance (default `request`). */
  cache?: CacheMode;
  /** Absolute path of the context module WITHOUT extension (default: `<file dir>/alova-request-context`). */
  contextModule?: string;
  /**
   * Per file (absolute path): the module its package imports, decided by the CLI for the whole
   * project (src/context-placement.ts), or why the file cannot import one. Wins over `contextModule`.
   */
  contextModules?: Record<string, ContextTarget>;
  /** Project root: ids and record paths are relative to it (default: cwd). */
  root?: string;
  /** Path written into records (default: `file` relative to `root`, POSIX). */
  displayPath?: string;
  /** alova major version when the code gives no hint (default 3). */
  alovaMajor?: 2 | 3;
  /** Suffix for the context-module import in a TS file with no relative import to copy (`.js` under NodeNext). */
  tsImportSuffix?: '' | '.js';
  /** The installed alova version, when known (3.0.0 - 3.0.2 read baseURL before beforeRequest). */
  alovaVersion?: string;
  /** Project facts for the classifier (package.json, server callers found by the index); missing keys default to none. */
  project?: Partial<ProjectFacts>;
}

export interface MigrateResult {
  /** The migrated text, or null when the file is left unchanged. */
  output: string | null;
  /** Edits, review items and left-alone factories, with offsets into the input (src/findings.ts makes records of them). */
  findings: Finding[];
  factoriesMigrated: number;
  /** The context module flavour this file imports (the CLI generates it), or null. */
  contextFlavor: ContextFlavor | null;
}

/** The input does not parse (src/transform.ts reports it as `syntax-error`). */
export class TransformParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

export function unchangedResult(findings: Finding[] = []): MigrateResult {
  return { output: null, findings, factoriesMigrated: 0, contextFlavor: null };
}
