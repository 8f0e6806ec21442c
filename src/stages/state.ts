/**
 * What the stages of a run share: the options, the project facts, and the records collected so far.
 * Each stage (a file in this folder) reads what it needs and appends its records; none of them
 * prints or exits (that is the CLI's job).
 */
import type { Baseline } from '../baseline.js';
import type { FileRecord, Mode, RunReport, Summary } from '../records.js';
import type { Interrupt } from '../write.js';
import type { PathFacts } from '../project-facts.js';
import type { CacheMode } from '../../transforms/ssr-singleton.js';

export interface RunOptions {
  paths: string[];
  cwd: string;
  mode: Mode;
  extensions: string[];
  ignore: string[];
  gitignore: boolean;
  allowDirty: boolean;
  cache: CacheMode;
  /** A path (with or without extension) for the generated context module. */
  contextModule: string | null;
  alovaMajor?: 2 | 3;
  changedSince?: string;
  /** Migrate factories with no evidence either way (docs/what-is-left-alone.md). */
  assumeServer?: boolean;
  /** Worker threads (`--workers`); undefined: ALOVA_SSR_MIGRATE_WORKERS, else chosen from cores and files. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called with each verified output the run would write (`--print`), before anything is written. */
  onOutput?: (file: FileRecord, output: string) => void;
  /** Set by the CLI's signal handlers; the write stage stops (or completes its commit) on it. */
  interrupt?: Interrupt;
  /**
   * Files the caller writes after the run (--output-file, --write-baseline): checked with the
   * run's own outputs before anything is written, so a bad path fails the run up front.
   */
  reportTargets?: string[];
  /**
   * Called once with the records, before they are counted: the baselines whose items the report
   * leaves out (the CLI writes --write-baseline here, then suppresses it and --baseline), so the
   * summary and the exit code are computed once, after every baseline.
   */
  baselines?: (files: readonly FileRecord[], errors: RunReport['errors']) => Baseline[];
}

/** One file's record, and what the write stage needs to write it. */
export interface Planned {
  record: FileRecord;
  abs: string;
  output?: string;
  before?: string | null;
  mode?: number;
  /** The file defines a factory: written after the files that only call factories. */
  definesFactory?: boolean;
  /** A generated context module: written first, so no migrated file imports a missing module. */
  contextModule?: true;
}

export interface RunState {
  options: RunOptions;
  facts: PathFacts;
  planned: Planned[];
  errors: RunReport['errors'];
  notes: string[];
  timings: Summary['timings'];
  /** performance.now() when the run started. */
  t0: number;
  /** The run's path relative to the working directory, POSIX separators. */
  rel: (abs: string) => string;
}

export function fileRecord(rel: string, status: FileRecord['status']): FileRecord {
  return { file: rel, status, linesAdded: 0, linesRemoved: 0, edits: [], items: [], leftAlone: [], factoriesMigrated: 0 };
}

/** A record for a file that was not parsed: `status` with its rule id and reason. */
export function reasonRecord(rel: string, status: 'failed' | 'skipped', reasonRuleId: string, reason: string): FileRecord {
  return { ...fileRecord(rel, status), reasonRuleId, reason };
}
