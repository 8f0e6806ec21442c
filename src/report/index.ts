/**
 * Reporters are pure views of a {@link RunReport}: `render(report, opts)` returns the whole
 * output as one string ending in a newline, and never reads the environment, the clock or the
 * file system. Writing the string (stdout, a file, `$GITHUB_STEP_SUMMARY`) is the caller's job.
 */
import type { RunReport } from '../records.js';
import { render as renderGithub } from './github.js';
import { render as renderJson } from './json.js';
import { render as renderSarif } from './sarif.js';
import { render as renderText } from './text.js';

export type ReporterName = 'text' | 'json' | 'github' | 'sarif';

export const REPORTER_NAMES: readonly ReporterName[] = ['text', 'json', 'github', 'sarif'];

export interface RenderOptions {
  /** Colour output (text reporter only). Never inferred: the caller decides (TTY, NO_COLOR, --color). */
  color: boolean;
  /** Absolute working directory; sarif uses it for `originalUriBaseIds` (%SRCROOT%). */
  cwd?: string;
  /** text: print each file's unified diff first (--dry); json: include `FileRecord.diff`. */
  diffs?: boolean;
  /**
   * github: the value of `$GITHUB_STEP_SUMMARY`, when set. The renderer does not write to it (see
   * `renderStepSummary` in ./github.js); it only points readers of the log at the job summary.
   */
  stepSummaryPath?: string;
  /** text: generated files' diffs in full, per-rule counts and per-stage timings (`--verbose`). */
  verbose?: boolean;
  /**
   * text, `--check` with files to migrate: the command that migrates them, as the user typed the
   * check (the CLI passes it). Without it the command is built from the report's paths.
   */
  fixCommand?: string;
}

export function isReporterName(name: string): name is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(name);
}

export function renderReport(name: ReporterName, report: RunReport, opts: RenderOptions): string {
  switch (name) {
    case 'text':
      return renderText(report, opts);
    case 'json':
      return renderJson(report, opts);
    case 'github':
      return renderGithub(report, opts);
    case 'sarif':
      return renderSarif(report, opts);
    default: {
      const never: never = name;
      throw new Error(`Unknown reporter ${JSON.stringify(never)}; expected one of ${REPORTER_NAMES.join(', ')}.`);
    }
  }
}

export { progressLine, outcomeLine } from './text.js';
export { renderStepSummary } from './github.js';
export { toJsonDocument } from './json.js';
